"""A person's contributor profile: how to reach them, what they need, how they are paid; their
equality monitoring answers (kept apart), role assignments, opportunities and data requests."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from portal import crypto
from portal.models import ActivityMode, Project, TimeStampedModel, User, coordinated_by_q, offline_q
from portal.pagination import PAGE_SIZE
from portal.people import built_for, compiled_for, linked, people_q, people_visible_to

from . import equality


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    PHONE = "phone", "Phone"
    POST = "post", "Post"


class ContributorStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    VOUCHERS = "vouchers", "Vouchers"
    NO_PAYMENT = "no_payment", "No payment (I do not want to be paid)"


class AccessNeed(models.TextChoices):
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    AUDIO = "audio", "Audio"
    BSL = "bsl", "British Sign Language (BSL) interpreter"
    INTERPRETER = "interpreter", "Another language interpreter"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    STEP_FREE = "step_free", "Step-free access"
    SUPPORTER = "supporter", "A carer or supporter comes with me"


def in_directory_q(path: str = "") -> Q:
    """Profiles listed in the directory: the person opted in, and has neither left nor been
    erased. One statement for the directory, its index and the directory link."""
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}in_directory": True, f"{prefix}erased_at__isnull": True}) & ~Q(
        **{f"{prefix}status": ContributorStatus.LEFT}
    )


def has_access_needs_q() -> Q:
    """Profiles of people who told us of an access need: one statement for the activity page's
    list and its index, so that the index's condition is the query's. "Has a first need"
    rather than "is not []": a JSON list as a parameter is a new object each time the query is
    built, which portal.compiled cannot tell from a changing value."""
    return Q(access_needs__0__isnull=False) | ~Q(access_needs_other="")


def contributor_links(user, offline_only: bool = False) -> Q:
    """The links to a person this app knows, for a coordinator (a Q over User): a role on, or
    interest in, one of their projects; having registered them; or the person's own opt-in to
    the directory, which never reaches someone who cannot sign in (so it never lets a
    coordinator act for them, and is left out for `offline_only`, portal.people.people_q)."""
    projects = Project.objects.coordinated_by(user).values("pk")
    # Subqueries, not joins (see portal.people.people_q).
    links = (
        linked(RoleAssignment.objects.filter(contributor=OuterRef("pk"), project__in=projects), offline_only)
        | linked(
            ExpressionOfInterest.objects.filter(
                contributor=OuterRef("pk"), opportunity__project__in=projects
            ),
            offline_only,
        )
        | _registered_by(user, offline_only)
    )
    if offline_only:
        # Left out rather than left to PostgreSQL: the opt-in reads the user's email and
        # password, which made it scan every user instead of the offline people's index.
        return links
    return links | (in_directory_q(path="contributor") & ~offline_q(path=""))


def _registered_by(user, offline_only: bool) -> Q:
    """Having registered the person: a one-to-one join for everyone; for the offline people a
    probe of their profile (`linked`), so that the directory's query need not join all 20,000
    profiles to find a thousand people's (docs/performance.md)."""
    if not offline_only:
        return Q(contributor__registered_by=user)
    return linked(Contributor.objects.filter(user=OuterRef("pk"), registered_by=user), offline_only)


def offline_visible_to(user):
    """The people, with a profile not erased (`profile`, its key), that `user` may reach who
    cannot sign in themselves, in name order (the directory's second list). The scope is
    checked for those few people only (`people_q`'s `offline_only`), and read from the users'
    side, walking the index of the offline people; each one's profile is a probe by user rather
    than a join, which PostgreSQL made a hash of all 20,000 profiles (docs/performance.md)."""
    return built_for(user, "offline", lambda: _offline_visible_to(user))


def _offline_visible_to(user):
    profile = Subquery(Contributor.objects.filter(user=OuterRef("pk"), erased_at__isnull=True).values("pk"))
    return (
        User.objects.filter(people_q(user, offline_only=True))
        .filter(offline_q(path=""))
        .annotate(profile=profile)
        .filter(profile__isnull=False)
        .order_by("name", "profile")
    )


