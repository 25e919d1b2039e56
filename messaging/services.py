"""Every write about messages and calendar feeds.

A message is recorded once (one Message, one Delivery per person under a unique
constraint) and each delivery is sent once: `deliver` moves it from pending to sending with
a conditional UPDATE, so a retried task or a second worker that finds it already claimed
does nothing. A temporary failure hands the claim back for the retry; a permanent one puts
the person on the coordinators' list of letters and calls.
"""

import re
import uuid
from collections import Counter
from datetime import timedelta
from email.utils import parseaddr

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from contributors.models import (
    Contributor,
    ContributorStatus,
    ExpressionOfInterest,
    InterestStatus,
    RoleAssignment,
)
from contributors.services.reaching import add_contact_task
from portal.celery import queue
from portal.emails import send_templated_email
from portal.errors import PortalError
from portal.links import absolute_url
from portal.models import Activity, Participation, ParticipationStatus, Project, User
from portal.services import cancel_activity, record_audit

from . import backends, permissions
from .models import CalendarFeed, Channel, Delivery, DeliveryStatus, Message, Reply, new_token

# A person who turns this off still sees messages in the portal, but gets no email or text.
MESSAGE_KIND = "messaging.message"


class MessagingError(PortalError):
    """A messaging rule was broken. The message is safe to show to the user."""


# --- Who gets it -------------------------------------------------------------------------------

ACTIVITY_FILTERS = {
    "everyone": "Everyone invited or taking part",
    "not_replied": "Invited, not yet replied",
    "confirmed": "Confirmed they are coming",
    "attended": "Attended",
}
SHORTLIST_FILTERS = {
    "selected": "Selected",
    "interested": "Interested, not yet decided",
    "everyone": "Everyone who expressed interest",
}


def activity_audience(activity: Activity, who: str):
    rows = Participation.objects.filter(activity=activity)
    rows = {
        "everyone": rows.exclude(status=ParticipationStatus.DID_NOT_ATTEND),
        "not_replied": rows.filter(status=ParticipationStatus.INVITED),
        "confirmed": rows.filter(status=ParticipationStatus.CONFIRMED),
        "attended": rows.filter(status=ParticipationStatus.ATTENDED),
    }[who]
    return User.objects.filter(pk__in=rows.values("contributor"))


def project_audience(project: Project, who: str):
    """'everyone': current role holders and everyone in its activities; or one role type."""
    roles = RoleAssignment.objects.filter(project=project).current()
    if who != "everyone":
        return User.objects.filter(pk__in=roles.filter(role_type=who).values("contributor"))
    people = Participation.objects.filter(activity__project=project).exclude(
        status=ParticipationStatus.DID_NOT_ATTEND
    )
    return User.objects.filter(pk__in=roles.values("contributor")) | User.objects.filter(
        pk__in=people.values("contributor")
    )


def shortlist_audience(opportunity, who: str):
    rows = ExpressionOfInterest.objects.filter(opportunity=opportunity)
    rows = {
        "selected": rows.filter(status=InterestStatus.SELECTED),
        "interested": rows.filter(status=InterestStatus.INTERESTED),
        "everyone": rows.exclude(status=InterestStatus.WITHDRAWN),
    }[who]
    return User.objects.filter(pk__in=rows.values("contributor"))


def channel_for(user: User, profile: Contributor | None) -> str | None:
    """The person's own channel; None for someone who left or was erased (never messaged)."""
    if not user.is_active:
        return None
    if profile is not None and (profile.erased_at or profile.status == ContributorStatus.LEFT):
        return None
    if MESSAGE_KIND in (user.muted_reminders or []):
        return Channel.PORTAL
    method = profile.contact_method if profile else "email"
    if method == "text" and profile.phone:
        # With no text service set up, a coordinator calls instead (and the preview says so).
        return Channel.TEXT if backends.can_send_texts() else Channel.PHONE
    if method == "phone" and profile.phone:
        return Channel.PHONE
    if method == "email" and user.email:
        return Channel.EMAIL
    if profile is not None and profile.address:
        return Channel.POST
    if profile is not None and profile.phone:
        return Channel.PHONE
    return Channel.EMAIL if user.email else Channel.PORTAL


def plan(recipients) -> list[tuple[User, str]]:
    """(person, channel) for everyone who will get it, in name order."""
    people = recipients.distinct().order_by("name")
    profiles = {c.user_id: c for c in Contributor.objects.filter(user__in=people)}
    out = []
    for person in people:
        channel = channel_for(person, profiles.get(person.pk))
        if channel is not None:
            out.append((person, channel))
    return out


