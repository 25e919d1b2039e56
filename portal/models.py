"""The spine every app shares: people, projects, activities, participations, the audit trail
and the record of reminders sent. The spine imports no app."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    """The Django groups that carry each role's permissions (made by a data migration)."""

    CONTRIBUTOR = "Contributor", "Contributor"
    COORDINATOR = "Coordinator", "Coordinator"
    MANAGER = "Manager", "Manager"


def display_name(name: str, email: str | None, public_id) -> str:
    """A person as the portal names them (User's str): their name, else their email, else their
    id. Lists that read people as columns (portal.rows) name them with this."""
    return name or email or str(public_id)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def with_role(self, role: str):
        return self.filter(groups__name=role, is_active=True)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def offline(self):
        return self.filter(offline_q(path=""))


def offline_q(path: str = "user") -> Q:
    """People who cannot sign in themselves: no email address, or no usable password (someone a
    coordinator registered, invited or not, who has not yet set a password). The one statement
    of "offline": a coordinator acts and claims only for these people."""
    prefix = f"{path}__" if path else ""
    return (
        Q(**{f"{prefix}email__isnull": True})
        | Q(**{f"{prefix}email": ""})
        | Q(**{f"{prefix}password__startswith": UNUSABLE_PASSWORD_PREFIX})
    )


