"""Rate cards, claims with fee and expense lines, the claim timeline and payment batches.

Only `payments.services` changes `Claim.status`.
"""

import functools
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from contributors.models import Benefit
from portal.models import TimeStampedModel, coordinated_by_q
from portal.storage import private_storage

PROTECT = models.PROTECT


class RateUnit(models.TextChoices):
    HOUR = "hour", "Hour"
    HALF_DAY = "half_day", "Half day"
    DAY = "day", "Day"
    ITEM = "item", "Item (per review or meeting)"


class RateCardQuerySet(models.QuerySet):
    def in_force_on(self, on: date):
        """Cards that had started by `on` and were not retired on or before it, newest first."""
        return (
            self.filter(effective_from__lte=on)
            .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=on))
            .order_by("-effective_from", "-pk")
        )


class RateCard(TimeStampedModel):
    """A set of fee rates that applies from a date until a newer card starts (or it is retired)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    effective_from = models.DateField(help_text="Activities on or after this date use this card.")
    retired_on = models.DateField(null=True, blank=True)
    is_illustrative = models.BooleanField(
        default=False, help_text="Made-up demo amounts, not an organisation's real rates."
    )
    notes = models.TextField(blank=True)
    based_on = models.ForeignKey("self", on_delete=PROTECT, null=True, blank=True, related_name="+")
    uplift_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    objects = RateCardQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        permissions = [("manage_ratecard", "Can create, uplift and retire rate cards")]

    def __str__(self):
        return f"{self.name} (from {self.effective_from:%d %b %Y})"


class RateCardRow(models.Model):
    card = models.ForeignKey(RateCard, on_delete=PROTECT, related_name="rows")
    code = models.SlugField(max_length=50)
    activity = models.CharField("activity", max_length=300)
    unit = models.CharField(max_length=10, choices=RateUnit)
    amount = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["card", "code"], name="payments_ratecardrow_code_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="payments_ratecardrow_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.code}: £{self.amount} per {self.get_unit_display().lower()}"


class ExpenseRate(models.Model):
    """HMRC approved mileage rates (national facts, loaded by a data migration)."""

    code = models.SlugField(max_length=30)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=6, decimal_places=2)
    effective_from = models.DateField()

    class Meta:
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="payments_expenserate_once")
        ]

    def __str__(self):
        return f"{self.description}: £{self.amount}"


class BenefitPeriod(models.TextChoices):
    WEEK = "week", "Week (Monday to Sunday)"
    MONTH = "month", "Calendar month"


class BenefitRule(TimeStampedModel):
    """How much a person on a benefit may be paid in a week or month, from a date.

    Dated rows, never a setting: limits change every April, and a past statement must keep the
    limit that applied then. No limit means we could not source one: the person needs advice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    benefit = models.CharField(max_length=40, choices=Benefit)
    period = models.CharField(max_length=10, choices=BenefitPeriod)
    limit = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    applies_from = models.DateField()
    source = models.TextField(blank=True, help_text="Where the figure comes from.")
    checked = models.CharField(max_length=300, blank=True, help_text="Who checked it, and when.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["benefit", "-applies_from"]
        permissions = [("manage_benefitrule", "Can add benefit limits")]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "applies_from"], name="payments_benefitrule_once_a_date"
            ),
            models.CheckConstraint(
                condition=Q(limit__isnull=True) | Q(limit__gte=0),
                name="payments_benefitrule_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(period__in=BenefitPeriod.values), name="payments_benefitrule_period_valid"
            ),
        ]

    def __str__(self):
        limit = f"£{self.limit} a {self.period}" if self.limit is not None else "no limit we could source"
        return f"{self.get_benefit_display()}: {limit} from {self.applies_from:%d %b %Y}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The whole workflow on one screen. Only payments.services changes Claim.status.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ClaimStatus.DRAFT: {ClaimStatus.SUBMITTED, ClaimStatus.WITHDRAWN},
    ClaimStatus.SUBMITTED: {ClaimStatus.APPROVED, ClaimStatus.RETURNED, ClaimStatus.REJECTED},
    ClaimStatus.RETURNED: {ClaimStatus.SUBMITTED, ClaimStatus.WITHDRAWN},  # fix and resubmit
    ClaimStatus.APPROVED: {ClaimStatus.PAID},
}
EDITABLE = (ClaimStatus.DRAFT, ClaimStatus.RETURNED)
# Money the organisation has promised (approved) or handed over (paid).
COMMITTED = (ClaimStatus.APPROVED, ClaimStatus.PAID)


