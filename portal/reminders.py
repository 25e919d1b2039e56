"""Sending a reminder at most once per kind, object, recipient and period.

The `SentReminder` row is written in the same transaction as the email is sent: if the send
fails the row rolls back and the next sweep tries again; if two sweeps race, the unique
constraint makes the second one skip. Celery runs tasks with late acks, so a worker that
dies mid-run hands the task back and the rows already committed keep it from repeating.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .emails import send_templated_email
from .models import SentReminder, User

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    sent: bool
    reason: str = ""


# Every reminder kind a person can switch off, with the words they see on their settings page.
# Apps add their kinds here through `register_kind` in their AppConfig.ready().
KINDS: dict[str, str] = {}


# Kinds that are about something coming up have a lead time a person chooses: the choices
# (days before) and the default.
LEAD_DAYS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
LEAD_LABELS = {7: "A week before", 1: "The day before"}


def register_kind(
    kind: str, label: str, *, lead_days: tuple[int, ...] = (), default_lead_days: tuple[int, ...] = ()
) -> None:
    KINDS[kind] = label
    if lead_days:
        LEAD_DAYS[kind] = (tuple(lead_days), tuple(default_lead_days or lead_days[-1:]))


def lead_days_for(user: User, kind: str) -> list[int]:
    """The days ahead this person wants `kind` (their choice, else the kind's default)."""
    choices, default = LEAD_DAYS.get(kind, ((), ()))
    chosen = (user.reminder_lead_days or {}).get(kind)
    return [d for d in (default if chosen is None else chosen) if d in choices]


# Apps that can send text messages register a sender here:
# `sender(*, recipient, body, reference) -> None`, raising to make the caller roll back.
# `available() -> bool` says whether texts can go now (a text service is configured).
TEXT_SENDERS: list[tuple[Callable, Callable[[], bool]]] = []


def register_text_sender(sender: Callable, *, available: Callable[[], bool] = lambda: True) -> None:
    TEXT_SENDERS[:] = [(sender, available)]


def send_text_once(
    *, kind: str, object_key: str, recipient: User, period: str = "", body: str, dry_run: bool = False
) -> Outcome:
    """Text `recipient` once, under the same at-most-once row as an emailed reminder."""
    if kind in (recipient.muted_reminders or []):
        return Outcome(False, "muted")
    if not TEXT_SENDERS or not TEXT_SENDERS[0][1]():
        return Outcome(False, "no text sender")
    already = SentReminder.objects.filter(
        kind=kind, object_key=object_key, recipient=recipient, period=period
    )
    if dry_run:
        return Outcome(not already.exists(), "would send" if not already.exists() else "already sent")
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                kind=kind, object_key=object_key, recipient=recipient, period=period, channel="text"
            )
            TEXT_SENDERS[0][0](recipient=recipient, body=body, reference=f"{kind}:{object_key}:{period}")
    except IntegrityError:
        return Outcome(False, "already sent")
    except Exception as error:  # a rate limit or outage: the row rolled back, the next sweep retries
        logger.warning("Text reminder %s to user %s not sent: %s", kind, recipient.pk, error)
        return Outcome(False, "text failed")
    return Outcome(True)


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
