from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from feedback import services
from feedback.models import ActivityFeedback, FeedbackOwed, FeedbackOwedStatus
from portal import services as portal_services
from portal.models import AuditEvent, ParticipationStatus
from portal.signals import participation_changed
from tests.factories import (
    ActivityFactory,
    FeedbackItemFactory,
    FeedbackOwedFactory,
    UserFactory,
    opted_in,
)

ITEMS = [
    {"you_said": "Too much jargon", "changed": True, "we_did": "We rewrote it"},
    {
        "you_said": "Add a video",
        "changed": False,
        "why_not_reason": "ethics_or_governance",
        "why_not_text": "The ethics approval covers the leaflet only.",
    },
]


@pytest.fixture
def past_activity(project):
    return ActivityFactory(project=project, past=True, title="Leaflet review")


def _attend(activity, person, actor):
    opted_in(person)
    participation = portal_services.add_participant(actor=actor, activity=activity, contributor=person)
    return portal_services.set_participation_status(
        actor=actor, participation=participation, status=ParticipationStatus.ATTENDED
    )


def test_marking_attended_makes_feedback_owed_due_28_days_after_the_activity(fatima, cara, past_activity):
    participation = _attend(past_activity, cara, fatima)
    owed = participation.feedback_owed
    assert owed.owner == fatima
    assert owed.status == FeedbackOwedStatus.DUE
    assert owed.due_on == past_activity.occurs_on + timedelta(days=28)
    assert AuditEvent.objects.filter(action="feedback.owed", target_id=str(owed.public_id)).count() == 1


def test_feedback_owed_is_created_once_when_the_signal_fires_twice(fatima, cara, past_activity):
    participation = _attend(past_activity, cara, fatima)
    for _ in range(2):
        participation_changed.send(
            sender=type(participation), participation=participation, old_status=None, actor=fatima
        )
    assert FeedbackOwed.objects.filter(participation=participation).count() == 1
    assert AuditEvent.objects.filter(action="feedback.owed").count() == 1


def test_correcting_attendance_removes_ungiven_feedback_and_restores_it_when_corrected_back(
    fatima, cara, past_activity
):
    participation = _attend(past_activity, cara, fatima)
    portal_services.set_participation_status(
        actor=fatima, participation=participation, status=ParticipationStatus.DID_NOT_ATTEND
    )
    assert not FeedbackOwed.objects.filter(participation=participation).exists()
    assert AuditEvent.objects.filter(action="feedback.owed_withdrawn").count() == 1
    portal_services.set_participation_status(
        actor=fatima, participation=participation, status=ParticipationStatus.ATTENDED
    )
    assert FeedbackOwed.objects.filter(participation=participation).count() == 1


def test_feedback_already_given_stays_when_attendance_is_corrected(fatima, cara):
    owed = FeedbackOwedFactory(given=True, participation__contributor=cara)
    owed.participation.activity.project.coordinators.add(fatima)
    portal_services.set_participation_status(
        actor=fatima, participation=owed.participation, status=ParticipationStatus.DID_NOT_ATTEND
    )
    owed.refresh_from_db()
    assert owed.status == FeedbackOwedStatus.GIVEN


def test_invited_people_are_owed_nothing(fatima, cara, past_activity):
    participation = portal_services.add_participant(
        actor=fatima, activity=past_activity, contributor=opted_in(cara)
    )
    assert not FeedbackOwed.objects.filter(participation=participation).exists()


def test_role_agreement_feedback_period_overrides_the_default(fatima, cara, past_activity):
    from django.apps import apps

    try:
        RoleAssignment = apps.get_model("contributors", "RoleAssignment")
    except LookupError:
        pytest.skip("contributors.RoleAssignment not built yet")
    fields = {f.name: f for f in RoleAssignment._meta.get_fields()}
    if "feedback_due_days" not in fields:
        pytest.skip("RoleAssignment has no feedback_due_days yet")
    kwargs = {"contributor": cara, "project": past_activity.project, "feedback_due_days": 14}
    if "starts_on" in fields:
        kwargs["starts_on"] = past_activity.occurs_on - timedelta(days=30)
    role_type = fields.get("role_type")
    if role_type is not None and role_type.choices:
        kwargs["role_type"] = role_type.choices[0][0]
    try:
        RoleAssignment.objects.create(**kwargs)
    except Exception as exc:  # other required fields we do not know about
        pytest.skip(f"cannot build a RoleAssignment here: {exc}")
    participation = _attend(past_activity, cara, fatima)
    assert participation.feedback_owed.due_on == past_activity.occurs_on + timedelta(days=14)


