"""Building a claim: starting one, the payment choice, the benefits limit and fee lines."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import Participation, ParticipationStatus, Project, User
from portal.money import to_money

from .. import permissions
from ..models import Claim, ClaimStatus, FeeLine, PaymentChoice, RateCardRow, RateUnit, claim_reference
from ._common import (
    ClaimError,
    _apply_choice,
    _check_edit,
    _check_fits,
    _entered_note,
    _event,
    _lock,
    _recalculate,
)
from .rate_cards import rate_row_for


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