def offline_first_page(user, columns: tuple):
    """The first page of `offline_visible_to` as `columns` of their profiles, in its order: a
    query compiled once a process for the person's roles (portal.people.compiled_for), and the
    values to run it with. The directory's most asked page of the list, where Django compiling
    the scope's subqueries took longer than PostgreSQL answering them."""

    def build(person):
        page = _offline_visible_to(person).values("profile")[:PAGE_SIZE]
        # The same order: a person's name, then their profile's key.
        return Contributor.objects.filter(pk__in=page).order_by("user__name", "pk").values_list(*columns)

    return compiled_for(user, f"offline:first:{columns}", build), {"person": user.pk}


def offline_count(user) -> int:
    """How many people `offline_visible_to` lists, kept for the person as a figure (the
    "people" area, contributors.panels: forgotten on any change to what the scope reads): the
    directory's page count. Counting them checks the scope for every offline person (6 ms of
    PostgreSQL at a thousand), where the first page alone stops at its 25th. Only the count is
    kept: who is listed is always worked out afresh, so a count a bulk update left stale for
    its minute can only make the last page shorter or longer, never show anyone out of scope."""
    from portal import figures

    name, scope = offline_count_figure(user)
    return figures.cached(name, lambda: offline_visible_to(user).count(), scope=scope)


def offline_count_figure(user) -> tuple[str, str]:
    """`offline_count`'s figure and scope, for a page to prefetch (portal.figures.prefetch)."""
    from portal import figures

    return "people:offline", f"{figures.person(user)}:{user.is_manager}:{user.is_coordinator}"


def directory_count() -> int:
    """How many profiles the directory lists before a search, the same for everyone who may
    search it: a figure of the "people" area (forgotten on any save of a profile, the only
    rows in_directory_q reads), not a count of every listed profile on each visit. Like
    `offline_count`, a stale count only makes the last page shorter or longer."""
    from portal import figures

    return figures.cached("people:directory", lambda: Contributor.objects.in_directory().count())


class ContributorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The profiles `user` may reach (portal.people has the rule): outside it, 404."""
        return self.filter(user__in=people_visible_to(user).values("pk"))

    def profile_of(self, user):
        """A person's contributor profile, or None if they have not completed one."""
        if user is None or not user.is_authenticated:
            return None
        return self.select_related("user").filter(user=user).first()

    def in_directory(self):
        return self.filter(in_directory_q())

    def search(self, text: str):
        """Skills, interests, lived experience or bio containing `text`."""
        q = Q()
        for word in text.split():
            q &= (
                Q(skills__icontains=word)
                | Q(interests__icontains=word)
                | Q(lived_experience__icontains=word)
                | Q(bio__icontains=word)
                | Q(user__name__icontains=word)
            )
        return self.filter(q)


def access_needs_display(codes, other: str) -> list[str]:
    """A person's access needs in words (Contributor.get_access_needs_display), from the two
    columns, for lists that read them as values."""
    labels = [AccessNeed(code).label for code in codes if code in AccessNeed.values]
    if other:
        labels.append(other)
    return labels


