"""What the payment services share: their errors, and locking, moving and re-totalling a claim."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from portal.errors import PortalError
from portal.models import User
from portal.money import MONEY_MAX, ZERO, fits_money_column, format_money, to_money

from .. import permissions, workflow
from ..models import Claim, ClaimEvent, PaymentChoice
from .emails import email_claim_update


class ClaimError(PortalError):
    """A claim rule was broken. The message is safe to show to the user."""


class RateCardError(PortalError):
    """A rate card rule was broken. The message is safe to show to the user."""


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


def _entered_note(claim: Claim) -> str:
    return f"Entered by {claim.entered_by} on the contributor's behalf" if claim.entered_by_id else ""


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


def _notify(claim: Claim, event: ClaimEvent) -> None:
    # The OutgoingEmail row is written in the service's transaction, so a rolled-back change
    # sends nothing; portal.emails queues the retried delivery once it commits.
    email_claim_update(claim=claim, event=event)