def preview(recipients) -> dict:
    """How many get it, by which channel: what the coordinator sees before sending."""
    planned = plan(recipients)
    counts = Counter(channel for _, channel in planned)
    return {
        "total": len(planned),
        "by_channel": [(Channel(c).label, counts[c]) for c in Channel.values if counts[c]],
        "people": planned,
    }


# --- Sending -----------------------------------------------------------------------------------


@transaction.atomic
def send_message(
    *, actor: User, project: Project, audience: str, subject: str, body: str, recipients, activity=None
) -> Message:
    """Record the message and one delivery per person; the sending happens after commit."""
    if not permissions.can_message_project(actor, project):
        raise PermissionDenied
    planned = plan(recipients)
    if not planned:
        raise MessagingError("Nobody would get this message. Choose other people.")
    message = Message.objects.create(
        sender=actor, project=project, activity=activity, audience=audience[:200], subject=subject, body=body
    )
    Delivery.objects.bulk_create(
        Delivery(message=message, recipient=person, channel=channel) for person, channel in planned
    )
    counts = Counter(channel for _, channel in planned)
    record_audit(actor=actor, action="message.sent", target=message, audience=audience, channels=dict(counts))
    transaction.on_commit(lambda: _queue(message.pk))
    return message


def _queue(message_id: int) -> None:
    from . import tasks

    queue(tasks.deliver_message, message_id)  # if not, its deliveries stay pending for the sweep


def _portal_link(delivery: Delivery) -> str:
    return absolute_url(reverse("messaging:message_detail", args=[delivery.public_id]))


def letter_text(delivery: Delivery) -> str:
    message, person = delivery.message, delivery.recipient
    return (
        f"Dear {person.short_name or person.name},\n\n{message.body}\n\n"
        f"From {message.sender}, {settings.PORTAL_ORGANISATION_NAME}.\n"
        f"To reply, call {settings.PORTAL_CONTACT_PHONE} or write back to us."
    )


def _via_notify(delivery: Delivery) -> bool:
    channel = delivery.channel
    return (
        (channel == Channel.EMAIL and backends.email_via_notify())
        or (channel == Channel.TEXT and backends.can_send_texts())
        or (channel == Channel.POST and backends.letters_via_notify())
    )


def _send_by_channel(delivery: Delivery) -> str:
    """Send one delivery; return the provider's id (blank when there is none)."""
    message, person = delivery.message, delivery.recipient
    reference = str(delivery.public_id)
    # Tried before (a temporary failure, or a worker that stopped part way): Notify may already
    # have it, under its reference. Then it is marked sent, not sent again.
    if delivery.attempts > 1 and _via_notify(delivery) and (provider_id := backends.already_sent(reference)):
        return provider_id
    if delivery.channel == Channel.EMAIL:
        link = _portal_link(delivery)
        if backends.email_via_notify():
            body = f"{message.body}\n\nRead and reply in the portal: {link}"
            return backends.send_email(
                email=person.email, subject=message.subject, body=body, reference=reference
            )
        send_templated_email(
            name="messaging_message",
            to=[person.email],
            context={
                "recipient": person,
                "message": message,
                "url": link,
                "can_reply_by_email": bool(reply_address(delivery)),
            },
            reply_to=[address] if (address := reply_address(delivery)) else None,
        )
        return ""
    if delivery.channel == Channel.TEXT:
        if not backends.can_send_texts():
            raise backends.PermanentFailure("No text-message service is set up")
        how = (
            "Reply to this text, or in the portal"
            if settings.PORTAL_MESSAGING_TEXT_REPLIES
            else "Reply in the portal"
        )
        text = f"{message.subject}: {message.body}\n\n{how}: {_portal_link(delivery)}"
        return backends.send_text(phone=person.contributor.phone, body=text, reference=reference)
    if delivery.channel == Channel.POST and backends.letters_via_notify():
        profile = person.contributor
        return backends.send_letter(
            name=person.name,
            address=profile.address,
            postcode=profile.postcode,
            subject=message.subject,
            body=letter_text(delivery),
            reference=reference,
        )
    if delivery.channel in (Channel.POST, Channel.PHONE):
        body = (
            letter_text(delivery)
            if delivery.channel == Channel.POST
            else f"Call {person} and tell them:\n\n{message.body}"
        )
        add_contact_task(
            user=person,
            channel=delivery.channel,
            subject=message.subject,
            body=body,
            letter=f"{message.body}\n\nFrom {message.sender}.",
        )
    return ""


