"""Every write about rate cards, claims and payments: one function per use case, each atomic,
row-locked where two people could race, permission-checked and audited."""

import hashlib
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from portal.errors import PortalError
from portal.links import base_url
from portal.models import Participation, ParticipationStatus, Project, User
from portal.money import MONEY_MAX, ZERO, fits_money_column, format_money, to_money
from portal.services import record_audit

from . import permissions, workflow
from .models import (
    MILEAGE_KINDS,
    BenefitPeriod,
    BenefitRule,
    Claim,
    ClaimEvent,
    ClaimStatus,
    ExpenseKind,
    ExpenseLine,
    ExpenseRate,
    FeeLine,
    PaymentBatch,
    PaymentChoice,
    PaymentMethod,
    RateCard,
    RateCardRow,
    RateUnit,
    claim_reference,
)

TEN_THOUSAND = Decimal("10000")
RECEIPT_TYPES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


class ClaimError(PortalError):
    """A claim rule was broken. The message is safe to show to the user."""


class RateCardError(PortalError):
    """A rate card rule was broken. The message is safe to show to the user."""


# --- Dates -----------------------------------------------------------------------------------


def tax_year_start(on: date) -> date:
    """The 6 April on or before `on`: UK tax years run 6 April to 5 April."""
    start = date(on.year, 4, 6)
    return start if on >= start else date(on.year - 1, 4, 6)


def tax_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 6), date(start_year + 1, 4, 5)


# --- Rate cards --------------------------------------------------------------------------------


def rate_card_in_force(on: date) -> RateCard | None:
    """The card with the latest start on or before `on` that was not retired by then."""
    return RateCard.objects.in_force_on(on).first()


def rate_row_for(*, code: str, on: date) -> RateCardRow | None:
    card = rate_card_in_force(on)
    if card is None:
        return None
    return card.rows.filter(code=code).first()


@transaction.atomic
def create_rate_card(
    *,
    actor: User | None,
    name: str,
    effective_from: date,
    rows: list[dict],
    notes: str = "",
    is_illustrative: bool = False,
) -> RateCard:
    """A new card: rows are dicts of code, activity, unit and amount."""
    if actor is not None and not permissions.can_manage_ratecards(actor):
        raise PermissionDenied
    if not rows:
        raise RateCardError("A rate card needs at least one rate.")
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        raise RateCardError("Each rate needs its own code.")
    card = RateCard.objects.create(
        name=name, effective_from=effective_from, notes=notes, is_illustrative=is_illustrative
    )
    for row in rows:
        RateCardRow.objects.create(
            card=card,
            code=row["code"],
            activity=row["activity"],
            unit=RateUnit(row["unit"]),
            amount=to_money(row["amount"]),
        )
    record_audit(actor=actor, action="ratecard.created", target=card, rows=len(rows))
    return card


def percent_text(percent: Decimal) -> str:
    """A percentage as people write it: 10%, 2.5%, not 1E+1% (what normalize() alone gives)."""
    return f"{format(Decimal(percent).normalize(), 'f')}%"


@transaction.atomic
def uplift_rate_card(
    *, actor: User | None, card: RateCard, percent: Decimal, effective_from: date, name: str = ""
) -> RateCard:
    """Copy a card with every amount raised by `percent`, in force from `effective_from`."""
    if actor is not None and not permissions.can_manage_ratecards(actor):
        raise PermissionDenied
    if effective_from <= card.effective_from:
        raise RateCardError("The uplifted card must start after the card it copies.")
    factor = 1 + Decimal(percent) / 100
    shown = percent_text(percent)
    new = RateCard.objects.create(
        name=name or f"{card.name} + {shown}",
        effective_from=effective_from,
        is_illustrative=card.is_illustrative,
        notes=f"Copied from “{card.name}” with a {shown} uplift.",
        based_on=card,
        uplift_percent=percent,
    )
    for row in card.rows.all():
        RateCardRow.objects.create(
            card=new,
            code=row.code,
            activity=row.activity,
            unit=row.unit,
            amount=to_money(row.amount * factor),
        )
    record_audit(
        actor=actor,
        action="ratecard.uplifted",
        target=new,
        based_on=str(card.public_id),
        percent=str(percent),
        effective_from=effective_from.isoformat(),
    )
    return new


