"""Every write to feedback with a business meaning, each audited, each one transaction."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from contributors.models import RoleAssignment
from portal.emails import send_templated_email
from portal.errors import PortalError
from portal.links import absolute_reverse
from portal.models import Activity, Participation, ParticipationStatus, User
from portal.services import record_audit

from . import permissions
from .models import (
    ActivityFeedback,
    FeedbackItem,
    FeedbackMessage,
    FeedbackOwed,
    FeedbackOwedStatus,
    WhyNotReason,
)


class FeedbackError(PortalError):
    """A feedback rule was broken. The message is safe to show to the user."""


# --- How to reach someone --------------------------------------------------------------------


def contact_channel(user: User) -> str:
    """ "email", "phone" or "post". No profile means email; no email address means post."""
    from contributors.models import Contributor

    return channel_from(user, Contributor.objects.profile_of(user))


def channel_from(user: User, profile) -> str:
    """contact_channel for a profile already fetched (lists fetch them all in one query)."""
    method = profile.contact_method if profile else "email"
    if method == "email" and not user.email:
        return "post"
    return method


def written_channel(user: User) -> str:
    """For something long (feedback): a person who chose texts gets it by email if they have
    an address, else by post; texts carry only short reminders."""
    channel = contact_channel(user)
    if channel == "text":
        return "email" if user.email else "post"
    return channel


def contact_details(user: User) -> dict:
    """Phone and postal address for letters and calls (blank when there is no profile)."""
    from contributors.models import Contributor

    return details_from(Contributor.objects.profile_of(user))


def details_from(profile) -> dict:
    if profile is None:
        return {"phone": "", "address": "", "postcode": ""}
    return {"phone": profile.phone, "address": profile.address, "postcode": profile.postcode}


# --- Feedback owed ---------------------------------------------------------------------------


def due_days_for(participation: Participation) -> int:
    """The feedback period agreed in the person's role agreement on the project, or the default."""
    activity = participation.activity
    on = activity.occurs_on
    days = (
        RoleAssignment.objects.filter(
            contributor_id=participation.contributor_id,
            project_id=activity.project_id,
            feedback_due_days__isnull=False,
            starts_on__lte=on,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("-starts_on")
        .values_list("feedback_due_days", flat=True)
        .first()
    )
    return settings.PORTAL_FEEDBACK_DUE_DAYS if days is None else days


def due_on_for(participation: Participation) -> date:
    return participation.activity.occurs_on + timedelta(days=due_days_for(participation))


@transaction.atomic
def record_feedback_owed(*, participation: Participation, actor: User | None = None) -> FeedbackOwed:
    """Note that feedback is owed to someone who attended; exactly once, however often we're told."""
    existing = FeedbackOwed.objects.filter(participation=participation).first()
    if existing is not None:
        return existing
    participation = Participation.objects.select_related("activity__project").get(pk=participation.pk)
    try:
        # A savepoint: if a concurrent call won the race, the unique constraint stops us and
        # we return theirs instead of failing the caller's transaction.
        with transaction.atomic():
            owed = FeedbackOwed.objects.create(
                participation=participation,
                owner_id=participation.activity.coordinator_id,
                due_on=due_on_for(participation),
            )
    except IntegrityError:
        return FeedbackOwed.objects.get(participation=participation)
    record_audit(
        actor=actor,
        action="feedback.owed",
        target=owed,
        due_on=owed.due_on.isoformat(),
        participation=str(participation.public_id),
    )
    return owed


@transaction.atomic
def withdraw_feedback_owed(*, participation: Participation, actor: User | None = None) -> bool:
    """Attendance was corrected to "did not attend": an un-given obligation goes away.

    Feedback already given stays: it was sent and cannot be taken back, and it still counts
    in compliance figures. Returns True when an obligation was removed.
    """
    owed = (
        FeedbackOwed.objects.select_for_update()
        .filter(participation=participation, status=FeedbackOwedStatus.DUE)
        .first()
    )
    if owed is None:
        return False
    record_audit(
        actor=actor,
        action="feedback.owed_withdrawn",
        target=owed,
        due_on=owed.due_on.isoformat(),
        participation=str(participation.public_id),
    )
    owed.delete()
    return True


def on_participation_changed(sender, participation, old_status, actor=None, **kwargs) -> None:
    """portal.signals.participation_changed: attended means feedback is owed."""
    if participation.status == ParticipationStatus.ATTENDED:
        record_feedback_owed(participation=participation, actor=actor)
    elif old_status == ParticipationStatus.ATTENDED:
        withdraw_feedback_owed(participation=participation, actor=actor)


# --- Writing and sending feedback ------------------------------------------------------------


def _check_items(items: list[dict]) -> list[dict]:
    cleaned = []
    for item in items:
        you_said = (item.get("you_said") or "").strip()
        if not you_said:
            continue
        changed = bool(item.get("changed"))
        we_did = (item.get("we_did") or "").strip()
        reason = item.get("why_not_reason") or ""
        why_not_text = (item.get("why_not_text") or "").strip()
        if changed and not we_did:
            raise FeedbackError(f"Say what you did about “{you_said[:40]}”.")
        if not changed:
            if reason not in WhyNotReason.values:
                raise FeedbackError(f"Choose why “{you_said[:40]}” did not change anything.")
            if reason == WhyNotReason.OTHER and not why_not_text:
                raise FeedbackError(f"Explain in words why not for “{you_said[:40]}”.")
        cleaned.append(
            {
                "you_said": you_said,
                "changed": changed,
                "we_did": we_did if changed else "",
                "why_not_reason": "" if changed else reason,
                "why_not_text": "" if changed else why_not_text,
            }
        )
    return cleaned


@transaction.atomic
def save_activity_feedback(
    *,
    actor: User,
    activity: Activity,
    thank_you_text: str,
    outcome_text: str = "",
    next_steps_text: str = "",
    items: list[dict],
    personal_notes: dict[int, str] | None = None,
) -> ActivityFeedback:
    """Write (or rewrite, until it is sent) the one feedback for an activity."""
    activity = Activity.objects.select_for_update(of=("self",)).select_related("project").get(pk=activity.pk)
    if not permissions.can_give_feedback(actor, activity):
        raise PermissionDenied
    if not thank_you_text.strip():
        raise FeedbackError("Say thank you and what you received.")
    cleaned = _check_items(items)
    feedback = ActivityFeedback.objects.filter(activity=activity).first()
    if feedback is not None and feedback.is_sent:
        raise FeedbackError("This feedback has been sent and can no longer be changed.")
    if feedback is None:
        feedback = ActivityFeedback(activity=activity, written_by=actor)
    feedback.thank_you_text = thank_you_text.strip()
    feedback.outcome_text = outcome_text.strip()
    feedback.next_steps_text = next_steps_text.strip()
    feedback.written_by = actor
    feedback.save()
    feedback.items.all().delete()
    FeedbackItem.objects.bulk_create(
        FeedbackItem(feedback=feedback, position=n, **item) for n, item in enumerate(cleaned)
    )
    for owed in FeedbackOwed.objects.select_for_update().filter(
        participation__activity=activity, status=FeedbackOwedStatus.DUE
    ):
        note = (personal_notes or {}).get(owed.pk)
        if note is not None and note.strip() != owed.personal_note:
            owed.personal_note = note.strip()
            owed.save(update_fields=["personal_note", "updated_at"])
    record_audit(actor=actor, action="feedback.saved", target=feedback, items=len(cleaned))
    return feedback


@transaction.atomic
def send_activity_feedback(*, actor: User, feedback: ActivityFeedback) -> list[FeedbackOwed]:
    """Give the feedback to everyone who took part and has not had it yet; email those online."""
    feedback = (
        ActivityFeedback.objects.select_for_update().select_related("activity__project").get(pk=feedback.pk)
    )
    if not permissions.can_give_feedback(actor, feedback.activity):
        raise PermissionDenied
    if not feedback.items.exists():
        raise FeedbackError("Add at least one thing people said, and what you did or why not.")
    owed_rows = list(
        FeedbackOwed.objects.select_for_update(of=("self",))
        .filter(participation__activity=feedback.activity, status=FeedbackOwedStatus.DUE)
        .select_related("participation__contributor")
    )
    if not owed_rows:
        raise FeedbackError("Everyone who took part has had this feedback already.")
    now = timezone.now()
    if feedback.sent_at is None:
        feedback.sent_at = now
        feedback.save(update_fields=["sent_at", "updated_at"])
    for owed in owed_rows:
        owed.status = FeedbackOwedStatus.GIVEN
        owed.given_at = now
        owed.feedback = feedback
        owed.save(update_fields=["status", "given_at", "feedback", "updated_at"])
        record_audit(
            actor=actor,
            action="feedback.given",
            target=owed,
            on_time=owed.was_on_time,
            due_on=owed.due_on.isoformat(),
        )
    record_audit(actor=actor, action="feedback.sent", target=feedback, recipients=len(owed_rows))
    for owed in owed_rows:
        if written_channel(owed.participation.contributor) != "email":
            _queue_letter(owed, feedback)
    ids = [owed.pk for owed in owed_rows]
    transaction.on_commit(lambda: email_feedback_given(owed_ids=ids))
    return owed_rows


def _feedback_email_context(owed: FeedbackOwed, feedback: ActivityFeedback) -> dict:
    return {
        "owed": owed,
        "feedback": feedback,
        "items": list(feedback.items.all()),
        "activity": feedback.activity,
        "url": _absolute("feedback:owed_detail", owed.public_id),
    }


def _queue_letter(owed: FeedbackOwed, feedback: ActivityFeedback) -> None:
    """Someone reached by post or phone: a task on the coordinators' "letters to send and
    calls to make" list (through the contributors app), with the letter to print."""
    from contributors.services.reaching import notify

    person = owed.participation.contributor
    letter = _absolute("feedback:owed_letter", owed.public_id)
    notify(
        user=person,
        template="feedback_given",
        subject=f"Feedback on {feedback.activity.title}",
        body=(
            f"Send {person.name} the feedback on {feedback.activity.title}, or read it to them. "
            f"Print the letter: {letter}"
        ),
        letter=render_to_string(
            "letters/feedback_given.txt", _feedback_email_context(owed, feedback)
        ).strip(),
        context=_feedback_email_context(owed, feedback),
    )


def email_feedback_given(*, owed_ids: list[int]) -> int:
    """Email the feedback to each recipient reached by email (others: see `_queue_letter`)."""
    sent = 0
    rows = FeedbackOwed.objects.filter(pk__in=owed_ids).select_related(
        "participation__contributor", "participation__activity__project", "feedback", "owner"
    )
    for owed in rows:
        person = owed.participation.contributor
        if written_channel(person) != "email":
            continue
        send_templated_email(
            name="feedback_given",
            to=[person.email],
            context={"recipient": person, **_feedback_email_context(owed, owed.feedback)},
        )
        sent += 1
    return sent


def _absolute(url_name: str, public_id) -> str:
    return absolute_reverse(url_name, public_id=public_id)


# --- The contributor's side ------------------------------------------------------------------


def _locked(owed: FeedbackOwed) -> FeedbackOwed:
    return (
        FeedbackOwed.objects.select_for_update(of=("self",))
        .select_related("participation__activity__project", "participation__contributor", "owner")
        .get(pk=owed.pk)
    )


@transaction.atomic
def mark_feedback_opened(*, actor: User, owed: FeedbackOwed) -> FeedbackOwed:
    """The first time the person opens their feedback: a read receipt for the coordinator."""
    owed = _locked(owed)
    if not permissions.can_respond_to_feedback(actor, owed):
        raise PermissionDenied
    if owed.read_at is None:
        owed.read_at = timezone.now()
        owed.save(update_fields=["read_at", "updated_at"])
        record_audit(actor=actor, action="feedback.opened", target=owed)
    return owed


def _acknowledge(owed: FeedbackOwed, actor: User, now) -> None:
    if owed.status == FeedbackOwedStatus.GIVEN:
        owed.status = FeedbackOwedStatus.ACKNOWLEDGED
        owed.acknowledged_at = now
        owed.read_at = owed.read_at or now
        record_audit(actor=actor, action="feedback.acknowledged", target=owed)


@transaction.atomic
def acknowledge_feedback(*, actor: User, owed: FeedbackOwed) -> FeedbackOwed:
    """The person says they have read it."""
    owed = _locked(owed)
    if not permissions.can_respond_to_feedback(actor, owed):
        raise PermissionDenied
    _acknowledge(owed, actor, timezone.now())
    owed.save(update_fields=["status", "acknowledged_at", "read_at", "updated_at"])
    return owed


@transaction.atomic
def respond_to_feedback(
    *, actor: User, owed: FeedbackOwed, usefulness: int | None = None, reply: str = ""
) -> FeedbackOwed:
    """Rate how useful it was (1 to 5) and/or reply; a reply is emailed to the coordinator."""
    owed = _locked(owed)
    if not permissions.can_respond_to_feedback(actor, owed):
        raise PermissionDenied
    reply = reply.strip()
    if usefulness is None and not reply:
        raise FeedbackError("Choose how useful it was or write a reply.")
    if usefulness is not None and not 1 <= usefulness <= 5:
        raise FeedbackError("Usefulness is a number from 1 to 5.")
    if reply and owed.reply:
        raise FeedbackError("You have already replied to this feedback.")
    now = timezone.now()
    _acknowledge(owed, actor, now)
    if usefulness is not None:
        owed.usefulness = usefulness
        record_audit(actor=actor, action="feedback.rated", target=owed, usefulness=usefulness)
    if reply:
        owed.reply, owed.replied_at = reply, now
        record_audit(actor=actor, action="feedback.replied", target=owed)
        owed_id = owed.pk
        transaction.on_commit(lambda: email_feedback_reply(owed_id=owed_id))
    owed.save()
    return owed


def email_feedback_reply(*, owed_id: int) -> None:
    """The reply reaches the coordinator who owes (and gave) the feedback."""
    owed = FeedbackOwed.objects.select_related(
        "participation__contributor", "participation__activity", "owner", "feedback"
    ).get(pk=owed_id)
    to = owed.feedback.written_by if owed.feedback else owed.owner
    send_templated_email(
        name="feedback_reply",
        to=[a for a in {to.email, owed.owner.email} if a],
        context={
            "owed": owed,
            "activity": owed.participation.activity,
            "contributor": owed.participation.contributor,
            "url": _absolute("feedback:activity_feedback", owed.participation.activity.public_id),
        },
    )


# --- The conversation after a reply ----------------------------------------------------------


@transaction.atomic
def add_feedback_message(*, actor: User, owed: FeedbackOwed, body: str) -> FeedbackMessage:
    """Answer in the conversation about someone's feedback; the other side is told."""
    owed = _locked(owed)
    if not permissions.can_write_in_feedback_conversation(actor, owed):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise FeedbackError("Write your message.")
    is_from_staff = owed.participation.contributor_id != actor.pk
    message = FeedbackMessage.objects.create(owed=owed, author=actor, is_from_staff=is_from_staff, body=body)
    record_audit(
        actor=actor,
        action="feedback.message",
        target=owed,
        message=str(message.public_id),
        from_staff=is_from_staff,
    )
    if is_from_staff:
        _tell_contributor(owed, message)
    else:
        message_id = message.pk
        transaction.on_commit(lambda: email_feedback_message_to_staff(message_id=message_id))
    return message


def _tell_contributor(owed: FeedbackOwed, message: FeedbackMessage) -> None:
    """By email, and by letter or call for people who asked for one."""
    from contributors.services.reaching import notify

    activity = owed.participation.activity
    notify(
        user=owed.participation.contributor,
        template="feedback_message",
        subject=f"{message.author.name} answered your reply about {activity.title}",
        body=message.body,
        letter=f"{message.author.name} wrote about the feedback on {activity.title}:\n\n{message.body}",
        context={
            "message": message,
            "activity": activity,
            "url": _absolute("feedback:owed_detail", owed.public_id),
        },
    )


def email_feedback_message_to_staff(*, message_id: int) -> None:
    """The contributor wrote again: the coordinator who gave the feedback and the owner hear."""
    message = FeedbackMessage.objects.select_related(
        "author", "owed__owner", "owed__feedback__written_by", "owed__participation__activity"
    ).get(pk=message_id)
    owed = message.owed
    writer = owed.feedback.written_by if owed.feedback else owed.owner
    for person in {writer, owed.owner}:
        send_templated_email(
            name="feedback_message",
            to=[person.email],
            context={
                "recipient": person,
                "message": message,
                "activity": owed.participation.activity,
                "url": _absolute("feedback:owed_detail", owed.public_id),
            },
        )


def conversation(owed: FeedbackOwed) -> list[dict]:
    """The reply and everything said after it, oldest first, as people see it."""
    if not owed.reply:
        return []
    first = {
        "author": owed.participation.contributor,
        "is_from_staff": False,
        "body": owed.reply,
        "at": owed.replied_at,
    }
    rest = [
        {"author": m.author, "is_from_staff": m.is_from_staff, "body": m.body, "at": m.created_at}
        for m in owed.messages.select_related("author")
    ]
    return [first, *rest]