class Contributor(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributor"
    )
    contact_method = models.CharField(
        "how we contact you", max_length=10, choices=ContactMethod, default=ContactMethod.EMAIL
    )
    # E.164 (+447700900123): what text-message services need; forms normalise what people type.
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=ContributorStatus, default=ContributorStatus.ACTIVE)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod, default=PaymentMethod.BANK_TRANSFER
    )
    receives_benefits = models.BooleanField("I receive welfare benefits", default=False)
    is_public_sector_employee = models.BooleanField("I am paid by a public-sector employer", default=False)
    # Set when a coordinator registered this person because they have no email or internet.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    access_needs = models.JSONField(default=list, blank=True)  # AccessNeed codes
    access_needs_other = models.TextField("other access needs, in your words", blank=True)
    # Comma-separated tags a coordinator can search.
    lived_experience = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    skills = models.TextField(blank=True)
    bio = models.TextField("a short bio", blank=True)
    in_directory = models.BooleanField("list me in the contributor directory", default=False)
    privacy_agreed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = ContributorQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ContributorStatus.values),
                name="contributors_contributor_status_valid",
            ),
        ]
        indexes = [
            # The directory's count ("N people") read from this index alone: 0.5 ms, where it
            # read every profile (2 ms at 20,000; docs/performance.md).
            models.Index(fields=["id"], name="contributor_in_directory", condition=in_directory_q()),
            # Only the people who told us of an access need: the activity page lists those
            # taking part, and without it PostgreSQL read all 20,000 profiles to find none
            # (13 ms at 20,000).
            models.Index(
                fields=["user"],
                condition=has_access_needs_q(),
                name="contributor_has_access_needs",
            ),
        ]

    def __str__(self):
        return str(self.user)

    def get_access_needs_display(self) -> list[str]:
        return access_needs_display(self.access_needs, self.access_needs_other)

    @property
    def wants_large_print(self) -> bool:
        return AccessNeed.LARGE_PRINT in (self.access_needs or [])

    @staticmethod
    def tags(text: str) -> list[str]:
        return [t.strip() for t in (text or "").split(",") if t.strip()]

    @property
    def is_offline(self) -> bool:
        """Cannot sign in themselves, so a coordinator acts for them (User.is_offline)."""
        return self.user.is_offline


class EncryptedBankDetails(models.Model):
    """Bank details encrypted at rest, read through `reveal()` only (callers log it): the one
    shape for a person's account and for a change waiting for a second person."""

    account_name_encrypted = models.TextField()
    sort_code_encrypted = models.TextField()
    account_number_encrypted = models.TextField()
    last_four = models.CharField(max_length=4)

    class Meta:
        abstract = True

    def set_details(self, *, account_name: str, sort_code: str, account_number: str) -> None:
        self.account_name_encrypted = crypto.encrypt(account_name)
        self.sort_code_encrypted = crypto.encrypt(sort_code)
        self.account_number_encrypted = crypto.encrypt(account_number)
        self.last_four = account_number[-4:]

    def reveal(self) -> dict:
        return {
            "account_name": crypto.decrypt(self.account_name_encrypted),
            "sort_code": crypto.decrypt(self.sort_code_encrypted),
            "account_number": crypto.decrypt(self.account_number_encrypted),
        }

    @property
    def masked(self) -> str:
        return f"Account ending ****{self.last_four}"


class BankAccount(TimeStampedModel, EncryptedBankDetails):
    contributor = models.OneToOneField(Contributor, on_delete=models.CASCADE, related_name="bank_account")

    def __str__(self):
        return f"Account ending {self.last_four}"


class PendingStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second person"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class BankDetailsChange(EncryptedBankDetails):
    """Bank details someone entered for another person: they take effect only when a different
    staff member, or the person themself, confirms (a two-person act)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contributor = models.ForeignKey(Contributor, on_delete=models.CASCADE, related_name="bank_changes")
    status = models.CharField(max_length=10, choices=PendingStatus, default=PendingStatus.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PendingStatus.values), name="contributors_bankchange_status_valid"
            ),
        ]

    def __str__(self):
        return f"Bank details ending {self.last_four} ({self.get_status_display()})"


class TakeOverInvitation(models.Model):
    """An invitation for an offline person to take over their account, at an address a second
    staff member confirms before anything is sent."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contributor = models.ForeignKey(Contributor, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=PendingStatus, default=PendingStatus.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PendingStatus.values), name="contributors_invitation_status_valid"
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.contributor} ({self.get_status_display()})"


class ContactChannel(models.TextChoices):
    POST = "post", "Letter to send"
    PHONE = "phone", "Phone call to make"


