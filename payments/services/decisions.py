"""A claim's workflow up to payment: submitting, withdrawing, deciding and returning it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.models import User

from .. import permissions, workflow
from ..models import Claim, ClaimStatus
from ._common import ClaimError, _apply_choice, _check_edit, _entered_note, _lock, _move, _notify
from .claims import needs_public_sector_confirmation


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
        from ..benefits import add_working_days

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


@transaction.atomic
def decide_claim(*, claim: Claim, approver: User, approve: bool, note: str = "") -> Claim:
    """Approve or reject a submitted claim and email the contributor.

    Above PORTAL_SECOND_APPROVAL_ABOVE an approval needs a second, different approver."""
    claim = _lock(claim)
    if not permissions.can_decide_claim(approver, claim):
        raise PermissionDenied
    outcome = workflow.decide(
        claim,
        actor=approver,
        approve=approve,
        note=note,
        amount=claim.total,
        move=_move,
        error=ClaimError,
        noun="claim",
        reason_prompt="Give a reason for rejecting the claim: the contributor will see it.",
    )
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
    if outcome != workflow.FIRST_APPROVAL:
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