def deliver(*, delivery_id: int) -> str:
    """Send one delivery if nobody has yet. Returns what happened."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return "already claimed"
    delivery = Delivery.objects.select_related(
        "message__sender", "message__project", "recipient__contributor"
    ).get(pk=delivery_id)
    try:
        # A letter or call task and the 'sent' mark commit together.
        with transaction.atomic():
            provider_id = _send_by_channel(delivery)
            Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.SENT, provider_id=provider_id, sent_at=timezone.now(), error=""
            )
    except backends.PermanentFailure as error:
        fail_delivery(delivery_id=delivery_id, reason=str(error))
        return "failed"
    except Exception as error:
        # Temporary: hand the claim back so the retry can take it.
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, error=str(error)[:300]
        )
        raise
    return "sent"


@transaction.atomic
def fail_delivery(*, delivery_id: int, reason: str) -> Delivery | None:
    """Mark it failed (once) and put the person on the coordinators' list to reach another way."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message", "recipient__contributor")
        .filter(pk=delivery_id)
        .exclude(status=DeliveryStatus.FAILED)
        .first()
    )
    if delivery is None:
        return None
    delivery.status, delivery.error = DeliveryStatus.FAILED, reason[:300]
    delivery.save(update_fields=["status", "error"])
    person, message = delivery.recipient, delivery.message
    profile = getattr(person, "contributor", None)
    channel = "phone" if profile is not None and profile.phone else "post"
    add_contact_task(
        user=person,
        channel=channel,
        subject=f"Not delivered: {message.subject}",
        body=(
            f"The {delivery.get_channel_display().lower()} to {person} could not be delivered "
            f"({reason}). Please reach them another way and check their contact details.\n\n"
            f"The message:\n{message.body}"
        ),
        letter=f"{message.body}\n\nFrom {message.sender}.",
    )
    record_audit(
        actor=None,
        action="message.delivery_failed",
        target=message,
        recipient=str(person.public_id),
        reason=reason[:300],
    )
    return delivery


# A delivery sent this many times without being marked sent is not tried again: each try may
# have reached the person before its worker stopped, so it goes to the coordinators instead.
SWEEP_MAX_ATTEMPTS = 3


def sweep_deliveries(*, older_than_minutes: int = 15) -> dict[str, int]:
    """Hand on what nothing is sending: deliveries still pending a while after their message
    (the broker was down, or lost the task) and deliveries still "sending" long after a worker
    took them (it stopped mid-send). Sending again may repeat a message the person already has;
    losing it is worse, but after SWEEP_MAX_ATTEMPTS it goes on the list of letters and calls.
    Queuing twice is harmless: `deliver` sends only what it claims."""
    from . import tasks

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    stalled = Delivery.objects.filter(status=DeliveryStatus.SENDING).filter(
        Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, message__created_at__lt=cutoff)
    )
    given_up = list(stalled.filter(attempts__gte=SWEEP_MAX_ATTEMPTS).values_list("pk", flat=True))
    for pk in given_up:
        fail_delivery(
            delivery_id=pk, reason="sending stopped part way too many times; it may or may not have arrived"
        )
    # Conditional, like the claim: a worker that marks it sent meanwhile keeps it sent.
    retried = stalled.filter(attempts__lt=SWEEP_MAX_ATTEMPTS).update(
        status=DeliveryStatus.PENDING, error="sending stopped part way; tried again"
    )
    pending = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, message__created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for pk in pending:
        if not queue(tasks.deliver_delivery, pk):
            break  # the broker is down: the next sweep tries again
    if given_up or retried:
        record_audit(
            actor=None,
            action="message.deliveries_swept",
            target=None,
            retried=retried,
            given_up=len(given_up),
        )
    return {"queued": len(pending), "retried": retried, "given_up": len(given_up)}


NOTIFY_FAILURES = {"permanent-failure", "temporary-failure", "technical-failure", "validation-failed"}


def record_provider_status(*, provider_id: str, status: str) -> str:
    """A Notify delivery-status callback. Repeats change nothing."""
    if status == "delivered":
        updated = Delivery.objects.filter(provider_id=provider_id, status=DeliveryStatus.SENT).update(
            status=DeliveryStatus.DELIVERED
        )
        return "delivered" if updated else "ignored"
    if status in NOTIFY_FAILURES:
        delivery = Delivery.objects.filter(provider_id=provider_id).only("pk").first()
        if delivery and fail_delivery(delivery_id=delivery.pk, reason=f"Notify: {status.replace('-', ' ')}"):
            return "failed"
    return "ignored"


def text_reminder(*, recipient: User, body: str, reference: str) -> None:
    """The text sender `portal.reminders` uses. An invalid number goes on the list of calls
    instead of failing every sweep."""
    profile = Contributor.objects.profile_of(recipient)
    if profile is None or not profile.phone:
        raise backends.TemporaryFailure("no phone number")
    try:
        backends.send_text(phone=profile.phone, body=body, reference=reference[:100])
    except backends.PermanentFailure as error:
        add_contact_task(
            user=recipient,
            channel="phone",
            subject="Text reminder not delivered",
            body=f"A text to {recipient} could not be sent ({error}). Please call them:\n\n{body}",
            letter=body,
        )