class ContactTask(models.Model):
    """A letter to send or a call to make to someone who does not use email."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contributor = models.ForeignKey(Contributor, on_delete=models.CASCADE, related_name="contact_tasks")
    channel = models.CharField(max_length=10, choices=ContactChannel)
    subject = models.CharField(max_length=200)
    # `body` is the note to staff (what to do); `letter` is what the person is told, printed in
    # their letter or read out on the call (the body again when that already speaks to the person;
    # blank only on tasks made before the two were kept apart).
    body = models.TextField()
    letter = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Whose change the task tells the person about: they may not mark it done themselves.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "-created_at"]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.subject} ({self.contributor})"

    @property
    def for_the_person(self) -> str:
        return self.letter or self.body


# --- Equality monitoring ----------------------------------------------------------------------


def _choice(choices, **kw):
    return models.CharField(max_length=40, choices=choices, blank=True, **kw)


class DiversityAnswers(models.Model):
    """The Census 2021 questions. Blank means not answered; every question has prefer not to say."""

    ethnic_group = _choice(equality.EthnicGroup)
    ethnic_group_description = models.CharField(max_length=200, blank=True)
    sex = _choice(equality.Sex)
    gender_same_as_birth = _choice(equality.YesNo)
    gender_same_as_birth_description = models.CharField(max_length=200, blank=True)
    sexual_orientation = _choice(equality.SexualOrientation)
    sexual_orientation_description = models.CharField(max_length=200, blank=True)
    long_term_condition = _choice(equality.YesNo)
    condition_reduces_ability = _choice(equality.ConditionReduces)
    religion = _choice(equality.Religion)
    religion_description = models.CharField(max_length=200, blank=True)
    year_of_birth = models.PositiveSmallIntegerField(null=True, blank=True)
    year_of_birth_prefer_not_to_say = models.BooleanField(default=False)
    carer = _choice(equality.Carer)

    ANSWER_FIELDS = (
        "ethnic_group",
        "ethnic_group_description",
        "sex",
        "gender_same_as_birth",
        "gender_same_as_birth_description",
        "sexual_orientation",
        "sexual_orientation_description",
        "long_term_condition",
        "condition_reduces_ability",
        "religion",
        "religion_description",
        "year_of_birth",
        "year_of_birth_prefer_not_to_say",
        "carer",
    )

    class Meta:
        abstract = True

    def answers(self) -> dict:
        return {name: getattr(self, name) for name in self.ANSWER_FIELDS}

    @property
    def disability_category(self) -> str:
        return equality.disability_category(self.long_term_condition, self.condition_reduces_ability)

    @property
    def ethnic_group_code(self) -> str:
        """The five-way Census group ("white", ...), "prefer_not_to_say" or ""."""
        if self.ethnic_group == equality.PREFER_NOT_TO_SAY:
            return equality.PREFER_NOT_TO_SAY
        return equality.ETHNIC_GROUP_OF.get(self.ethnic_group, "")


class DiversityRecord(DiversityAnswers):
    """A person's current equality monitoring answers, given with consent.

    Nobody is given `view_diversityrecord`: the answers are read only as aggregates (and by
    the person themself). Withdrawing consent deletes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diversity_record"
    )
    consent_given_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Equality monitoring answers #{self.pk}"


class ParticipationDiversity(DiversityAnswers):
    """The answers a participation counts as: copied when the person attended, never updated,
    so later changes do not rewrite past reports."""

    participation = models.OneToOneField(
        "portal.Participation", on_delete=models.CASCADE, related_name="diversity_snapshot"
    )
    has_answers = models.BooleanField(default=False)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "participation diversity snapshots"

    def __str__(self):
        return f"Diversity snapshot for participation #{self.participation_id}"


# --- Roles -------------------------------------------------------------------------------------


class RoleType(models.TextChoices):
    CO_APPLICANT = "co_applicant", "Co-applicant"
    STEERING_COMMITTEE = "steering_committee", "Steering committee member"
    ADVISORY_GROUP = "advisory_group", "Advisory group member"
    LAY_REVIEWER = "lay_reviewer", "Lay reviewer"
    CO_RESEARCHER = "co_researcher", "Co-researcher"
    PANEL_MEMBER = "panel_member", "Panel member"
    OTHER = "other", "Other"


