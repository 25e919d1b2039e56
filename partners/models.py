"""Community partner organisations, what they are paid, what they are told, and the
self-assessment against a framework of standards (the UK Standards, or one of our own).

Only `partners.services` changes `PartnerInvoice.status`; it follows the claims' workflow
(`payments.models.ALLOWED_TRANSITIONS`), so an invoice and a claim move by the same rules.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from payments.models import ClaimStatus, WorkflowEvent
from portal.models import TimeStampedModel, coordinated_by_q

PROTECT = models.PROTECT


class PartnerKind(models.TextChoices):
    CHARITY = "charity", "Charity or voluntary group"
    FAITH = "faith", "Faith group"
    COMMUNITY = "community", "Community group or centre"
    PEER_SUPPORT = "peer_support", "Peer support or self-help group"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    OTHER = "other", "Other"


class PartnerStatus(models.TextChoices):
    PROPOSED = "proposed", "Talking about working together"
    ACTIVE = "active", "Working together"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers see every partner; coordinators those linked to their projects."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        if user.is_coordinator:
            return self.filter(coordinated_by_q(user, path="links__project")).distinct()
        return self.none()


class Partner(TimeStampedModel):
    """A community-based organisation we work with, in its own right."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=PartnerKind)
    communities = models.TextField("communities they work with", help_text="In the organisation's own words.")
    status = models.CharField(max_length=10, choices=PartnerStatus, default=PartnerStatus.ACTIVE)
    # The partnership agreement, in three plain answers.
    they_bring = models.TextField("what the partner brings", blank=True)
    we_bring = models.TextField("what we bring", blank=True)
    how_paid = models.TextField("how the partner is paid", blank=True)
    feedback_route = models.TextField("how feedback goes back to them", blank=True)
    agreed_on = models.DateField("agreement made on", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+")

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("manage_partner", "Can add and change community partners")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PartnerKind.values), name="partners_partner_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PartnerStatus.values), name="partners_partner_status_valid"
            ),
        ]

    def __str__(self):
        return self.name


class PartnerContact(TimeStampedModel):
    """Someone at the partner we may contact: kept only with their consent."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField("their role", max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    consent_given_on = models.DateField("they agreed to us keeping these details on")
    receives_feedback = models.BooleanField("send them feedback", default=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.partner})"


class LinkRole(models.TextChoices):
    CO_DELIVER = "co_deliver", "Co-delivers with us"
    RECRUIT = "recruit", "Recruits people for us"


class PartnerLink(TimeStampedModel):
    """A partner working on a project: co-delivering, or recruiting; optionally one activity."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="links")
    project = models.ForeignKey("portal.Project", on_delete=PROTECT, related_name="partner_links")
    activity = models.ForeignKey(
        "portal.Activity", on_delete=PROTECT, null=True, blank=True, related_name="partner_links"
    )
    role = models.CharField(max_length=20, choices=LinkRole)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+")

    class Meta:
        ordering = ["project__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "project", "role"],
                condition=Q(activity__isnull=True),
                name="partners_partnerlink_project_once",
            ),
            models.UniqueConstraint(
                fields=["partner", "activity", "role"],
                condition=Q(activity__isnull=False),
                name="partners_partnerlink_activity_once",
            ),
        ]

    def __str__(self):
        where = self.activity or self.project
        return f"{self.partner}: {self.get_role_display().lower()} on {where}"


class Introduction(TimeStampedModel):
    """The partner that introduced a person, set by that person with their consent.

    Staff only ever see counts of these, never who."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introduction"
    )
    partner = models.ForeignKey(Partner, on_delete=PROTECT, related_name="introductions")
    consented_at = models.DateTimeField()

    def __str__(self):
        return f"Introduced by {self.partner}"


class InvoiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers: every invoice; coordinators: their projects'."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        if user.is_coordinator:
            return self.filter(coordinated_by_q(user)).distinct()
        return self.none()

    def awaiting_decision(self):
        return self.filter(status=ClaimStatus.SUBMITTED)


def invoice_reference(pk: int, year: int) -> str:
    return f"PI-{year}-{pk:05d}"


class PartnerInvoice(TimeStampedModel):
    """What a partner organisation billed us, for time or a service, on one project."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, null=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=PROTECT, related_name="invoices")
    project = models.ForeignKey("portal.Project", on_delete=PROTECT, related_name="partner_invoices")
    activity = models.ForeignKey(
        "portal.Activity", on_delete=PROTECT, null=True, blank=True, related_name="partner_invoices"
    )
    invoice_reference = models.CharField("the partner's invoice number", max_length=100)
    description = models.CharField("what it is for", max_length=300)
    invoiced_on = models.DateField("date on the invoice")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    status = models.CharField(max_length=20, choices=ClaimStatus, default=ClaimStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, blank=True, related_name="+"
    )
    pay_run = models.ForeignKey(
        "PartnerPayRun", on_delete=PROTECT, null=True, blank=True, related_name="invoices"
    )
    paid_on = models.DateField(null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-invoiced_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="partners_partnerinvoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="partners_partnerinvoice_status_valid"
            ),
            # The same invoice entered twice is a double payment waiting to happen.
            models.UniqueConstraint(
                fields=["partner", "invoice_reference"],
                condition=~Q(status="withdrawn"),
                name="partners_partnerinvoice_once",
            ),
        ]

    def __str__(self):
        return f"{self.reference or 'Invoice'} from {self.partner} ({self.invoice_reference})"

    @property
    def awaiting_second_approval(self) -> bool:
        return self.status == ClaimStatus.SUBMITTED and self.decided_by_id is not None


