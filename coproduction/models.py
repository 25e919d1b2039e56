"""The co-production log of a project (ground rules, key decisions, reflections), the learning
people do, and the checks some roles need (which expire).

Ground rules are versioned: a new text is a new row, and agreements belong to the version
agreed, so changing the rules asks everyone to agree again.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from contributors.models import RoleType
from portal.models import ProjectStage, TimeStampedModel

# --- Ground rules ------------------------------------------------------------------------------


class GroundRules(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("portal.Project", on_delete=models.PROTECT, related_name="ground_rules")
    version = models.PositiveIntegerField()
    text = models.TextField("the ground rules")
    change_note = models.CharField("what changed from the last version", max_length=300, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-version"]
        verbose_name_plural = "ground rules"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"], name="coproduction_groundrules_version_once"
            )
        ]

    def __str__(self):
        return f"Ground rules v{self.version} ({self.project})"


class AgreementMethod(models.TextChoices):
    PORTAL = "portal", "In the portal"
    THROUGH_COORDINATOR = "coordinator", "Through a coordinator (in person, by phone or by post)"


class GroundRulesAgreement(models.Model):
    rules = models.ForeignKey(GroundRules, on_delete=models.CASCADE, related_name="agreements")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=15, choices=AgreementMethod, default=AgreementMethod.PORTAL)
    # The coordinator who recorded an offline person's agreement; None when they agreed themselves.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agreed_at"]
        constraints = [
            models.UniqueConstraint(fields=["rules", "person"], name="coproduction_agreement_once_per_person")
        ]

    def __str__(self):
        return f"{self.person} agreed {self.rules}"


# --- Key decisions -----------------------------------------------------------------------------


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", "Consensus"
    VOTE = "vote", "Vote"
    LEAD_AFTER_CONSULTATION = "lead", "The lead decided after consultation"


class ViewsChangedIt(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Decision(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("portal.Project", on_delete=models.PROTECT, related_name="decisions")
    title = models.CharField("what was decided", max_length=200)
    decided_on = models.DateField("when it was decided")
    stage = models.CharField("research stage", max_length=20, choices=ProjectStage)
    options = models.TextField("the options considered")
    method = models.CharField("how it was decided", max_length=15, choices=DecisionMethod)
    views_changed_it = models.CharField(
        "did contributors' views change the decision?", max_length=10, choices=ViewsChangedIt
    )
    how_views_changed_it = models.TextField("how their views changed it, or why not", blank=True)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    impact_entries = models.ManyToManyField("impact.ImpactEntry", related_name="+", blank=True)
    feedback_items = models.ManyToManyField("feedback.FeedbackItem", related_name="+", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=DecisionMethod.values), name="coproduction_decision_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(views_changed_it__in=ViewsChangedIt.values),
                name="coproduction_decision_views_valid",
            ),
        ]

    def __str__(self):
        return self.title


# --- Reflections -------------------------------------------------------------------------------


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private: only I can read it"
    TEAM = "team", "Shared with the project team"
    REPORT = "report", "Shareable: the team can read it and it may be quoted in reports"


# The prompts from NIHR's co-production guidance, as the fields of a reflection.
PROMPTS = {
    "power": "Power: who shaped the work at this stage, and who did not?",
    "voice": "Voice: whose views were heard, and whose were missing?",
    "working": "What is working?",
    "not_working": "What is not working, or could be better?",
}


class Reflection(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "portal.Project", on_delete=models.PROTECT, related_name="coproduction_reflections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coproduction_reflections"
    )
    stage = models.CharField("research stage", max_length=20, choices=ProjectStage)
    power = models.TextField(PROMPTS["power"], blank=True)
    voice = models.TextField(PROMPTS["voice"], blank=True)
    working = models.TextField(PROMPTS["working"], blank=True)
    not_working = models.TextField(PROMPTS["not_working"], blank=True)
    visibility = models.CharField("who can read it", max_length=10, choices=Visibility)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="coproduction_reflection_visibility_valid"
            ),
        ]

    def __str__(self):
        return f"Reflection by {self.author} on {self.project} ({self.get_stage_display()})"

    def answers(self) -> list[tuple[str, str]]:
        return [(PROMPTS[k], getattr(self, k)) for k in PROMPTS if getattr(self, k)]


# --- Learning and development ----------------------------------------------------------------


class CourseFormat(models.TextChoices):
    ONLINE_SELF_PACED = "online_self", "Online, at your own pace"
    ONLINE_LIVE = "online_live", "Online, live session"
    IN_PERSON = "in_person", "In person"
    READING = "reading", "Reading or video"
    PEER = "peer", "Peer support or mentoring"


class AccessibleVersion(models.TextChoices):
    EASY_READ = "easy_read", "Easy read"
    LARGE_PRINT = "large_print", "Large print"
    AUDIO = "audio", "Audio"
    BSL = "bsl", "British Sign Language"
    CAPTIONS = "captions", "Captions or transcript"
    PAPER = "paper", "On paper, by post"


class Course(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    format = models.CharField(max_length=15, choices=CourseFormat)
    length = models.CharField("how long it takes", max_length=100, help_text="For example, 2 hours.")
    description = models.TextField("what it covers", blank=True)
    url = models.URLField("link", blank=True)
    accessible_versions = models.JSONField(default=list, blank=True)  # AccessibleVersion codes
    is_active = models.BooleanField("show in the catalogue", default=True)
    # Sessions run as portal activities (kind "training"): attending one is involvement, paid at
    # the activity's rate like any other, and records the learning too.
    activities = models.ManyToManyField("portal.Activity", related_name="courses", blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_accessible_versions_display(self) -> list[str]:
        return [AccessibleVersion(c).label for c in self.accessible_versions if c in AccessibleVersion.values]


class LearningSource(models.TextChoices):
    SELF_REPORTED = "self", "Told us themselves"
    COORDINATOR = "coordinator", "Recorded by a coordinator"


class LearningRecord(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField("when it was finished")
    evidence = models.TextField(
        "evidence (optional)",
        blank=True,
        help_text="For example, a certificate number, a link, or what you learned.",
    )
    source = models.CharField(max_length=15, choices=LearningSource)
    # The person's choice: learning appears on their certificate of involvement only if they wish.
    on_certificate = models.BooleanField("show it on my certificate of involvement", default=False)
    # The training session attended, when the learning was an activity in the portal.
    activity = models.ForeignKey(
        "portal.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="learning_records"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course", "activity"],
                condition=Q(activity__isnull=False),
                name="coproduction_learning_once_per_session",
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.course} ({self.completed_on})"


# --- Checks that expire ------------------------------------------------------------------------


class CheckKind(models.TextChoices):
    DBS_ENHANCED = "dbs_enhanced", "Enhanced DBS check"
    DBS_BASIC = "dbs_basic", "Basic DBS check"
    SAFEGUARDING = "safeguarding", "Safeguarding training"
    GCP = "gcp", "Good Clinical Practice training"


class RoleRequirement(models.Model):
    """On this project, people in this role need this check (for example, roles with
    vulnerable people need an enhanced DBS check)."""

    project = models.ForeignKey("portal.Project", on_delete=models.CASCADE, related_name="role_requirements")
    role_type = models.CharField(max_length=30, choices=RoleType)
    check_kind = models.CharField(max_length=20, choices=CheckKind)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role_type", "check_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "role_type", "check_kind"], name="coproduction_requirement_once"
            )
        ]

    def __str__(self):
        return f"{self.get_check_kind_display()} for {self.role_type} on {self.project}"


class CheckRecordQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(checked_on__lte=day, expires_on__gte=day)


class CheckRecord(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checks")
    check_kind = models.CharField("check", max_length=20, choices=CheckKind)
    checked_on = models.DateField("date of the check or training")
    expires_on = models.DateField("expires on")
    reference = models.CharField(
        "reference (optional)",
        max_length=100,
        blank=True,
        help_text="For example, the DBS certificate number.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CheckRecordQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("checked_on")), name="coproduction_check_expires_after"
            ),
        ]

    def __str__(self):
        return f"{self.get_check_kind_display()} for {self.person}, expires {self.expires_on}"