# --- The person's side -------------------------------------------------------------------------


def mark_read(*, user: User, delivery: Delivery) -> None:
    if delivery.recipient_id == user.pk and delivery.read_at is None:
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def reply(*, actor: User, delivery: Delivery, body: str) -> Reply:
    if not permissions.can_reply(actor, delivery):
        raise PermissionDenied
    if not body.strip():
        raise MessagingError("Enter your reply")
    answer = Reply.objects.create(delivery=delivery, author=actor, body=body.strip())
    record_audit(actor=actor, action="message.replied", target=delivery.message)
    return answer


REPLY_ADDRESS = re.compile(r"reply\+([0-9a-f]{32})@", re.IGNORECASE)
# Where a mail client's quote of the original begins.
QUOTE_START = re.compile(r"^(>|On .+ wrote:$|-----Original Message-----|From: )", re.MULTILINE)


def reply_address(delivery: Delivery) -> str:
    domain = settings.PORTAL_MESSAGING_REPLY_DOMAIN
    return f"reply+{delivery.public_id.hex}@{domain}" if domain else ""


def reply_from_email(*, to: str, sender: str, text: str) -> Reply | None:
    """An emailed reply, posted by the inbound mail service. Only the person the message went
    to can reply to it, from the address it went to; the quoted original is left off."""
    match = REPLY_ADDRESS.search(to or "")
    if not match:
        return None
    delivery = (
        Delivery.objects.select_related("recipient").filter(public_id=uuid.UUID(match.group(1))).first()
    )
    from_address = parseaddr(sender or "")[1].lower()
    if delivery is None or not delivery.recipient.email or delivery.recipient.email.lower() != from_address:
        return None
    body = QUOTE_START.split(text or "", maxsplit=1)[0].strip()
    if not body:
        return None
    return reply(actor=delivery.recipient, delivery=delivery, body=body)


# A text back is taken as a reply to the last text the number was sent within this long.
TEXT_REPLY_WINDOW_DAYS = 30


def reply_from_text(*, source_number: str, text: str) -> Reply | None:
    """A text someone sent back, posted by Notify's received-text callback. Texts carry no
    thread, so it answers the newest message that went to that number by text in the last
    TEXT_REPLY_WINDOW_DAYS days; a number two people share (a carer's) answers the newer of
    their messages. Texts from other numbers, or long after, are dropped."""
    if not settings.PORTAL_MESSAGING_TEXT_REPLIES or not (text or "").strip():
        return None
    digits = re.sub(r"[^0-9+]", "", source_number or "")
    try:
        # Notify gives "447700912345": international, without the plus.
        number = phonenumbers.parse(digits if digits.startswith(("+", "0")) else f"+{digits}", "GB")
    except phonenumbers.NumberParseException:
        return None
    phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    since = timezone.now() - timedelta(days=TEXT_REPLY_WINDOW_DAYS)
    delivery = (
        Delivery.objects.select_related("recipient")
        .filter(channel=Channel.TEXT, recipient__contributor__phone=phone, message__created_at__gte=since)
        .exclude(status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED))
        .order_by("-message__created_at", "-pk")
        .first()
    )
    if delivery is None or not permissions.can_reply(delivery.recipient, delivery):
        return None
    return reply(actor=delivery.recipient, delivery=delivery, body=text.strip())


def mark_replies_read(*, user: User, message: Message) -> None:
    if message.sender_id == user.pk:
        Reply.objects.filter(delivery__message=message, read_at__isnull=True).update(read_at=timezone.now())


# --- Calendars ---------------------------------------------------------------------------------


def feed_for(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def reset_feed(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = feed_for(user=user)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.token = new_token()
    feed.save(update_fields=["token"])
    record_audit(actor=user, action="calendar.feed_reset", target=user)
    return feed


@transaction.atomic
def cancel_and_tell(*, actor: User, activity: Activity, body: str = "") -> Activity:
    """Cancel the activity and, if there are words for them, tell everyone taking part."""
    activity = cancel_activity(actor=actor, activity=activity)
    recipients = activity_audience(activity, "everyone")
    if body.strip() and recipients.exists():
        send_message(
            actor=actor,
            project=activity.project,
            activity=activity,
            audience=f"{activity.title}: {ACTIVITY_FILTERS['everyone']}",
            subject=f"Cancelled: {activity.title}",
            body=body.strip(),
            recipients=recipients,
        )
    return activity
