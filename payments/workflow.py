"""The claims' workflow for anything paid the same way: a contributor's claim, and (in the
partners app) an organisation's invoice. One transition table, one move, one timeline row.

Callers hold the row lock (`select_for_update`) and have checked the permission first."""

from .models import ALLOWED_TRANSITIONS, ClaimStatus


def move(obj, *, to: str, actor, events, error: type[Exception], noun: str, note: str = "") -> None:
    """Move `obj` to status `to` if the claims' table allows it, appending a row to `events`
    (the object's timeline manager, e.g. `claim.events`); otherwise raise `error`."""
    if to not in ALLOWED_TRANSITIONS.get(obj.status, set()):
        raise error(
            f"{noun} that is {obj.get_status_display().lower()} cannot be {ClaimStatus(to).label.lower()}."
        )
    events.create(actor=actor, from_status=obj.status, to_status=to, note=note)
    obj.status = to