class InvoiceEvent(WorkflowEvent):
    """An invoice's timeline."""

    invoice = models.ForeignKey(PartnerInvoice, on_delete=PROTECT, related_name="events")

    def __str__(self):
        return f"{self.invoice_id}: {self.from_status or 'new'} → {self.to_status}"


class PartnerPayRun(TimeStampedModel):
    """Invoices paid together by bank transfer, with the date and the bank run's reference."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    paid_on = models.DateField()
    reference = models.CharField(max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+")

    class Meta:
        ordering = ["-paid_on", "-pk"]

    def __str__(self):
        return f"Organisations run {self.reference} on {self.paid_on:%d %b %Y}"


class PartnerFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        if user.is_coordinator:
            return self.filter(partner__in=Partner.objects.visible_to(user))
        return self.none()


class PartnerFeedback(TimeStampedModel):
    """What a partner's community's input changed, sent to the partner's contacts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=PROTECT, related_name="feedback")
    project = models.ForeignKey("portal.Project", on_delete=PROTECT, related_name="partner_feedback")
    what_they_told_us = models.TextField("what their community told us")
    what_changed = models.TextField("what changed because of it, or why it did not")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.JSONField(default=list, blank=True)

    objects = PartnerFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Feedback to {self.partner} on {self.project}"


# --- Self-assessment ------------------------------------------------------------------------------


class Framework(TimeStampedModel):
    """A set of standards an organisation assesses itself against; data, so another can be added."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EvidenceSource(models.TextChoices):
    """Which of the portal's records fill in a standard's evidence (see partners.evidence)."""

    NONE = "", "None: written evidence only"
    INCLUSIVE_OPPORTUNITIES = "inclusive_opportunities", "Opportunities and who applied"
    WORKING_TOGETHER = "working_together", "Roles and agreements"
    SUPPORT_AND_LEARNING = "support_and_learning", "Learning records"
    COMMUNICATIONS = "communications", "Feedback on time"
    IMPACT = "impact", "Impact entries"
    GOVERNANCE = "governance", "Contributors in governance roles"


class Standard(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    prompts = models.TextField(help_text="Questions to talk through, one a line.", blank=True)
    evidence_source = models.CharField(max_length=30, choices=EvidenceSource, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="partners_standard_order_once"),
        ]

    def __str__(self):
        return self.title

    @property
    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.prompts.splitlines() if line.strip()]


class Rating(models.TextChoices):
    NOT_YET = "not_yet", "Not yet started"
    STARTING = "starting", "Starting"
    DEVELOPING = "developing", "Developing"
    ESTABLISHED = "established", "Established"


RATING_ORDER = {value: i for i, value in enumerate(Rating.values)}


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers: all; coordinators: their projects' (the organisation's is for managers)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        if user.is_coordinator:
            return self.filter(coordinated_by_q(user)).distinct()
        return self.none()


class Assessment(TimeStampedModel):
    """One year's self-assessment, for the organisation (no project) or one project.

    The year is a financial year, 1 April `year` to 31 March `year + 1`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=PROTECT, related_name="assessments")
    project = models.ForeignKey(
        "portal.Project", on_delete=PROTECT, null=True, blank=True, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "framework", "project__title"]
        permissions = [("manage_assessment", "Can start and complete self-assessments")]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "project", "year"], name="partners_assessment_project_once"
            ),
            models.UniqueConstraint(
                fields=["framework", "year"],
                condition=Q(project__isnull=True),
                name="partners_assessment_organisation_once",
            ),
        ]

    def __str__(self):
        return f"{self.framework}: {self.scope_label}, {self.period_label}"

    @property
    def scope_label(self) -> str:
        return self.project.title if self.project_id else "the whole organisation"

    @property
    def period_label(self) -> str:
        return f"{self.year}–{str(self.year + 1)[-2:]}"


class StandardAnswer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    standard = models.ForeignKey(Standard, on_delete=PROTECT, related_name="+")
    rating = models.CharField(max_length=20, choices=Rating, blank=True)
    working = models.TextField("what is working", blank=True)
    improve = models.TextField("what to improve", blank=True)
    # [[label, value], ...] the portal filled in for the period; figures as text, never floats.
    evidence = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["standard__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "standard"], name="partners_standardanswer_once"),
        ]

    def __str__(self):
        return f"{self.standard}: {self.get_rating_display() or 'not rated'}"