@transaction.atomic
def retire_rate_card(*, actor: User, card: RateCard, retired_on: date) -> RateCard:
    """From `retired_on` the card prices nothing new; claims already priced keep their rates."""
    if not permissions.can_manage_ratecards(actor):
        raise PermissionDenied
    card = RateCard.objects.select_for_update().get(pk=card.pk)
    if card.retired_on is not None:
        raise RateCardError("This card is already retired.")
    if retired_on < card.effective_from:
        raise RateCardError("A card cannot be retired before it starts.")
    card.retired_on = retired_on
    card.save(update_fields=["retired_on", "updated_at"])
    record_audit(actor=actor, action="ratecard.retired", target=card, retired_on=retired_on.isoformat())
    return card


# --- Benefit limits ----------------------------------------------------------------------------


class BenefitRuleError(Exception):
    """A benefit rule was broken. The message is safe to show to the user."""


@transaction.atomic
def add_benefit_rule(
    *,
    actor: User | None,
    benefit: str,
    period: str,
    limit: Decimal | None,
    applies_from: date,
    source: str = "",
    checked: str = "",
) -> BenefitRule:
    """A new dated limit for a benefit. Earlier rows stay: past periods keep their limit."""
    if actor is not None and not permissions.can_manage_benefit_rules(actor):
        raise PermissionDenied
    if BenefitRule.objects.filter(benefit=benefit, applies_from=applies_from).exists():
        raise BenefitRuleError("This benefit already has a limit from that date.")
    rule = BenefitRule.objects.create(
        benefit=benefit,
        period=BenefitPeriod(period),
        limit=None if limit is None else to_money(limit),
        applies_from=applies_from,
        source=source,
        checked=checked,
        created_by=actor,
    )
    record_audit(
        actor=actor,
        action="benefitrule.added",
        target=rule,
        benefit=benefit,
        limit=str(rule.limit),
        applies_from=applies_from.isoformat(),
    )
    return rule


def load_benefit_rules(path) -> int:
    """Rows from a CSV like payments/data/benefit-rules.csv that are not there yet."""
    import csv

    added = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if BenefitRule.objects.filter(benefit=row["rule"], applies_from=row["applies_from"]).exists():
                continue
            add_benefit_rule(
                actor=None,
                benefit=row["rule"],
                period=row["period"],
                limit=Decimal(row["limit_gbp"]) if row["limit_gbp"] else None,
                applies_from=date.fromisoformat(row["applies_from"]),
                source=row["source"],
                checked=row["checked"],
            )
            added += 1
    return added


# --- Claims: building one ---------------------------------------------------------------------


def _lock(claim: Claim) -> Claim:
    # Lock the row: two people clicking at once must not both move the claim.
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("project", "contributor", "participation__activity")
        .get(pk=claim.pk)
    )


def _event(claim: Claim, *, actor: User | None, to: str, note: str = "", from_status=None) -> ClaimEvent:
    return ClaimEvent.objects.create(
        claim=claim,
        actor=actor,
        from_status=claim.status if from_status is None else from_status,
        to_status=to,
        note=note,
    )


def _move(claim: Claim, *, to: str, actor: User, note: str = "") -> None:
    workflow.move(claim, to=to, actor=actor, events=claim.events, error=ClaimError, noun="A claim", note=note)


def _check_fits(amount: Decimal, what: str) -> None:
    if not fits_money_column(amount):
        raise ClaimError(
            f"That would make {what} more than {format_money(MONEY_MAX)}, the most a claim can hold. "
            "Check the amount and the quantity."
        )


def _recalculate(claim: Claim) -> None:
    """Store fee, expense and overall totals from the lines and the payment choice."""
    fees = claim.fee_lines.aggregate(s=Sum("amount"))["s"] or ZERO
    expenses = claim.expense_lines.aggregate(s=Sum("amount"))["s"] or ZERO
    if claim.payment_choice == PaymentChoice.EXPENSES_ONLY:
        fees = ZERO
    elif claim.payment_choice == PaymentChoice.REDUCED and claim.reduced_amount is not None:
        fees = min(fees, claim.reduced_amount)
    claim.fee_total = to_money(fees)
    claim.expense_total = to_money(expenses)
    claim.total = claim.fee_total + claim.expense_total
    _check_fits(claim.total, "the claim")
    claim.save(update_fields=["fee_total", "expense_total", "total", "updated_at"])


