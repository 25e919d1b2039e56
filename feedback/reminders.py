"""The feedback reminder sweep, run hourly by `portal.tasks.send_reminders`.

Feedback reminders are grouped per activity, owner and due date, so a coordinator who owes
feedback to eight people gets one email, not eight. Each goes at most once
(`portal.reminders.send_reminder_once`).
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contributors.models import Contributor
from contributors.services.reaching import add_contact_task
from portal.links import base_url
from portal.models import (
    Activity,
    Participation,
    ParticipationStatus,
    Project,
    Role,
    SentReminder,
    User,
)
from portal.reminders import (
    LEAD_DAYS,
    lead_days_for,
    record_offline_reminder,
    send_reminder_once,
    send_text_once,
)

from .models import FeedbackOwed
from .services import channel_from, contact_channel, details_from

DUE_SOON = "feedback_due_soon"
OVERDUE = "feedback_overdue"
OVERDUE_TO_MANAGER = "feedback_overdue_manager"
ACTIVITY_TOMORROW = "feedback_activity_tomorrow"

KIND_LABELS = {
    DUE_SOON: "Feedback you owe is due within a week",
    OVERDUE: "Feedback you owe is overdue",
    OVERDUE_TO_MANAGER: "Feedback in the organisation is long overdue (managers)",
    ACTIVITY_TOMORROW: "An activity you are taking part in is coming up",
}


def _base_url() -> str:
    return base_url()


def _groups(rows) -> list[dict]:
    """Obligations grouped by activity, owner and due date."""
    groups: dict[tuple, dict] = {}
    for owed in rows.select_related("participation__activity__project", "owner"):
        activity = owed.participation.activity
        key = (activity.pk, owed.owner_id, owed.due_on)
        group = groups.setdefault(
            key, {"activity": activity, "owner": owed.owner, "due_on": owed.due_on, "people": 0}
        )
        group["people"] += 1
    return sorted(groups.values(), key=lambda g: (g["due_on"], g["activity"].starts_at))


def _context(group: dict, today: date) -> dict:
    activity = group["activity"]
    return {
        **group,
        "days_overdue": (today - group["due_on"]).days,
        "url": _base_url() + reverse("feedback:activity_feedback_write", args=[activity.public_id]),
    }


def _line(label: str, recipient: User, group: dict) -> str:
    return (
        f"{label} to {recipient} <{recipient.email}>: {group['activity'].title}, "
        f"{group['people']} {'person' if group['people'] == 1 else 'people'}, "
        f"due {group['due_on']:%d %b %Y}"
    )


def _send_groups(rows, *, kind, label, template, recipients, today, dry_run) -> list[str]:
    lines = []
    for group in _groups(rows):
        for recipient in recipients(group):
            outcome = send_reminder_once(
                kind=kind,
                object_key=f"activity:{group['activity'].public_id}",
                recipient=recipient,
                period=group["due_on"].isoformat(),
                template=template,
                context=_context(group, today),
                dry_run=dry_run,
            )
            if outcome.sent:
                lines.append(_line(label, recipient, group))
    return lines


def _activity_soon(today: date, dry_run: bool) -> list[str]:
    """Remind each person of an activity as many days ahead as they chose (a week and/or the
    day before), by their channel: email, text, or a call or letter on the coordinators' list."""
    choices, _default = LEAD_DAYS.get(ACTIVITY_TOMORROW, ((1,), (1,)))
    tz = timezone.get_current_timezone()
    lines = []
    for lead in choices:
        day = today + timedelta(days=lead)
        start = timezone.make_aware(datetime.combine(day, time.min), tz)
        participations = (
            Participation.objects.filter(
                activity__starts_at__gte=start,
                activity__starts_at__lt=start + timedelta(days=1),
                activity__cancelled_at__isnull=True,
                status__in=[ParticipationStatus.INVITED, ParticipationStatus.CONFIRMED],
            )
            .select_related("activity__project", "activity__coordinator", "contributor")
            .order_by("activity__starts_at", "contributor__name")
        )
        for p in participations:
            if lead in lead_days_for(p.contributor, ACTIVITY_TOMORROW):
                lines += _remind_of_activity(p, lead=lead, day=day, dry_run=dry_run)
    return lines


def _when_words(lead: int) -> str:
    return "tomorrow" if lead == 1 else f"in {lead} days"