def days_waited():
    """From first submission to payment (a duration in whole days; the submission's date as
    Python's .date() gives it on the stored UTC time). One definition for the median query
    (payments.selectors.time_to_pay); migration 0009 writes the same down for its index."""
    from zoneinfo import ZoneInfo

    from django.db.models import DurationField, ExpressionWrapper, F
    from django.db.models.functions import TruncDate

    # ZoneInfo, not datetime.UTC: the index's migration has to write it down.
    utc = ZoneInfo("UTC")
    return ExpressionWrapper(
        F("paid_on") - TruncDate("first_submitted_at", tzinfo=utc), output_field=DurationField()
    )


class PaymentChoice(models.TextChoices):
    FULL_FEE = "full_fee", "The full fee"
    REDUCED = "reduced", "A reduced amount"
    VOUCHERS = "vouchers", "Vouchers instead of money"
    EXPENSES_ONLY = "expenses_only", "No fee: expenses only"


def claim_title(activity_title: str | None, ad_hoc_description: str) -> str:
    """What a claim is for (Claim.title): its activity, else the task a coordinator agreed.
    Also for lists that read the two columns rather than the claim (payments.selectors.listed)."""
    if activity_title is not None:
        return activity_title
    return ad_hoc_description or "an agreed task"


def awaiting_second_approval(status: str, decided_by_id: int | None) -> bool:
    """Approved once and waiting for a second approver (Claim.awaiting_second_approval; also
    for lists that read the two columns)."""
    return status == ClaimStatus.SUBMITTED and decided_by_id is not None


def claim_reference(pk: int, year: int) -> str:
    """Unique because the number is the row's id; the year only helps people read it."""
    return f"CL-{year}-{pk:05d}"


class _FlaggedClaims(models.query.ModelIterable):
    """Claims with `is_over_budget` set (ClaimQuerySet.with_flags). The committed spend comes
    from one sum per project (`committed_by_project`), rather than a SUM subquery per row,
    which read every approved and paid claim of the row's project again for each of the fifty
    rows, twice (docs/performance.md)."""

    def __iter__(self):
        claims = list(super().__iter__())
        spend = committed_by_project() if any(c.status == ClaimStatus.SUBMITTED for c in claims) else {}
        for claim in claims:
            claim.is_over_budget = over_budget(spend, claim.project_id, claim.status, claim.total)
        yield from claims


def over_budget(spend: dict, project_id: int, status: str, total) -> bool:
    """Would approving this waiting claim take its project's committed spend past the budget?
    `spend` is `committed_by_project()` (empty if no row on the page is waiting)."""
    budget, committed = spend.get(project_id, (None, None))
    return status == ClaimStatus.SUBMITTED and budget is not None and budget < committed + total


def committed_by_project() -> dict:
    """Each project's budget and committed spend (approved and paid claims, and what else is
    committed against it: payments.spend), by project key:
    one GROUP BY read from the (status, project, total) index, the same for everyone who may
    see the queue, so kept as a figure (portal.figures): a claim or project saved starts a new
    generation. At 200,000 claims the sums took 30 ms on every view of the queue."""
    from django.db.models import Sum

    from portal import figures
    from portal.models import Project

    from .spend import other_spend

    def compute() -> dict:
        sums = dict(
            Claim.objects.filter(status__in=COMMITTED)
            .order_by()
            .values_list("project")
            .annotate(s=Sum("total"))
        )
        others = other_spend()
        return {
            pk: (budget, (sums.get(pk) or Decimal("0")) + others.get(pk, {}).get("committed", Decimal("0")))
            for pk, budget in Project.objects.order_by().values_list("pk", "involvement_budget")
        }

    return figures.cached("payments:committed_by_project", compute)