def _check_edit(actor: User, claim: Claim) -> None:
    if not permissions.can_view_claim(actor, claim):
        raise PermissionDenied
    if not claim.is_editable:
        raise ClaimError("This claim can no longer be changed.")
    if not permissions.can_edit_claim(actor, claim):
        raise PermissionDenied


def _quantity_for(row: RateCardRow, hours: Decimal) -> Decimal:
    return hours if row.unit == RateUnit.HOUR and hours > 0 else Decimal("1")


def fee_amount(rate: Decimal, quantity: Decimal) -> Decimal:
    """Rate × quantity, rounded once, to whole pence."""
    return to_money(Decimal(rate) * Decimal(quantity))


def _add_fee(claim: Claim, row: RateCardRow, quantity: Decimal, *, is_preparation=False) -> FeeLine:
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ClaimError("Enter a quantity more than 0.")
    description = row.activity + (" (preparation time)" if is_preparation else "")
    _check_fits(fee_amount(row.amount, quantity), "this line")
    return FeeLine.objects.create(
        claim=claim,
        rate_row=row,
        description=description[:300],
        unit=row.unit,
        unit_amount=row.amount,  # copied: a later card never rewrites this claim
        quantity=quantity,
        amount=fee_amount(row.amount, quantity),
        is_preparation=is_preparation,
    )


def _first_line(claim: Claim, code: str, hours: Decimal) -> None:
    row = rate_row_for(code=code, on=claim.work_on) if code else None
    if row is not None:
        _add_fee(claim, row, _quantity_for(row, hours))


@transaction.atomic
def start_claim(*, actor: User, participation: Participation) -> Claim:
    """A draft claim for a participation, priced from the card in force on the activity date.

    Starting twice (a double click) returns the claim already started."""
    participation = (
        Participation.objects.select_for_update().select_related("activity__project").get(pk=participation.pk)
    )
    activity = participation.activity
    if not permissions.can_claim_for(actor, participation.contributor, activity.project):
        raise PermissionDenied
    existing = Claim.objects.live_for(participation)
    if existing is not None:
        return existing
    if not activity.is_past:
        raise ClaimError("You can claim once the activity has started.")
    if participation.status != ParticipationStatus.ATTENDED:
        raise ClaimError("You can claim once the coordinator has recorded that you took part.")
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                contributor=participation.contributor,
                project=activity.project,
                participation=participation,
                work_on=activity.occurs_on,
                entered_by=actor if actor.pk != participation.contributor_id else None,
                payment_choice=_default_choice(participation.contributor),
            )
    except IntegrityError:
        # Someone else's request won the race: use the claim it made.
        return Claim.objects.live().get(participation=participation)
    _give_reference(claim)
    _event(claim, actor=actor, to=ClaimStatus.DRAFT, from_status="", note=_entered_note(claim))
    _first_line(claim, activity.rate_code, activity.expected_hours)
    _recalculate(claim)
    return claim


@transaction.atomic
def start_ad_hoc_claim(
    *,
    actor: User,
    contributor: User,
    project: Project,
    description: str,
    work_on: date,
    rate_code: str = "",
    quantity: Decimal = Decimal("1"),
) -> Claim:
    """A coordinator records a task they agreed with a contributor that is not an activity."""
    if not (actor.is_coordinator and project.is_coordinated_by(actor)) or not contributor.is_contributor:
        raise PermissionDenied
    if not permissions.is_offline(contributor):
        raise ClaimError(f"{contributor} can sign in and claim for themselves.")
    if not permissions.can_claim_for(actor, contributor, project):
        raise PermissionDenied
    claim = Claim.objects.create(
        contributor=contributor,
        project=project,
        ad_hoc_description=description,
        work_on=work_on,
        entered_by=actor,
        payment_choice=_default_choice(contributor),
    )
    _give_reference(claim)
    _event(
        claim, actor=actor, to=ClaimStatus.DRAFT, from_status="", note="Ad hoc task agreed by " + str(actor)
    )
    row = rate_row_for(code=rate_code, on=work_on) if rate_code else None
    if row is not None:
        _add_fee(claim, row, quantity)
    _recalculate(claim)
    return claim


def _give_reference(claim: Claim) -> None:
    claim.reference = claim_reference(claim.pk, claim.created_at.year)
    claim.save(update_fields=["reference"])


def _entered_note(claim: Claim) -> str:
    return f"Entered by {claim.entered_by} on the contributor's behalf" if claim.entered_by_id else ""