PERMS_GENERATION = "portal:perms:generation"


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can sign in, or (email empty) someone a coordinator acts for offline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Email is the login. It may be empty for a contributor registered by a coordinator who
    # has no email or internet; unique when present.
    email = models.EmailField(unique=True, null=True, blank=True)
    name = models.CharField("full name", max_length=200)
    preferred_name = models.CharField("name you like to be called", max_length=100, blank=True)
    is_staff = models.BooleanField("can use the admin site", default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Reminder kinds (see portal.reminders) this person has chosen not to get by email.
    muted_reminders = models.JSONField(default=list, blank=True)
    # How many days ahead this person wants each kind that has a lead time, e.g.
    # {"feedback_activity_tomorrow": [7, 1]}; a kind not listed uses its default.
    reminder_lead_days = models.JSONField(default=dict, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        permissions = [
            ("view_organisation", "Can see organisation-wide figures"),
            ("grant_roles", "Can give and take away roles"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="portal_user_email_ci_unique"),
        ]
        # People are listed by name (the directory, pickers): a page of 50 of 20,000 walks this
        # instead of sorting everyone. The offline people (a few in twenty) by name too: the
        # directory's second list and the coordinator's scope narrowed to them read these
        # instead of scanning every user for the rule (docs/performance.md).
        indexes = [
            models.Index(fields=["name", "id"], name="user_name_id"),
            models.Index(fields=["name", "id"], name="user_offline_name_id", condition=offline_q(path="")),
        ]

    def __str__(self):
        return display_name(self.name, self.email, self.public_id)

    @property
    def name_with_hint(self) -> str:
        """The one way staff see a person where two may share a name (pickers, lists, CSVs)."""
        from .rows import name_with_hint

        return name_with_hint(self.name, self.email, self.public_id)

    @property
    def short_name(self) -> str:
        return self.preferred_name or self.name.split(" ")[0] if self.name else ""

    def get_short_name(self):
        return self.short_name

    def get_full_name(self):
        return self.name

    @property
    def _roles_cache_key(self) -> str:
        # public_id as well as pk: test databases reuse primary keys, never UUIDs.
        return f"portal:roles:{self.pk}:{self.public_id}"

    def has_role(self, role: str) -> bool:
        return role in self.role_names()

    def role_names(self) -> frozenset[str]:
        """The person's roles (their groups' names)."""
        # Cached on the object (many checks per page) and in the cache (every page asks), the
        # latter cleared whenever the person's groups change (portal.apps: forget_roles).
        if not hasattr(self, "_role_cache"):
            shared = self.pk and settings.PORTAL_SHARED_CACHE
            names = self._read_access()[0] if shared else None
            if names is None:
                from django.core.cache import cache

                names = list(self.groups.values_list("name", flat=True)) if self.pk else []
                if shared:
                    cache.set(self._roles_cache_key, names, 300)
            self._role_cache = frozenset(names)
        return self._role_cache

    @property
    def _perms_cache_key(self) -> str:
        return f"portal:perms:{self.pk}:{self.public_id}:{self.is_superuser}"

    def _read_access(self) -> tuple:
        """The cached roles, permissions and the permissions' generation, in one round trip to
        the cache, once a request: a staff page checks both, and asked for the roles, the
        generation and then the permissions one after another."""
        if not hasattr(self, "_access"):
            from django.core.cache import cache

            found = cache.get_many([self._roles_cache_key, self._perms_cache_key, PERMS_GENERATION])
            generation = found.get(PERMS_GENERATION)
            if generation is None:
                cache.add(PERMS_GENERATION, 1, None)
                generation = cache.get(PERMS_GENERATION, 1)
            self._access = (found.get(self._roles_cache_key), found.get(self._perms_cache_key), generation)
        return self._access

    def _load_perms(self) -> None:
        """Django's backends keep a person's permissions on the object for the request; every
        page that checks one asked the database twice for them. Cached like the roles, cleared
        when the person's groups or own permissions change, and kept with the generation they
        were read in: a group's permissions changing starts a new one (portal.apps: forget_perms)."""
        if hasattr(self, "_perm_cache") or not (self.pk and self.is_active and settings.PORTAL_SHARED_CACHE):
            return
        from django.contrib.auth.backends import ModelBackend
        from django.core.cache import cache

        _, kept, generation = self._read_access()
        if kept is not None and kept[0] == generation:
            perms = kept[1]
        else:
            perms = list(ModelBackend().get_all_permissions(self))
            cache.set(self._perms_cache_key, (generation, perms), 300)
        self._perm_cache = set(perms)

    def has_perm(self, perm, obj=None):
        self._load_perms()
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        self._load_perms()
        return super().has_module_perms(app_label)

    @property
    def is_contributor(self) -> bool:
        return self.has_role(Role.CONTRIBUTOR)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(Role.COORDINATOR)

    @property
    def is_manager(self) -> bool:
        return self.has_role(Role.MANAGER)

    @property
    def is_offline(self) -> bool:
        """Cannot sign in themselves (see `offline_q`, the same rule for querysets)."""
        return not self.email or not self.has_usable_password()

    @property
    def is_staff_role(self) -> bool:
        """Coordinators and managers: the people MFA is required for."""
        return self.is_coordinator or self.is_manager


class ProjectStage(models.TextChoices):
    """Research stages, shared by projects and the impact log."""

    IDENTIFYING = "identifying", "Identifying and prioritising"
    DESIGN = "design", "Design"
    FUNDING = "funding", "Funding application"
    ETHICS = "ethics", "Ethics"
    RECRUITMENT = "recruitment", "Recruitment and participant materials"
    DELIVERY = "delivery", "Delivery"
    ANALYSIS = "analysis", "Analysis"
    DISSEMINATION = "dissemination", "Dissemination"
    IMPLEMENTATION = "implementation", "Implementation"


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


def coordinated_by_q(user, path: str = "project") -> Q:
    """Rows whose project (at `path`) this person coordinates: its lead or one of its
    coordinators. The one statement of that rule; every app's visible_to uses it."""
    prefix = f"{path}__" if path else ""
    # The coordinators as a subquery, not a join: a join through the coordinators table gives a
    # row per coordinator, so every caller needed DISTINCT, and PostgreSQL planned the ORed join
    # as a nested loop per row (docs/performance.md: 22 ms for the navigation's count).
    theirs = Project.coordinators.through.objects.filter(user=user).values("project_id")
    return Q(**{f"{prefix}lead": user}) | Q(**{f"{prefix}{'in' if prefix else 'pk__in'}": theirs})


class ProjectQuerySet(models.QuerySet):
    def coordinated_by(self, user):
        return self.filter(coordinated_by_q(user, path=""))

    def managed_by(self, user):
        """The projects a person manages: every project for a manager, a coordinator's own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        if user.is_coordinator:
            return self.coordinated_by(user)
        return self.none()

    def visible_to(self, user):
        """Managers see every project; coordinators theirs; contributors those they take part in."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        q = Q(pk__in=[])
        if user.is_coordinator:
            q |= coordinated_by_q(user, path="")
        if user.is_contributor:
            q |= Q(activities__participations__contributor=user)
        return self.filter(q).distinct()


class Project(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="In plain words: what the research is and why it matters.")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_projects",
        help_text="The coordinator who is responsible for involvement on this project.",
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_projects", blank=True
    )
    stage = models.CharField(max_length=20, choices=ProjectStage, default=ProjectStage.DESIGN)
    status = models.CharField(max_length=10, choices=ProjectStatus, default=ProjectStatus.ACTIVE)
    involvement_budget = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Money set aside for paying public contributors, in pounds.",
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(involvement_budget__gte=0), name="portal_project_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="portal_project_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def is_coordinated_by(self, user) -> bool:
        return self.lead_id == user.pk or self.coordinators.filter(pk=user.pk).exists()


class ActivityKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    DOCUMENT_REVIEW = "document_review", "Document review"
    PANEL = "panel", "Panel"
    WORKSHOP = "workshop", "Workshop"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class ActivityMode(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"


class ActivityQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        q = Q(pk__in=[])
        if user.is_coordinator:
            q |= coordinated_by_q(user)
        if user.is_contributor:
            # A subquery, not a join through participations: a join gives a row per place, so
            # it needed DISTINCT, which sorted every column of the activity, its project and
            # coordinator on each activity page (a quarter of that query's time).
            q |= Q(pk__in=Participation.objects.filter(contributor=user).values("activity_id"))
        return self.filter(q)


class Activity(TimeStampedModel):
    """One piece of involvement: a meeting, a document review, a panel..."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ActivityKind, default=ActivityKind.MEETING)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField("date and time")
    expected_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        help_text="Including agreed preparation time.",
    )
    mode = models.CharField(max_length=10, choices=ActivityMode, default=ActivityMode.ONLINE)
    location = models.CharField(
        max_length=300,
        blank=True,
        help_text="An address for in-person activities; a joining note for online ones.",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_activities",
        help_text="Who runs it and owes feedback to the people who take part.",
    )
    # The rate card row (by its code) that prices a fee for this activity; payments looks it
    # up in the card in force on the activity date.
    rate_code = models.CharField(max_length=50, blank=True)
    # Bumped whenever the time or place changes, so calendars that imported the event replace
    # it (RFC 5545 SEQUENCE) instead of keeping the old time.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How many take part, where a page has already counted them (the activity page, for the
    # panels beside its table); None where nobody has.
    taking_part: int | None = None

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_hours__gte=0), name="portal_activity_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localdate(self.starts_at):%d %b %Y})"

    @property
    def occurs_on(self):
        return timezone.localdate(self.starts_at)

    @property
    def is_past(self) -> bool:
        """The activity has started: from then on attendance is recorded and claims are made."""
        return self.starts_at <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    CONFIRMED = "confirmed", "Confirmed"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


PARTICIPATION_TRANSITIONS: dict[str, set[str]] = {
    ParticipationStatus.INVITED: {
        ParticipationStatus.CONFIRMED,
        ParticipationStatus.ATTENDED,
        ParticipationStatus.DID_NOT_ATTEND,
    },
    ParticipationStatus.CONFIRMED: {
        ParticipationStatus.ATTENDED,
        ParticipationStatus.DID_NOT_ATTEND,
        ParticipationStatus.INVITED,
    },
    # A coordinator who ticked the wrong box can correct it.
    ParticipationStatus.ATTENDED: {ParticipationStatus.DID_NOT_ATTEND},
    ParticipationStatus.DID_NOT_ATTEND: {ParticipationStatus.ATTENDED},
}


# Recording these says the activity happened, so they wait until it has started.
OUTCOME_STATUSES = frozenset({ParticipationStatus.ATTENDED, ParticipationStatus.DID_NOT_ATTEND})


class ParticipationQuerySet(models.QuerySet):
    def attended(self):
        return self.filter(status=ParticipationStatus.ATTENDED)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        q = Q(contributor=user)
        if user.is_coordinator:
            q |= coordinated_by_q(user, path="activity__project")
        return self.filter(q).distinct()


class Participation(TimeStampedModel):
    """A contributor took part (or is due to) in an activity: what claims and feedback are for."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participations")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations"
    )
    status = models.CharField(max_length=20, choices=ParticipationStatus, default=ParticipationStatus.INVITED)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["activity__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "contributor"], name="portal_participation_once_per_activity"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values),
                name="portal_participation_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.contributor} at {self.activity}"

    def can_move_to(self, status: str) -> bool:
        return status in PARTICIPATION_TRANSITIONS.get(self.status, set())


class AuditEvent(models.Model):
    """An append-only record of a change with a business meaning: who, what, to which object."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=80)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"


class SentReminder(models.Model):
    """One row per reminder sent. The unique constraint is what makes a reminder go at most
    once per kind, object, recipient and period, even when two sweeps race."""

    kind = models.CharField(max_length=60)
    object_key = models.CharField(max_length=80)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_received"
    )
    period = models.CharField(max_length=20, blank=True, default="")
    channel = models.CharField(max_length=10, default="email")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient", "period"],
                name="portal_sentreminder_once",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.object_key} to {self.recipient} ({self.period})"


class OutgoingEmail(models.Model):
    """Every email the portal sends, recorded once: rendered and saved in the transaction that
    caused it, sent after commit by a retried Celery task (portal.tasks.deliver_email), which
    marks it sent so that a retry or a second delivery never sends it twice."""

    template = models.CharField(max_length=80)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.template} to {len(self.to)}"


class AggregateRelease(models.Model):
    """A table of people's equality answers someone has been shown, kept as the set of ids it
    counted (ids only: no answers, no names). A later table whose population differs from one
    of these by a few people would give those people's answers away by subtraction, so
    `portal.suppression.guard_population` refuses it (see docs/security.md)."""

    kind = models.CharField(max_length=40)  # what the ids are ids of
    key = models.CharField(max_length=300)  # which table: scope and period
    population = models.JSONField()  # sorted ids
    # `portal.suppression.population_digest` of the ids: the same table asked again with the same
    # people is found by this, without reading every earlier population.
    digest = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key"])]
        ordering = ["-made_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.key} ({self.size})"