@functools.cache
def _duplicate_receipt():
    """The duplicate-receipt condition, built once: building its two subqueries took about
    half a millisecond on each view of the queue, and annotate() resolves a copy each time, so
    one expression serves every query."""
    from django.db.models import Exists, OuterRef

    other_use = ExpenseLine.objects.filter(receipt_sha256=OuterRef("receipt_sha256")).exclude(
        claim=OuterRef("claim")
    )
    duplicate = (
        ExpenseLine.objects.filter(claim=OuterRef("pk")).exclude(receipt_sha256="").filter(Exists(other_use))
    )
    return Exists(duplicate)


@functools.cache
def _payment_route():
    """ClaimQuerySet.with_payment_route's two expressions, built once (as _duplicate_receipt)."""
    from contributors.models import BankAccount, PaymentMethod

    return {
        "pays_by_vouchers": models.Case(
            models.When(
                Q(payment_choice=PaymentChoice.VOUCHERS)
                | Q(contributor__contributor__payment_method=PaymentMethod.VOUCHERS),
                then=models.Value(True),
            ),
            default=models.Value(False),
            output_field=models.BooleanField(),
        ),
        "has_bank_details": models.Exists(
            BankAccount.objects.filter(contributor__user=models.OuterRef("contributor"))
        ),
    }


class ClaimQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Your own claims; a coordinator's projects' claims; every claim for a manager."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        from portal.models import Project

        q = Q(contributor=user) | Q(entered_by=user)
        if user.is_coordinator:
            # A subquery rather than a join: no duplicates, so no DISTINCT (see awaiting_decision_by).
            q |= Q(project__in=Project.objects.filter(coordinated_by_q(user, path="")).values("pk"))
        return self.filter(q)

    def awaiting_decision(self):
        return self.filter(status=ClaimStatus.SUBMITTED)

    def routed_to_managers(self):
        """Waiting claims no coordinator of the project may decide (typically one a project's
        only coordinator entered for an offline person): they go to the managers."""
        from django.db.models import Exists, F, OuterRef
        from django.db.models.functions import Coalesce

        from portal.models import Project

        # Coalesce: with nobody entering it, "not the person who entered it" is "not the
        # contributor" again, rather than a comparison with NULL that is never true.
        entered_or_own = Coalesce(OuterRef("entered_by"), OuterRef("contributor"))
        other_coordinator = (
            Project.coordinators.through.objects.filter(project=OuterRef("project"))
            .exclude(user=OuterRef("contributor"))
            .exclude(user=entered_or_own)
        )
        lead_may = ~Q(project__lead=F("contributor")) & ~Q(
            project__lead=Coalesce(F("entered_by"), F("contributor"))
        )
        return self.awaiting_decision().exclude(lead_may).exclude(Exists(other_coordinator))

    def awaiting_decision_by(self, user):
        """Submitted claims this person is expected to decide: their projects' claims that are
        not theirs and that they did not enter; for a manager also the claims routed to them."""
        if not user.is_authenticated:
            return self.none()
        from portal.models import Project

        waiting = self.awaiting_decision().exclude(contributor=user).exclude(entered_by=user)
        q = Q(pk__in=[])
        if user.is_coordinator:
            # A subquery, not a join through the coordinators table: no duplicate rows, so no
            # DISTINCT, which made every count (the navigation's, the queue's) compare whole
            # annotated rows; 47 s at 50,000 claims on PostgreSQL (docs/performance.md).
            q |= Q(project__in=Project.objects.filter(coordinated_by_q(user, path="")).values("pk"))
        if user.is_manager:
            q |= Q(pk__in=self.routed_to_managers().values("pk"))
        return waiting.filter(q)

    def live(self):
        """Claims still in play: a withdrawn claim frees its participation for a new one. The
        one definition of "the live claim for a participation" (issue 10)."""
        return self.exclude(status=ClaimStatus.WITHDRAWN)

    def live_for(self, participation):
        return self.live().filter(participation=participation).first()

    def with_flags(self):
        """The warnings an approver must see, worked out once for the rows fetched:
        `has_duplicate_receipt` (a receipt file also on another claim), annotated in SQL, and
        `is_over_budget` (approving it would take the project's committed spend past its
        budget), set on each claim from one sum per project over the rows' projects
        (`_FlaggedClaims`)."""
        flagged = self.with_duplicate_receipt()
        flagged._iterable_class = _FlaggedClaims
        return flagged

    def with_duplicate_receipt(self):
        """Annotate `has_duplicate_receipt`: a receipt file on this claim is also on another.
        Alone (without with_flags' model rows) for lists that read only a few columns."""
        return self.annotate(has_duplicate_receipt=_duplicate_receipt())

    def with_payment_route(self):
        """Annotate `pays_by_vouchers` and `has_bank_details` in SQL, once for the whole list:
        vouchers if chosen on the claim or the profile, otherwise a bank transfer."""
        return self.annotate(**_payment_route())