def _default_choice(contributor: User) -> str:
    from contributors.models import Contributor, PaymentMethod

    profile = Contributor.objects.profile_of(contributor)
    if profile is None:
        return PaymentChoice.FULL_FEE
    return {
        PaymentMethod.VOUCHERS: PaymentChoice.VOUCHERS,
        PaymentMethod.NO_PAYMENT: PaymentChoice.EXPENSES_ONLY,
    }.get(profile.payment_method, PaymentChoice.FULL_FEE)


def needs_public_sector_confirmation(contributor: User) -> bool:
    from contributors.models import Contributor

    profile = Contributor.objects.profile_of(contributor)
    return bool(profile and profile.is_public_sector_employee)


@transaction.atomic
def update_claim_choices(
    *,
    actor: User,
    claim: Claim,
    payment_choice: str,
    reduced_amount: Decimal | None = None,
    public_sector_confirmed: bool = False,
) -> Claim:
    """How the contributor wants to be paid for this claim (saved as they go)."""
    claim = _lock(claim)
    _check_edit(actor, claim)
    _apply_choice(claim, payment_choice, reduced_amount, public_sector_confirmed)
    return claim


def _apply_choice(claim: Claim, payment_choice: str, reduced_amount, public_sector_confirmed: bool) -> None:
    choice = PaymentChoice(payment_choice)
    if choice == PaymentChoice.REDUCED:
        if reduced_amount is None or reduced_amount < 0:
            raise ClaimError("Enter the reduced amount you would like, in pounds.")
        claim.reduced_amount = to_money(reduced_amount)
    else:
        claim.reduced_amount = None
    claim.payment_choice = choice
    claim.public_sector_confirmed = public_sector_confirmed
    claim.save(update_fields=["payment_choice", "reduced_amount", "public_sector_confirmed", "updated_at"])
    _recalculate(claim)


@transaction.atomic
def adjust_for_limit(
    *,
    actor: User,
    claim: Claim,
    option: str,
    reduced_amount: Decimal | None = None,
    pay_after: date | None = None,
) -> Claim:
    """One of NIHR's ways to stay within a benefit limit: a reduced fee, expenses only, or
    payment spread to a later period ("do not pay before", which the payment run respects).
    "pay_as_usual" clears a later date."""
    claim = _lock(claim)
    _check_edit(actor, claim)
    if option == "pay_after":
        if pay_after is None or pay_after <= timezone.localdate():
            raise ClaimError("Choose a date after today to be paid from.")
        claim.pay_after = pay_after
    else:
        claim.pay_after = None
    claim.save(update_fields=["pay_after", "updated_at"])
    if option in (PaymentChoice.REDUCED, PaymentChoice.EXPENSES_ONLY):
        _apply_choice(claim, option, reduced_amount, claim.public_sector_confirmed)
    elif option not in ("pay_after", "pay_as_usual"):
        raise ClaimError("Choose one of the options.")
    return claim


@transaction.atomic
def add_fee_line(
    *, actor: User, claim: Claim, code: str, quantity: Decimal, is_preparation: bool = False
) -> FeeLine:
    """A fee line at the rate in force on the claim's work date (preparation time is its own line)."""
    claim = _lock(claim)
    _check_edit(actor, claim)
    row = rate_row_for(code=code, on=claim.work_on)
    if row is None:
        raise ClaimError("There is no rate with that code on the date of this activity.")
    line = _add_fee(claim, row, quantity, is_preparation=is_preparation)
    _recalculate(claim)
    return line


@transaction.atomic
def remove_fee_line(*, actor: User, line: FeeLine) -> Claim:
    claim = _lock(line.claim)
    _check_edit(actor, claim)
    FeeLine.objects.filter(pk=line.pk, claim=claim).delete()
    _recalculate(claim)
    return claim


