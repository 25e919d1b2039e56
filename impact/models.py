"""The impact log (what involvement changed), contributor reflections, Cube check-ins,
certificates of involvement and the reports people ask for."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.models import ProjectStage, TimeStampedModel, coordinated_by_q
from portal.storage import private_storage


class Significance(models.TextChoices):
    MINOR = "minor", "Minor"
    MODERATE = "moderate", "Moderate"
    MAJOR = "major", "Major"


class Outcome(models.TextChoices):
    """What changed, or did not: the honest answer matters as much as a success."""

    CHANGED = "changed", "Something changed"
    PARTLY = "partly", "Partly changed"
    NOT_CHANGED = "not_changed", "Nothing changed"


class UKStandard(models.TextChoices):
    """The six UK Standards for Public Involvement (2019)."""

    INCLUSIVE_OPPORTUNITIES = "inclusive_opportunities", "Inclusive opportunities"
    WORKING_TOGETHER = "working_together", "Working together"
    SUPPORT_AND_LEARNING = "support_and_learning", "Support and learning"
    COMMUNICATIONS = "communications", "Communications"
    IMPACT = "impact", "Impact"
    GOVERNANCE = "governance", "Governance"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ImpactEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EntryStatus.PUBLISHED)

    def visible_to(self, user):
        """Managers: all. Coordinators: their projects'. Contributors: entries naming them and
        published entries of projects they take part in."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        q = Q(pk__in=[])
        if user.is_coordinator:
            q |= coordinated_by_q(user)
        if user.is_contributor:
            q |= Q(people__contributor=user)
            q |= Q(status=EntryStatus.PUBLISHED, project__activities__participations__contributor=user)
        return self.filter(q).distinct()


class ImpactEntry(TimeStampedModel):
    """One thing involvement changed (or did not), in the fields researchers already track."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("portal.Project", on_delete=models.PROTECT, related_name="impact_entries")
    title = models.CharField("short title", max_length=200)
    stage = models.CharField("research stage", max_length=20, choices=ProjectStage)
    occurred_on = models.DateField("when contributors had their say")
    hoped_to_influence = models.TextField("what contributors hoped to influence")
    outcome = models.CharField("did it change anything?", max_length=20, choices=Outcome)
    what_changed = models.TextField("what changed, or why it did not")
    why_it_matters = models.TextField("why it matters")
    significance = models.CharField(max_length=10, choices=Significance)
    standards = models.JSONField("UK Standards for Public Involvement", default=list, blank=True)
    evidence_text = models.TextField("evidence, in words", blank=True)
    evidence_url = models.URLField("link to evidence", blank=True)
    evidence_file = models.FileField(upload_to="impact/evidence/%Y/%m/", storage=private_storage, blank=True)
    evidence_file_name = models.CharField(max_length=200, blank=True)
    activities = models.ManyToManyField("portal.Activity", related_name="impact_entries", blank=True)
    feedback_items = models.ManyToManyField(
        "feedback.FeedbackItem", related_name="impact_entries", blank=True
    )
    status = models.CharField(max_length=10, choices=EntryStatus, default=EntryStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ImpactEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name_plural = "impact entries"
        permissions = [("publish_impactentry", "Can publish impact entries on the public page")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="impact_impactentry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(significance__in=Significance.values),
                name="impact_impactentry_significance_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.DRAFT) | Q(published_at__isnull=False),
                name="impact_impactentry_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == EntryStatus.PUBLISHED

    def get_standards_display(self) -> list[str]:
        return [UKStandard(code).label for code in self.standards if code in UKStandard.values]

    def named_people(self):
        """Contributors who agreed to be named on the public page (and have not since left the
        portal or been erased: an inactive account is never named)."""
        return [
            p.contributor for p in self.people.all() if p.consents_to_be_named and p.contributor.is_active
        ]


class EntryContributor(models.Model):
    """A contributor involved in an entry. Named in public only if they say yes."""

    entry = models.ForeignKey(ImpactEntry, on_delete=models.CASCADE, related_name="people")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impact_mentions"
    )
    consents_to_be_named = models.BooleanField(default=False)
    consent_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "contributor"], name="impact_entrycontributor_once")
        ]

    def __str__(self):
        return f"{self.contributor} on {self.entry}"


class Reflection(TimeStampedModel):
    """A contributor's own view of an entry: the other perspective."""

    entry = models.ForeignKey(ImpactEntry, on_delete=models.CASCADE, related_name="reflections")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impact_reflections"
    )
    text = models.TextField("your reflection")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "contributor"], name="impact_reflection_once")
        ]

    def __str__(self):
        return f"Reflection by {self.contributor} on {self.entry}"