class Claim(TimeStampedModel):
    """What we owe a contributor for one participation (or an agreed ad hoc task)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The short reference people read out on the phone and finance types into a bank run:
    # CL-<year the claim was started>-<number>, given when the claim is created.
    reference = models.CharField(max_length=20, unique=True, null=True, editable=False)
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="claims")
    project = models.ForeignKey("portal.Project", on_delete=PROTECT, related_name="claims")
    participation = models.ForeignKey(
        "portal.Participation", on_delete=PROTECT, null=True, blank=True, related_name="claims"
    )
    ad_hoc_description = models.CharField(
        "what the task was",
        max_length=300,
        blank=True,
        help_text="For a task a coordinator agreed that is not an activity in the portal.",
    )
    # The activity date (or the ad hoc task's date): it picks the rate card and the tax year.
    work_on = models.DateField()
    status = models.CharField(max_length=20, choices=ClaimStatus, default=ClaimStatus.DRAFT)
    payment_choice = models.CharField(max_length=20, choices=PaymentChoice, default=PaymentChoice.FULL_FEE)
    reduced_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    public_sector_confirmed = models.BooleanField(default=False)
    declaration_accepted_at = models.DateTimeField(null=True, blank=True)
    # A coordinator who entered the claim for an offline contributor.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, blank=True, related_name="+"
    )
    # Spreading payment: finance will not pay the claim before this date (benefit periods).
    pay_after = models.DateField("do not pay before", null=True, blank=True)
    # First submission + the organisation's target in working days: "on time" means paid by then.
    pay_by = models.DateField(null=True, blank=True)
    batch = models.ForeignKey("PaymentBatch", on_delete=PROTECT, null=True, blank=True, related_name="claims")
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    fee_total = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"))
    expense_total = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"))

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-work_on", "-pk"]
        permissions = [
            ("decide_claim", "Can approve, return or reject payment claims"),
            ("pay_claim", "Can mark approved claims paid"),
            ("export_finance", "Can download the finance export with bank details"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="payments_claim_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="payments_claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_choice__in=PaymentChoice.values), name="payments_claim_choice_valid"
            ),
            # A double click, or two tabs, can never make two live claims for one participation.
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(participation__isnull=False) & ~Q(status="withdrawn"),
                name="payments_claim_once_per_participation",
            ),
        ]
        # docs/performance.md has the plans with and without each. The queues, the paying page
        # and the home counts all ask "claims in this status (in these projects)", and the
        # approval queue's budget warning sums the committed claims' totals per project (read
        # from the index alone, with `total` in it). The queue lists waiting claims oldest first.
        indexes = [
            models.Index(fields=["status", "project"], include=["total"], name="claim_status_project_total"),
            models.Index(fields=["status", "submitted_at", "id"], name="claim_status_submitted_at"),
            # And two for PostgreSQL only (the paying page's order, days to pay), made by
            # migration 0009_claim_indexes_for_paying_page.
        ]

    def __str__(self):
        return f"{self.reference or 'Claim'} by {self.contributor} for {self.title}"

    @property
    def title(self) -> str:
        return claim_title(
            self.participation.activity.title if self.participation_id else None, self.ad_hoc_description
        )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def awaiting_second_approval(self) -> bool:
        return awaiting_second_approval(self.status, self.decided_by_id)

    @property
    def days_to_pay(self) -> int | None:
        if self.paid_on and self.first_submitted_at:
            return (self.paid_on - self.first_submitted_at.date()).days
        return None


class FeeLine(models.Model):
    """A fee: the rate card row and the amount it had on the work date, copied, times a quantity."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="fee_lines")
    rate_row = models.ForeignKey(RateCardRow, on_delete=PROTECT, related_name="+")
    description = models.CharField(max_length=300)
    unit = models.CharField(max_length=10, choices=RateUnit)
    unit_amount = models.DecimalField(max_digits=8, decimal_places=2)
    quantity = models.DecimalField(max_digits=6, decimal_places=2)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    is_preparation = models.BooleanField(default=False)

    class Meta:
        ordering = ["is_preparation", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="payments_feeline_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_feeline_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.description}: {self.quantity} × £{self.unit_amount}"


class ExpenseKind(models.TextChoices):
    PUBLIC_TRANSPORT = "public_transport", "Public transport (bus, train, tram)"
    TAXI = "taxi", "Taxi"
    MILEAGE_CAR = "mileage_car", "Mileage: car or van"
    MILEAGE_MOTORCYCLE = "mileage_motorcycle", "Mileage: motorcycle"
    MILEAGE_BICYCLE = "mileage_bicycle", "Mileage: bicycle"
    PARKING = "parking", "Parking"
    CARER = "carer", "Carer or childcare cover"
    PERSONAL_ASSISTANT = "personal_assistant", "Personal assistant"
    SUBSISTENCE = "subsistence", "Food and drink (subsistence)"
    PHONE_INTERNET = "phone_internet", "Phone or internet"
    PRINTING = "printing", "Printing or postage"
    OTHER = "other", "Something else"


MILEAGE_KINDS = {
    ExpenseKind.MILEAGE_CAR: "car",
    ExpenseKind.MILEAGE_MOTORCYCLE: "motorcycle",
    ExpenseKind.MILEAGE_BICYCLE: "bicycle",
}


def receipt_path(instance, filename):
    # The original name is kept in a field; on disk the name reveals nothing.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"receipts/{uuid.uuid4().hex}.{suffix}"


class ExpenseLine(models.Model):
    """An expense repaid at cost (amount), or mileage (miles × HMRC rate, plus passengers)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="expense_lines")
    kind = models.CharField(max_length=30, choices=ExpenseKind)
    description = models.CharField(max_length=300, blank=True)
    miles = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    passengers = models.PositiveSmallIntegerField(default=0)
    rate_note = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    receipt = models.FileField(upload_to=receipt_path, storage=private_storage, blank=True)
    receipt_name = models.CharField(max_length=200, blank=True)
    receipt_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    form_token = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="payments_expenseline_amount_not_negative"
            ),
            # A double click posts the same form twice: its token makes the second a no-op.
            models.UniqueConstraint(
                fields=["claim", "form_token"],
                condition=~Q(form_token=""),
                name="payments_expenseline_form_token_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: £{self.amount}"

    @property
    def is_mileage(self) -> bool:
        return self.kind in MILEAGE_KINDS


class WorkflowEvent(models.Model):
    """One move in the life of something paid through the claims' workflow, never edited
    (`payments.workflow.move` writes it): a claim's, or a partner invoice's, timeline."""

    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, null=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=ClaimStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=ClaimStatus)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class ClaimEvent(WorkflowEvent):
    """The timeline the contributor sees."""

    claim = models.ForeignKey(Claim, on_delete=PROTECT, related_name="events")

    def __str__(self):
        return f"{self.claim_id}: {self.from_status or 'new'} → {self.to_status}"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    VOUCHERS = "vouchers", "Vouchers"


class PaymentBatch(TimeStampedModel):
    """Claims a manager marked paid together, with the date and the bank or voucher reference.

    A batch is one method only: a bank run and a voucher order are separate things in finance."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    paid_on = models.DateField()
    reference = models.CharField(max_length=100)
    method = models.CharField(max_length=20, choices=PaymentMethod, default=PaymentMethod.BANK_TRANSFER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+")

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name_plural = "payment batches"

    def __str__(self):
        return f"{self.get_method_display()} run {self.reference} on {self.paid_on:%d %b %Y}"