def check_receipt(upload) -> str | None:
    """Why a receipt file is refused, or None. The content is checked, not just the name."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in RECEIPT_TYPES:
        return "The receipt must be a PDF, JPEG or PNG file."
    if upload.size > settings.PORTAL_RECEIPT_MAX_BYTES:
        limit = settings.PORTAL_RECEIPT_MAX_BYTES // (1024 * 1024)
        return f"The receipt must be smaller than {limit} MB."
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in RECEIPT_TYPES[extension]):
        return "The receipt file is not a real PDF, JPEG or PNG. Try saving or scanning it again."
    return None


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def expense_rate(code: str, on: date) -> Decimal:
    rate = ExpenseRate.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
    if rate is not None:
        return rate.amount
    # The table is filled by a data migration; a database built without migrations (a fast
    # test run) falls back to the same CSV.
    fallback = _csv_expense_rates().get(code)
    if fallback is None:
        raise ClaimError("Mileage rates are not set up. Please tell the involvement team.")
    return fallback


def _csv_expense_rates() -> dict[str, Decimal]:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "expense-rates.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return {row["code"]: Decimal(row["amount_gbp"]) for row in csv.DictReader(f)}


def car_miles_before(*, contributor: User, on: date, exclude_claim: Claim | None = None) -> Decimal:
    """Car miles already claimed in the tax year of `on`, for the 10,000-mile step."""
    start = tax_year_start(on)
    lines = ExpenseLine.objects.filter(
        claim__contributor=contributor,
        claim__work_on__gte=start,
        claim__work_on__lt=date(start.year + 1, 4, 6),
        kind=ExpenseKind.MILEAGE_CAR,
    ).exclude(claim__status__in=[ClaimStatus.WITHDRAWN, ClaimStatus.REJECTED])
    return lines.aggregate(s=Sum("miles"))["s"] or Decimal("0")


def mileage_amount(
    *, kind: str, miles: Decimal, passengers: int, prior_miles: Decimal, on: date
) -> tuple[Decimal, str]:
    """HMRC mileage: the car rate drops after 10,000 miles in a tax year; passengers add 5p each."""
    vehicle = MILEAGE_KINDS[ExpenseKind(kind)]
    if vehicle == "car":
        low = max(Decimal("0"), min(miles, TEN_THOUSAND - prior_miles))
        high = miles - low
        amount = low * expense_rate("car", on) + high * expense_rate("car_over_10k", on)
        note = f"{low.normalize()} miles at £{expense_rate('car', on)}"
        if high:
            note += f", {high.normalize()} miles over 10,000 at £{expense_rate('car_over_10k', on)}"
    else:
        rate = expense_rate(vehicle, on)
        amount = miles * rate
        note = f"{miles.normalize()} miles at £{rate}"
    if passengers and vehicle != "bicycle":
        passenger_rate = expense_rate("passenger", on)
        amount += miles * passengers * passenger_rate
        note += f", {passengers} passenger{'s' if passengers != 1 else ''} at £{passenger_rate}"
    return to_money(amount), note


@transaction.atomic
def add_expense_line(
    *,
    actor: User,
    claim: Claim,
    kind: str,
    amount: Decimal | None = None,
    miles: Decimal | None = None,
    passengers: int = 0,
    description: str = "",
    receipt=None,
    token: str = "",
) -> tuple[ExpenseLine, list[str]]:
    """An expense at cost, or mileage at HMRC rates. Returns the line and any warnings.

    The same form `token` twice (a double click) returns the line the first one added: the
    claim's row lock makes the second wait until the first is saved."""
    claim = _lock(claim)
    _check_edit(actor, claim)
    if token and (already := claim.expense_lines.filter(form_token=token).first()):
        return already, []
    kind = ExpenseKind(kind)
    line = ExpenseLine(claim=claim, kind=kind, description=description[:300], form_token=token[:32])
    if kind in MILEAGE_KINDS:
        if miles is None or miles <= 0:
            raise ClaimError("Enter how many miles you travelled.")
        prior = car_miles_before(contributor=claim.contributor, on=claim.work_on)
        line.miles, line.passengers = miles, passengers
        line.amount, line.rate_note = mileage_amount(
            kind=kind, miles=miles, passengers=passengers, prior_miles=prior, on=claim.work_on
        )
    else:
        if amount is None or amount <= 0:
            raise ClaimError("Enter the amount you spent, in pounds.")
        line.amount = to_money(amount)
    _check_fits(line.amount, "this line")
    warnings = []
    if receipt is not None:
        problem = check_receipt(receipt)
        if problem:
            raise ClaimError(problem)
        line.receipt_sha256 = _sha256(receipt)
        line.receipt_name = (receipt.name or "receipt")[-200:]
        duplicate = (
            ExpenseLine.objects.filter(receipt_sha256=line.receipt_sha256).exclude(claim=claim).exists()
        )
        if duplicate:
            warnings.append(
                "This receipt file has already been used on another claim. "
                "The coordinator will check it before approving."
            )
        line.receipt.save(receipt.name, receipt, save=False)
    elif not line.is_mileage and line.amount > settings.PORTAL_RECEIPT_REQUIRED_ABOVE:
        raise ClaimError(
            f"Add a receipt for expenses over £{settings.PORTAL_RECEIPT_REQUIRED_ABOVE}: "
            "a photo or scan is fine."
        )
    line.save()
    _recalculate(claim)
    return line, warnings


