"""Sending a reminder at most once per kind, object, recipient and period.

The `SentReminder` row is written in the same transaction as the email is sent: if the send
fails the row rolls back and the next sweep tries again; if two sweeps race, the unique
constraint makes the second one skip. Celery runs tasks with late acks, so a worker that
dies mid-run hands the task back and the rows already committed keep it from repeating.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .emails import send_templated_email
from .models import SentReminder, User

# Every reminder kind a person can switch off, with the words they see on their settings page.
# Apps add their kinds here through `register_kind` in their AppConfig.ready().
KINDS: dict[str, str] = {}


def register_kind(kind: str, label: str) -> None:
    KINDS[kind] = label


@dataclass
class Outcome:
    sent: bool
    reason: str = ""


def send_reminder_once(
    *,
    kind: str,
    object_key: str,
    recipient: User,
    period: str = "",
    template: str,
    context: dict,
    dry_run: bool = False,
) -> Outcome:
    """Email `recipient` unless this reminder already went, or they muted the kind."""
    if kind in (recipient.muted_reminders or []):
        return Outcome(False, "muted")
    if not recipient.email or not recipient.is_active:
        return Outcome(False, "no email")
    already = SentReminder.objects.filter(
        kind=kind, object_key=object_key, recipient=recipient, period=period
    )
    if dry_run:
        return Outcome(not already.exists(), "would send" if not already.exists() else "already sent")
    try:
        with transaction.atomic():
            SentReminder.objects.create(kind=kind, object_key=object_key, recipient=recipient, period=period)
            send_templated_email(
                name=template, to=[recipient.email], context={"recipient": recipient, **context}
            )
    except IntegrityError:
        return Outcome(False, "already sent")
    return Outcome(True)


def record_offline_reminder(
    *, kind: str, object_key: str, recipient: User, period: str = "", channel: str
) -> bool:
    """Note that a phone call or letter is due; True the first time only."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                kind=kind, object_key=object_key, recipient=recipient, period=period, channel=channel
            )
    except IntegrityError:
        return False
    return True


# --- Sweeps ----------------------------------------------------------------------------------
# A sweep finds what is due and calls send_reminder_once for each. Apps register theirs in
# AppConfig.ready(); `manage.py send_reminders` and the beat task run them all.
SWEEPS: dict[str, Callable[..., list[str]]] = {}


def register_sweep(name: str, sweep) -> None:
    """`sweep(*, now, dry_run) -> list[str]`: one line per reminder sent (or that would be)."""
    SWEEPS[name] = sweep


def run_sweeps(*, now=None, dry_run: bool = False, only: str | None = None) -> list[str]:
    from django.utils import timezone

    now = now or timezone.now()
    lines = []
    for name, sweep in SWEEPS.items():
        if only and name != only:
            continue
        lines += [f"{name}: {line}" for line in sweep(now=now, dry_run=dry_run)]
    return lines