CUBE_QUESTIONS = {
    "voice": ("Voice", "Were your views heard and acted on?", "Not heard", "Heard and acted on"),
    "contribute": ("Contribute", "Could you contribute in one way or in many ways?", "One way", "Many ways"),
    "agenda": ("Agenda", "Whose concerns set the agenda?", "The organisation's", "Ours"),
    "change": ("Change", "Did the organisation change because of us?", "No change", "Real change"),
}


def _score(help_text):
    return models.PositiveSmallIntegerField(help_text=help_text)


class CubeCheckIn(models.Model):
    """The Cube framework's four questions, 0–10, answered by a contributor about a project."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("portal.Project", on_delete=models.CASCADE, related_name="cube_checkins")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cube_checkins"
    )
    answered_on = models.DateField(default=timezone.localdate)
    voice = _score("0 = not heard, 10 = heard and acted on")
    contribute = _score("0 = one way only, 10 = many ways")
    agenda = _score("0 = the organisation's concerns, 10 = ours")
    change = _score("0 = no change, 10 = real change")
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["answered_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voice__lte=10) & Q(contribute__lte=10) & Q(agenda__lte=10) & Q(change__lte=10),
                name="impact_cubecheckin_scores_0_to_10",
            )
        ]

    def __str__(self):
        return f"Cube check-in by {self.contributor} on {self.project} ({self.answered_on})"


def new_verification_code() -> str:
    """12 characters from an alphabet without look-alikes (0/O, 1/I/L), shown as XXXX-XXXX-XXXX."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    """A certificate of involvement. `details` holds what it certified when it was issued, so the
    PDF and the public check say the same thing later."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=14, unique=True, default=new_verification_code)
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    project = models.ForeignKey(
        "portal.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["-issued_at"]
        permissions = [("issue_certificates", "Can make certificates for everyone on a project")]

    def __str__(self):
        return f"Certificate {self.code} for {self.contributor}"


class ReportKind(models.TextChoices):
    DIVERSITY = "diversity", "Diversity report"
    IMPACT = "impact", "Impact report"
    CERTIFICATES = "certificates", "Certificates for a project"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Deleted"


class ReportRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the person who asked for a report may see it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class ReportRequest(models.Model):
    """A report (or a batch of certificates) made in the background, with its private files."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_requests"
    )
    kind = models.CharField(max_length=20, choices=ReportKind)
    # No project: the whole organisation (managers only).
    project = models.ForeignKey(
        "portal.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    pdf_file = models.FileField(upload_to="impact/reports/%Y/%m/", storage=private_storage, blank=True)
    csv_file = models.FileField(upload_to="impact/reports/%Y/%m/", storage=private_storage, blank=True)
    # A batch of certificates: a ZIP of one PDF per person, and how many of them are made.
    zip_file = models.FileField(upload_to="impact/reports/%Y/%m/", storage=private_storage, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("request_report", "Can ask for diversity and impact reports")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="impact_reportrequest_progress_pct"),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="impact_reportrequest_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return str(self.project) if self.project_id else "the whole organisation"

    @property
    def is_done(self) -> bool:
        return self.status in (ReportStatus.READY, ReportStatus.FAILED, ReportStatus.EXPIRED)