class InvolvementLevel(models.TextChoices):
    """How much power a role carries: the five levels of the Involvement Matrix
    (Smits et al., 2020), from hearing about the work to deciding it."""

    LISTENER = "listener", "Listener"
    CO_THINKER = "co_thinker", "Co-thinker"
    ADVISER = "adviser", "Adviser"
    PARTNER = "partner", "Partner"
    DECISION_MAKER = "decision_maker", "Decision-maker"


INVOLVEMENT_LEVEL_HINTS = {
    InvolvementLevel.LISTENER: "Is kept informed and listens to what is planned.",
    InvolvementLevel.CO_THINKER: "Is asked for their views; the team decides what to do with them.",
    InvolvementLevel.ADVISER: "Gives advice, asked or unasked, that the team responds to.",
    InvolvementLevel.PARTNER: "Works as an equal with the team and shares the decisions.",
    InvolvementLevel.DECISION_MAKER: "Takes the decisions, with the team supporting them.",
}


class RoleStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    CURRENT = "current", "Current"
    ENDED = "ended", "Ended"


def role_status(starts_on, ends_on, on=None) -> str:
    """The one rule for a role's status from its dates: it holds from its first day to its last
    day inclusive; before that it has not started, after that it has ended."""
    today = on or timezone.localdate()
    if starts_on > today:
        return RoleStatus.NOT_STARTED
    if ends_on is not None and ends_on < today:
        return RoleStatus.ENDED
    return RoleStatus.CURRENT


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Roles held on `on` (today by default): the database form of `role_status`."""
        today = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)

    def started(self, on=None):
        """Roles that have begun by `on`, ended or not: what has happened, for certificates."""
        return self.filter(starts_on__lte=on or timezone.localdate())

    def visible_to(self, user):
        """Managers see all; coordinators their projects'; contributors their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        q = Q(contributor=user)
        if user.is_coordinator:
            q |= coordinated_by_q(user)
        return self.filter(q).distinct()