def _owed_to(people, activity):
    return [
        FeedbackOwedFactory(participation__activity=activity, participation__contributor=p) for p in people
    ]


def test_sending_feedback_gives_it_to_everyone_and_emails_those_online(
    fatima, cara, olu, past_activity, django_capture_on_commit_callbacks
):
    from contributors.models import Contributor

    Contributor.objects.create(user=olu, contact_method="post", address="1 High St", postcode="LS1 1AA")
    cara_owed, olu_owed = _owed_to([cara, olu], past_activity)
    feedback = services.save_activity_feedback(
        actor=fatima,
        activity=past_activity,
        thank_you_text="Thank you",
        items=ITEMS,
        personal_notes={cara_owed.pk: "Your point about pictures was spot on."},
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = services.send_activity_feedback(actor=fatima, feedback=feedback)
    assert len(sent) == 2
    # Cara's email, and Olu's through the contributors app, each then queued for delivery.
    assert len(callbacks) == 4
    cara_owed.refresh_from_db()
    olu_owed.refresh_from_db()
    assert cara_owed.status == olu_owed.status == FeedbackOwedStatus.GIVEN
    assert cara_owed.feedback == feedback
    assert cara_owed.given_at is not None
    # Olu asked for post: a letter goes on the coordinators' list (and his email is used too).
    task = olu.contributor.contact_tasks.get()
    assert (task.channel, task.subject) == ("post", "Feedback on Leaflet review")
    assert f"/feedback/given/{olu_owed.public_id}/letter.pdf" in task.body
    # What Olu reads is the feedback itself, not the note to staff.
    assert task.letter.startswith("Thank you for taking part in Leaflet review")
    assert "WHAT YOUR INPUT CHANGED" in task.letter
    assert "Print the letter" not in task.letter
    assert "Send Olu" not in task.letter
    assert sorted(m.to[0] for m in mail.outbox) == ["cara@example.org", "olu@example.org"]
    message = next(m for m in mail.outbox if m.to == ["cara@example.org"])
    assert "Your point about pictures was spot on." in message.body
    assert "Why not: Ethics or governance" in message.body
    assert message.alternatives
    assert "We rewrote it" in message.alternatives[0][0]
    assert AuditEvent.objects.filter(action="feedback.given").count() == 2
    feedback.refresh_from_db()
    assert feedback.sent_at is not None
    assert feedback.items.count() == 2


def test_sent_feedback_cannot_be_rewritten(fatima, cara, past_activity):
    _owed_to([cara], past_activity)
    feedback = services.save_activity_feedback(
        actor=fatima, activity=past_activity, thank_you_text="Thanks", items=ITEMS
    )
    services.send_activity_feedback(actor=fatima, feedback=feedback)
    with pytest.raises(services.FeedbackError, match="can no longer be changed"):
        services.save_activity_feedback(
            actor=fatima, activity=past_activity, thank_you_text="Again", items=ITEMS
        )


def test_feedback_reaches_people_marked_attended_after_it_was_sent(fatima, cara, olu, past_activity):
    _owed_to([cara], past_activity)
    feedback = services.save_activity_feedback(
        actor=fatima, activity=past_activity, thank_you_text="Thanks", items=ITEMS
    )
    services.send_activity_feedback(actor=fatima, feedback=feedback)
    with pytest.raises(services.FeedbackError, match="had this feedback already"):
        services.send_activity_feedback(actor=fatima, feedback=feedback)
    (late,) = _owed_to([olu], past_activity)
    assert services.send_activity_feedback(actor=fatima, feedback=feedback) == [late]


def test_an_item_that_changed_nothing_needs_a_reason(fatima, cara, past_activity):
    with pytest.raises(services.FeedbackError, match="Choose why"):
        services.save_activity_feedback(
            actor=fatima,
            activity=past_activity,
            thank_you_text="Thanks",
            items=[{"you_said": "More breaks", "changed": False}],
        )
    assert not ActivityFeedback.objects.exists()


def test_another_projects_coordinator_cannot_write_feedback(other_coordinator, past_activity):
    with pytest.raises(PermissionDenied):
        services.save_activity_feedback(
            actor=other_coordinator, activity=past_activity, thank_you_text="Thanks", items=ITEMS
        )


def test_contributor_rates_and_replies_and_the_reply_reaches_the_coordinator(
    fatima, cara, past_activity, django_capture_on_commit_callbacks
):
    owed = FeedbackOwedFactory(
        given=True, participation__activity=past_activity, participation__contributor=cara
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.respond_to_feedback(actor=cara, owed=owed, usefulness=4, reply="Thank you, very clear.")
    owed.refresh_from_db()
    assert owed.status == FeedbackOwedStatus.ACKNOWLEDGED
    assert (owed.usefulness, owed.reply) == (4, "Thank you, very clear.")
    assert owed.acknowledged_at
    assert owed.read_at
    assert owed.replied_at
    assert [m.to for m in mail.outbox] == [["fatima@example.org"]]
    assert "Thank you, very clear." in mail.outbox[0].body
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "feedback.acknowledged",
        "feedback.rated",
        "feedback.replied",
    }


def test_only_the_person_it_was_given_to_can_respond(olu, cara):
    owed = FeedbackOwedFactory(given=True, participation__contributor=cara)
    with pytest.raises(PermissionDenied):
        services.acknowledge_feedback(actor=olu, owed=owed)


def test_feedback_not_yet_given_cannot_be_acknowledged(cara):
    owed = FeedbackOwedFactory(participation__contributor=cara)
    with pytest.raises(PermissionDenied):
        services.acknowledge_feedback(actor=cara, owed=owed)


def test_a_second_reply_is_refused(cara):
    owed = FeedbackOwedFactory(given=True, participation__contributor=cara)
    services.respond_to_feedback(actor=cara, owed=owed, reply="First")
    with pytest.raises(services.FeedbackError, match="already replied"):
        services.respond_to_feedback(actor=cara, owed=owed, reply="Second")


def test_people_with_no_profile_or_email_are_reached_by_post(db):
    assert services.contact_channel(UserFactory(email=None)) == "post"
    assert services.contact_channel(UserFactory()) == "email"


def test_feedback_items_keep_their_order(fatima):
    feedback = FeedbackItemFactory().feedback
    FeedbackItemFactory(feedback=feedback, why_not=True, position=1)
    assert [i.changed for i in feedback.items.all()] == [True, False]


def test_a_reply_becomes_a_conversation_in_order_each_side_told(
    fatima, cara, past_activity, django_capture_on_commit_callbacks
):
    owed = FeedbackOwedFactory(
        given=True, participation__activity=past_activity, participation__contributor=cara
    )
    services.respond_to_feedback(actor=cara, owed=owed, reply="Could the next one be in the evening?")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_feedback_message(actor=fatima, owed=owed, body="Yes: the next one is at 6pm.")
    assert [m.to for m in mail.outbox] == [["cara@example.org"]]
    assert "Yes: the next one is at 6pm." in mail.outbox[0].body
    assert settings_name() in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_feedback_message(actor=cara, owed=owed, body="Thank you!")
    assert [m.to for m in mail.outbox] == [[owed.owner.email]]
    owed.refresh_from_db()
    thread = services.conversation(owed)
    assert [(m["author"], m["body"]) for m in thread] == [
        (cara, "Could the next one be in the evening?"),
        (fatima, "Yes: the next one is at 6pm."),
        (cara, "Thank you!"),
    ]
    assert AuditEvent.objects.filter(action="feedback.message").count() == 2


def settings_name():
    from django.conf import settings

    return settings.PORTAL_ORGANISATION_NAME


def test_nobody_answers_before_the_contributor_has_replied_and_strangers_never(
    fatima, cara, other_coordinator, past_activity
):
    owed = FeedbackOwedFactory(
        given=True, participation__activity=past_activity, participation__contributor=cara
    )
    with pytest.raises(PermissionDenied):
        services.add_feedback_message(actor=fatima, owed=owed, body="Hello?")
    services.respond_to_feedback(actor=cara, owed=owed, reply="Thanks")
    with pytest.raises(PermissionDenied):
        services.add_feedback_message(actor=other_coordinator, owed=owed, body="Hi")
    assert not owed.messages.exists()