@transaction.atomic
def remove_expense_line(*, actor: User, line: ExpenseLine) -> Claim:
    claim = _lock(line.claim)
    _check_edit(actor, claim)
    ExpenseLine.objects.filter(pk=line.pk, claim=claim).delete()
    _recalculate(claim)
    return claim


def duplicate_receipt_lines(claim: Claim) -> list[ExpenseLine]:
    """Lines of this claim whose receipt file (by content) is also on another claim."""
    lines = [line for line in claim.expense_lines.all() if line.receipt_sha256]
    used = set(
        ExpenseLine.objects.filter(receipt_sha256__in=[line.receipt_sha256 for line in lines])
        .exclude(claim=claim)
        .values_list("receipt_sha256", flat=True)
    )
    return [line for line in lines if line.receipt_sha256 in used]


# --- Claims: the workflow ----------------------------------------------------------------------


def _notify(claim: Claim, event: ClaimEvent) -> None:
    from .tasks import email_claim_update as email_claim_update_task

    transaction.on_commit(lambda: email_claim_update_task.delay(event.pk))


@transaction.atomic
def submit_claim(
    *,
    actor: User,
    claim: Claim,
    declaration: bool,
    payment_choice: str | None = None,
    reduced_amount: Decimal | None = None,
    public_sector_confirmed: bool | None = None,
) -> Claim:
    """Send a draft (or a returned claim, fixed) to someone who may decide it.

    The check-answers page posts the payment choice it showed; it is applied in the same
    transaction, so what the person saw on screen is what they claimed."""
    claim = _lock(claim)
    _check_edit(actor, claim)
    if not declaration:
        raise ClaimError("Confirm the declaration to submit your claim.")
    if payment_choice is not None:
        _apply_choice(
            claim,
            payment_choice,
            reduced_amount,
            claim.public_sector_confirmed if public_sector_confirmed is None else public_sector_confirmed,
        )
    if not claim.fee_lines.exists() and not claim.expense_lines.exists():
        raise ClaimError("Add a fee or an expense before you submit.")
    if needs_public_sector_confirmation(claim.contributor) and not claim.public_sector_confirmed:
        raise ClaimError(
            "Confirm that this task is not part of your public-sector job and was done in your own time."
        )
    _move(
        claim, to=ClaimStatus.SUBMITTED, actor=actor, note=_entered_note(claim) if claim.entered_by_id else ""
    )
    now = timezone.now()
    claim.declaration_accepted_at = now
    claim.submitted_at = now
    if claim.first_submitted_at is None:
        from .benefits import add_working_days

        claim.first_submitted_at = now
        # Fixed at the first submission: a return and resubmit does not move the target.
        claim.pay_by = add_working_days(timezone.localdate(now), settings.PORTAL_PAYMENT_TARGET_WORKING_DAYS)
    claim.decided_at = claim.decided_by = None
    claim.save(
        update_fields=[
            "status",
            "declaration_accepted_at",
            "submitted_at",
            "first_submitted_at",
            "pay_by",
            "decided_at",
            "decided_by",
            "updated_at",
        ]
    )
    _notify(claim, claim.events.last())
    return claim


@transaction.atomic
def withdraw_claim(*, actor: User, claim: Claim) -> Claim:
    claim = _lock(claim)
    _check_edit(actor, claim)
    _move(claim, to=ClaimStatus.WITHDRAWN, actor=actor)
    claim.save(update_fields=["status", "updated_at"])
    return claim


def needs_second_approval(claim: Claim) -> bool:
    limit = settings.PORTAL_SECOND_APPROVAL_ABOVE
    return bool(limit and limit > 0 and claim.total > limit)