class RoleAssignment(TimeStampedModel):
    """Who a contributor is on a project, with the role agreement made at the start."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    project = models.ForeignKey("portal.Project", on_delete=models.PROTECT, related_name="role_assignments")
    role_type = models.CharField(max_length=30, choices=RoleType)
    role_description = models.CharField("describe the role", max_length=200, blank=True)
    # Blank for roles agreed before the level was asked for.
    involvement_level = models.CharField(max_length=20, choices=InvolvementLevel, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    expectations = models.TextField("what is expected", blank=True)
    frequency = models.CharField("how often", max_length=200, blank=True)
    payment_offered = models.CharField(max_length=200, blank=True)
    feedback_arrangements = models.TextField("how and when feedback will be given", blank=True)
    # The feedback app uses this as this project's own feedback period for this person.
    feedback_due_days = models.PositiveIntegerField("feedback due within (days)", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The contributor read and accepted the agreement above in the portal (services.accept_role).
    accepted_at = models.DateTimeField("agreement accepted", null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="contributors_roleassignment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(role_type__in=RoleType.values), name="contributors_roleassignment_type_valid"
            ),
        ]

    def __str__(self):
        return f"{self.contributor} – {self.role_label} ({self.project})"

    @property
    def role_label(self) -> str:
        if self.role_type == RoleType.OTHER and self.role_description:
            return self.role_description
        return self.get_role_type_display()

    def status_on(self, on=None) -> str:
        return role_status(self.starts_on, self.ends_on, on)

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return RoleStatus(self.status).label


# --- Opportunities -----------------------------------------------------------------------------


class OpportunityStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class OpportunityMode(models.TextChoices):
    ONLINE = ActivityMode.ONLINE.value, "Online"
    IN_PERSON = ActivityMode.IN_PERSON.value, "In person"
    BOTH = "both", "Online or in person"


class TimeCommitment(models.TextChoices):
    ONE_OFF = "one_off", "A one-off (a few hours)"
    MONTHLY = "monthly", "A few hours a month"
    WEEKLY = "weekly", "A few hours a week"


class OpportunityQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status=OpportunityStatus.OPEN, closes_on__gte=timezone.localdate())

    def managed_by(self, user):
        return self.filter(project__in=Project.objects.managed_by(user))

    def visible_to(self, user):
        """Live ones to everyone signed in; the rest to who manages them or expressed interest."""
        if not user.is_authenticated:
            return self.none()
        ids = self.managed_by(user).values("pk")
        return self.filter(
            Q(status=OpportunityStatus.OPEN, closes_on__gte=timezone.localdate())
            | Q(pk__in=ids)
            | Q(interests__contributor=user)
        ).distinct()


class Opportunity(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("portal.Project", on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(max_length=200)
    role_type = models.CharField(max_length=30, choices=RoleType)
    description = models.TextField("what it involves")
    time_commitment = models.CharField(max_length=20, choices=TimeCommitment)
    time_commitment_detail = models.CharField("time commitment in more detail", max_length=200, blank=True)
    payment_offered = models.CharField(max_length=200)
    closes_on = models.DateField("closing date")
    places = models.PositiveSmallIntegerField(default=1)
    accessibility = models.TextField("accessibility information", blank=True)
    who_for = models.TextField("who it is for", blank=True)
    mode = models.CharField("online or in person", max_length=10, choices=OpportunityMode)
    topic = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=OpportunityStatus, default=OpportunityStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["closes_on", "title"]
        verbose_name_plural = "opportunities"
        permissions = [("approve_opportunity", "Can approve an opportunity before it goes live")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OpportunityStatus.values), name="contributors_opportunity_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status == OpportunityStatus.OPEN and self.closes_on >= timezone.localdate()


class InterestStatus(models.TextChoices):
    INTERESTED = "interested", "Interested"
    SELECTED = "selected", "Selected"
    NOT_SELECTED = "not_selected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ExpressionOfInterest(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expressions_of_interest"
    )
    message = models.TextField("why you are interested", blank=True)
    status = models.CharField(max_length=15, choices=InterestStatus, default=InterestStatus.INTERESTED)
    # Set when a coordinator expressed interest for someone who does not use the portal.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "contributor"], name="contributors_interest_once_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.contributor} interested in {self.opportunity}"


# --- Data rights -------------------------------------------------------------------------------


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DONE = "done", "Done"
    REFUSED = "refused", "Refused"


class ErasureRequest(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests"
    )
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ErasureStatus, default=ErasureStatus.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # What the erasure could not blank itself, for the manager to check by hand (files others
    # uploaded that may name the person): [{"label", "url"}], from each app's person_erased.
    to_check = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("decide_erasure", "Can confirm a request to erase a person")]

    def __str__(self):
        return f"Erasure request {self.public_id} ({self.get_status_display()})"


# --- Benefits ------------------------------------------------------------------------------------


class Benefit(models.TextChoices):
    """The benefits whose earnings limits payments knows about (payments.BenefitRule holds the
    dated limits). The codes match the rows in payments/data/benefit-rules.csv."""

    ESA_LOWER = (
        "esa_permitted_work_lower",
        "Employment and Support Allowance (ESA): permitted work, lower limit",
    )
    ESA_HIGHER = (
        "esa_permitted_work_higher",
        "Employment and Support Allowance (ESA): permitted work, higher limit (under 16 hours a week)",
    )
    UC_HOUSING = "uc_work_allowance_housing", "Universal Credit, with help with housing costs"
    UC_NO_HOUSING = "uc_work_allowance_no_housing", "Universal Credit, without help with housing costs"
    CARERS = "carers_allowance", "Carer’s Allowance"
    OTHER = "other", "Another benefit, or I am not sure: I need advice"


class BenefitAnswer(models.Model):
    """Which benefit a contributor says applies to them, given with consent.

    Special category data (it reveals health or disability), kept like equality answers: apart
    from the profile, read only by the person and by their own payment checks, deleted when
    they withdraw. Coordinators never see it, only that limits need checking."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="benefit_answer"
    )
    benefit = models.CharField(max_length=40, choices=Benefit)
    consent_given_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(benefit__in=Benefit.values),
                name="contributors_benefitanswer_benefit_valid",
            )
        ]

    def __str__(self):
        return f"Benefit answer #{self.pk}"
