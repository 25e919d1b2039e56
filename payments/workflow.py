"""The claims' workflow for anything paid the same way: a contributor's claim, and (in the
partners app) an organisation's invoice. One transition table, one move, one timeline row.

Callers hold the row lock (`select_for_update`) and have checked the permission first."""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from .models import ALLOWED_TRANSITIONS, ClaimStatus

FIRST_APPROVAL = "first_approval"


def move(obj, *, to: str, actor, events, error: type[Exception], noun: str, note: str = "") -> None:
    """Move `obj` to status `to` if the claims' table allows it, appending a row to `events`
    (the object's timeline manager, e.g. `claim.events`); otherwise raise `error`."""
    if to not in ALLOWED_TRANSITIONS.get(obj.status, set()):
        raise error(
            f"{noun} that is {obj.get_status_display().lower()} cannot be {ClaimStatus(to).label.lower()}."
        )
    events.create(actor=actor, from_status=obj.status, to_status=to, note=note)
    obj.status = to


def over_second_approval_limit(amount: Decimal) -> bool:
    """Above PORTAL_SECOND_APPROVAL_ABOVE an approval takes two different people; 0 is off."""
    limit = settings.PORTAL_SECOND_APPROVAL_ABOVE
    return bool(limit and limit > 0 and amount > limit)


def decide(
    obj,
    *,
    actor,
    approve: bool,
    note: str,
    amount: Decimal,
    move: Callable[..., None],
    error: type[Exception],
    noun: str,
    reason_prompt: str,
) -> str:
    """Approve or reject a submitted `obj` (a claim or an invoice): a rejection needs a reason
    (`reason_prompt` asks for it); above the second-approval limit the first approval leaves
    it submitted and a second, different person approves it. `move` is the caller's move (its
    error and noun). Sets the status and who decided when, saves nothing, and returns the new
    status, or FIRST_APPROVAL when it waits for the second approver."""
    if obj.status != ClaimStatus.SUBMITTED:
        raise error(f"This {noun} is already {obj.get_status_display().lower()}.")
    note, now = note.strip(), timezone.now()
    if not approve:
        if not note:
            raise error(reason_prompt)
        move(obj, to=ClaimStatus.REJECTED, actor=actor, note=note)
        obj.decided_at, obj.decided_by = now, actor
        return ClaimStatus.REJECTED
    if obj.decided_by_id is None and over_second_approval_limit(amount):
        obj.decided_at, obj.decided_by = now, actor
        obj.events.create(
            actor=actor,
            from_status=obj.status,
            to_status=ClaimStatus.SUBMITTED,
            note=note or "First approval; a second approver is needed.",
        )
        return FIRST_APPROVAL
    if obj.decided_by_id is not None:
        if obj.decided_by_id == actor.pk:
            raise error(f"A second, different person must approve this {noun}.")
        move(obj, to=ClaimStatus.APPROVED, actor=actor, note=note or "Second approval")
        obj.second_approved_at, obj.second_approved_by = now, actor
    else:
        move(obj, to=ClaimStatus.APPROVED, actor=actor, note=note)
        obj.decided_at, obj.decided_by = now, actor
    return ClaimStatus.APPROVED


def lock_approved(queryset, chosen, *, error: type[Exception], nouns: str) -> list:
    """Lock the chosen rows of `queryset` in id order (so two runs cannot deadlock) for one
    payment run: if any is no longer approved, the whole run is refused and nothing is paid."""
    locked = list(
        queryset.select_for_update(of=("self",)).filter(pk__in=[o.pk for o in chosen]).order_by("pk")
    )
    not_ready = [o for o in locked if o.status != ClaimStatus.APPROVED]
    if not_ready:
        raise error(
            f"{len(not_ready)} of the chosen {nouns} are no longer approved; nothing was marked paid."
        )
    return locked