@transaction.atomic
def decide_claim(*, claim: Claim, approver: User, approve: bool, note: str = "") -> Claim:
    """Approve or reject a submitted claim and queue the email to the contributor.

    Above PORTAL_SECOND_APPROVAL_ABOVE an approval needs a second, different approver."""
    claim = _lock(claim)
    if not permissions.can_decide_claim(approver, claim):
        raise PermissionDenied
    if claim.status != ClaimStatus.SUBMITTED:
        raise ClaimError(f"This claim is already {claim.get_status_display().lower()}.")
    now = timezone.now()
    if not approve:
        if not note.strip():
            raise ClaimError("Give a reason for rejecting the claim: the contributor will see it.")
        _move(claim, to=ClaimStatus.REJECTED, actor=approver, note=note.strip())
        claim.decided_at, claim.decided_by = now, approver
    elif needs_second_approval(claim) and claim.decided_by_id is None:
        # First of two approvals: the claim waits for a second approver.
        claim.decided_at, claim.decided_by = now, approver
        _event(
            claim,
            actor=approver,
            to=ClaimStatus.SUBMITTED,
            note=note or "First approval; a second approver is needed.",
        )
        claim.save(update_fields=["decided_at", "decided_by", "updated_at"])
        return claim
    elif claim.decided_by_id is not None:
        if claim.decided_by_id == approver.pk:
            raise ClaimError("A second, different person must approve this claim.")
        _move(claim, to=ClaimStatus.APPROVED, actor=approver, note=note or "Second approval")
        claim.second_approved_at, claim.second_approved_by = now, approver
    else:
        _move(claim, to=ClaimStatus.APPROVED, actor=approver, note=note)
        claim.decided_at, claim.decided_by = now, approver
    claim.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "second_approved_at",
            "second_approved_by",
            "updated_at",
        ]
    )
    _notify(claim, claim.events.last())
    return claim


@transaction.atomic
def return_claim(*, claim: Claim, actor: User, reason: str) -> Claim:
    """Send a submitted claim back to the contributor to fix; the reason is required."""
    claim = _lock(claim)
    if not permissions.can_decide_claim(actor, claim):
        raise PermissionDenied
    if not reason.strip():
        raise ClaimError("Say what needs changing: the contributor will see it.")
    _move(claim, to=ClaimStatus.RETURNED, actor=actor, note=reason.strip())
    claim.decided_at = claim.decided_by = None
    claim.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _notify(claim, claim.events.last())
    return claim


@transaction.atomic
def bulk_approve(*, approver: User, claims: list[Claim]) -> tuple[list[Claim], list[str]]:
    """Approve each claim the approver may decide; the others are listed with the reason.

    A claim with a warning (a receipt used on another claim, or over the project's budget) is
    never approved in bulk: the approver opens it and decides it on its own page."""
    done, problems = [], []
    flagged = {
        c.pk: c
        for c in Claim.objects.with_flags().filter(pk__in=[c.pk for c in claims])
        if c.has_duplicate_receipt or c.is_over_budget
    }
    for claim in claims:
        if claim.pk in flagged:
            f = flagged[claim.pk]
            why = "a receipt is also on another claim" if f.has_duplicate_receipt else "it is over budget"
            problems.append(f"{claim.reference}: not approved because {why}. Open it to decide.")
            continue
        try:
            with transaction.atomic():
                done.append(decide_claim(claim=claim, approver=approver, approve=True))
        except (ClaimError, PermissionDenied) as exc:
            problems.append(f"{claim}: {exc or 'you cannot decide this claim'}")
    return done, problems


def _method_of(claim: Claim) -> str:
    return PaymentMethod.VOUCHERS if claim.pays_by_vouchers else PaymentMethod.BANK_TRANSFER