def _remind_of_activity(p: Participation, *, lead: int, day: date, dry_run: bool) -> list[str]:
    person, activity = p.contributor, p.activity
    object_key = f"participation:{p.public_id}"
    # The day-before reminder keeps the period it always had, so none already sent repeats.
    period = day.isoformat() if lead == 1 else f"{day.isoformat()}-{lead}d"
    channel = contact_channel(person)
    starts = timezone.localtime(activity.starts_at)
    where = f"{activity.title}, {starts:%d %b %Y %H:%M}"
    place = activity.location or activity.get_mode_display().lower()
    coordinator = activity.coordinator
    contact = coordinator.email or settings.PORTAL_CONTACT_PHONE
    if channel == "email":
        outcome = send_reminder_once(
            kind=ACTIVITY_TOMORROW,
            object_key=object_key,
            recipient=person,
            period=period,
            template="feedback_activity_tomorrow",
            context={
                "activity": activity,
                "participation": p,
                "lead": lead,
                "when_words": _when_words(lead),
                "contact": contact,
                "url": _base_url() + reverse("portal:activity_detail", args=[activity.public_id]),
            },
            dry_run=dry_run,
        )
        return [f"activity {_when_words(lead)} to {person} <{person.email}>: {where}"] if outcome.sent else []
    if channel == "text":
        # Texts are short: date, time, place or link, who to ask.
        body = (
            f"Reminder: {activity.title} is {_when_words(lead)}, {starts:%a %d %b at %H:%M}. "
            f"Where: {place}. Questions: {coordinator} {contact}"
        )
        outcome = send_text_once(
            kind=ACTIVITY_TOMORROW,
            object_key=object_key,
            recipient=person,
            period=period,
            body=body,
            dry_run=dry_run,
        )
        if outcome.sent or outcome.reason in ("muted", "already sent", "text failed"):
            return [f"activity {_when_words(lead)} by text to {person}: {where}"] if outcome.sent else []
        channel = "phone"  # nothing can send texts here: a coordinator calls instead
    if dry_run:
        noted = SentReminder.objects.filter(
            kind=ACTIVITY_TOMORROW, object_key=object_key, recipient=person, period=period
        ).exists()
    else:
        # The note and the call or letter on the coordinators' list go together or not at all.
        with transaction.atomic():
            noted = not record_offline_reminder(
                kind=ACTIVITY_TOMORROW,
                object_key=object_key,
                recipient=person,
                period=period,
                channel=channel,
            )
            if not noted:
                prepare = f" To prepare: {activity.description}" if activity.description else ""
                add_contact_task(
                    user=person,
                    channel=channel,
                    subject=f"{_when_words(lead).capitalize()}: {activity.title}",
                    body=(
                        f"Remind {person} that {where} is {_when_words(lead)} ({place}).{prepare} "
                        f"Questions to {coordinator} ({contact})."
                    ),
                    letter=(
                        f"This is a reminder that {where} is {_when_words(lead)} ({place}).{prepare} "
                        f"If you have any questions, please contact {coordinator} ({contact})."
                    ),
                )
    if noted:
        return []
    return [
        f"activity {_when_words(lead)}: {person} added to {activity.coordinator}'s list to "
        f"{'phone' if channel == 'phone' else 'write to'}: {where}"
    ]


def sweep(*, now: datetime, dry_run: bool = False) -> list[str]:
    """Feedback due soon and overdue (owner, then managers), and tomorrow's activities."""
    today = timezone.localdate(now)
    due = FeedbackOwed.objects.due()
    soon = today + timedelta(days=settings.PORTAL_FEEDBACK_DUE_SOON_DAYS)
    escalate_before = today - timedelta(days=1 + settings.PORTAL_FEEDBACK_ESCALATE_AFTER_DAYS)
    managers = list(User.objects.with_role(Role.MANAGER).order_by("name"))
    lines = _send_groups(
        due.filter(due_on__gte=today, due_on__lte=soon),
        kind=DUE_SOON,
        label="feedback due soon",
        template="feedback_due_soon",
        recipients=lambda g: [g["owner"]],
        today=today,
        dry_run=dry_run,
    )
    lines += _send_groups(
        due.filter(due_on__lt=today),
        kind=OVERDUE,
        label="feedback overdue",
        template="feedback_overdue",
        recipients=lambda g: [g["owner"]],
        today=today,
        dry_run=dry_run,
    )
    lines += _send_groups(
        due.filter(due_on__lte=escalate_before),
        kind=OVERDUE_TO_MANAGER,
        label="feedback long overdue",
        template="feedback_overdue_manager",
        recipients=lambda g: managers,
        today=today,
        dry_run=dry_run,
    )
    lines += _activity_soon(today, dry_run)
    return lines


def offline_contacts(user: User, *, today: date | None = None) -> list[dict]:
    """People reached by phone or post taking part in the user's activities in the next 7 days."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(today, time.min), tz)
    activities = Activity.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=8))
    activities = activities.filter(project__in=Project.objects.managed_by(user))
    participations = (
        Participation.objects.filter(
            activity__in=activities,
            status__in=[ParticipationStatus.INVITED, ParticipationStatus.CONFIRMED],
        )
        .select_related("activity__project", "contributor")
        .order_by("activity__starts_at", "contributor__name")
    )
    participations = list(participations)
    # One query each for the profiles and the reminders already listed, not one per person.
    profiles = {
        c.user_id: c for c in Contributor.objects.filter(user__in={p.contributor_id for p in participations})
    }
    keys = {f"participation:{p.public_id}": p for p in participations}
    noted = {}
    for sent in SentReminder.objects.filter(kind=ACTIVITY_TOMORROW, object_key__in=keys).order_by("pk"):
        if keys[sent.object_key].contributor_id == sent.recipient_id:
            noted.setdefault(sent.object_key, sent)
    out = []
    for p in participations:
        profile = profiles.get(p.contributor_id)
        channel = channel_from(p.contributor, profile)
        if channel == "email":
            continue
        out.append(
            {
                "participation": p,
                "channel": channel,
                "noted": noted.get(f"participation:{p.public_id}"),
                "details": details_from(profile),
            }
        )
    return out