@transaction.atomic
def mark_claims_paid(*, actor: User, claims: list[Claim], paid_on: date, reference: str) -> PaymentBatch:
    """Record one payment run: every claim must be approved, owed money and paid the same way
    (a bank run and a voucher order are separate batches), and all become paid together."""
    if not permissions.can_pay_claims(actor):
        raise PermissionDenied
    if not claims:
        raise ClaimError("Choose at least one approved claim to mark as paid.")
    locked = list(
        Claim.objects.select_for_update(of=("self",))
        .with_payment_route()
        .filter(pk__in=[c.pk for c in claims])
        .order_by("pk")
    )
    not_ready = [c for c in locked if c.status != ClaimStatus.APPROVED]
    if not_ready:
        raise ClaimError(
            f"{len(not_ready)} of the chosen claims are no longer approved; nothing was marked paid."
        )
    too_soon = [c for c in locked if c.pay_after and c.pay_after > paid_on]
    if too_soon:
        raise ClaimError(
            f"{', '.join(c.reference for c in too_soon)}: the contributor asked not to be paid before "
            f"{too_soon[0].pay_after:%d %B %Y}; nothing was marked paid."
        )
    if any(c.total <= ZERO for c in locked):
        raise ClaimError("A claim for £0.00 owes nothing and cannot join a payment run.")
    methods = {_method_of(c) for c in locked}
    if len(methods) > 1:
        raise ClaimError("Bank transfers and vouchers are paid in separate runs.")
    method = methods.pop()
    no_bank = [c for c in locked if method == PaymentMethod.BANK_TRANSFER and not c.has_bank_details]
    if no_bank:
        raise ClaimError(
            f"{', '.join(c.reference for c in no_bank)}: no bank details, so it cannot be paid by "
            "bank transfer. Ask the contributor for them first."
        )
    batch = PaymentBatch.objects.create(
        paid_on=paid_on, reference=reference.strip(), created_by=actor, method=method
    )
    for claim in locked:
        _move(claim, to=ClaimStatus.PAID, actor=actor, note=f"Payment reference {batch.reference}")
        claim.batch, claim.paid_on, claim.payment_reference = batch, paid_on, batch.reference
        claim.save(update_fields=["status", "batch", "paid_on", "payment_reference", "updated_at"])
        _notify(claim, claim.events.last())
    record_audit(
        actor=actor,
        action="payments.batch_paid",
        target=batch,
        claims=len(locked),
        method=method,
        total=str(sum((c.total for c in locked), ZERO)),
    )
    return batch


@transaction.atomic
def pay_run(
    *, actor: User, claims: list[Claim], paid_on: date, bank_reference: str = "", voucher_reference: str = ""
) -> list[PaymentBatch]:
    """The paying page's confirm step: the chosen claims split into a bank-transfer batch and a
    voucher batch, each with its own reference; either all are recorded or none."""
    routed = Claim.objects.with_payment_route().filter(pk__in=[c.pk for c in claims]).order_by("pk")
    groups = {PaymentMethod.BANK_TRANSFER: [], PaymentMethod.VOUCHERS: []}
    for claim in routed:
        groups[_method_of(claim)].append(claim)
    references = {PaymentMethod.BANK_TRANSFER: bank_reference, PaymentMethod.VOUCHERS: voucher_reference}
    batches = []
    for method, group in groups.items():
        if not group:
            continue
        if not references[method].strip():
            raise ClaimError(f"Enter the {PaymentMethod(method).label.lower()} reference.")
        batches.append(
            mark_claims_paid(actor=actor, claims=group, paid_on=paid_on, reference=references[method])
        )
    if not batches:
        raise ClaimError("Choose at least one approved claim to mark as paid.")
    return batches


def record_finance_export(*, actor: User, batch: PaymentBatch | None, rows: int) -> None:
    record_audit(actor=actor, action="payments.finance_export", target=batch, rows=rows)


# --- Email -------------------------------------------------------------------------------------


def deciders_for(claim: Claim) -> set[User]:
    """Who is told a claim is waiting: the project's coordinators who may decide it (never
    its contributor, nor the coordinator who entered it for an offline person); when no
    coordinator may, the managers."""
    project = claim.project
    excluded = {claim.contributor_id, claim.entered_by_id}
    people = {p for p in (project.lead, *project.coordinators.all()) if p.pk not in excluded}
    if not people:
        people = {p for p in User.objects.with_role("Manager") if p.pk not in excluded}
    return people


def email_claim_update(*, event_id: int) -> None:
    """Tell the contributor (or the project's coordinators, for a submission) what happened."""
    from portal.emails import send_templated_email

    event = ClaimEvent.objects.select_related("claim__contributor", "claim__project", "actor").get(
        pk=event_id
    )
    claim = event.claim
    if event.to_status == ClaimStatus.SUBMITTED:
        to = [p.email for p in deciders_for(claim) if p.email]
        send_templated_email(
            name="payments_claim_submitted",
            to=to,
            context={"claim": claim, "event": event, "base_url": base_url()},
        )
    else:
        send_templated_email(
            name="payments_claim_update",
            to=[claim.contributor.email],
            context={"claim": claim, "event": event, "base_url": base_url()},
        )
