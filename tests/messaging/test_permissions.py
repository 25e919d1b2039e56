import pytest

from messaging import services
from messaging.models import Delivery, Message
from portal.models import ParticipationStatus
from tests.factories import ActivityFactory, OpportunityFactory, ParticipationFactory
from tests.matrix import Case, check, expect, params

# Writing messages: contributors lack the role (403); another coordinator's project is 404.
WRITE = expect(contributor=403, other_contributor=403, other_coordinator=404)
RECIPIENT_ONLY = expect(other_contributor=404, coordinator=404, other_coordinator=404, manager=404)
SENDER_SIDE = expect(contributor=404, other_contributor=404, other_coordinator=404)

CASES = [
    Case("messaging:inbox", expect()),
    Case("messaging:message_detail", RECIPIENT_ONLY, kwargs=lambda w: {"public_id": w["delivery"].public_id}),
    Case(
        "messaging:message_reply",
        expect(contributor=302, other_contributor=404, coordinator=404, other_coordinator=404, manager=404),
        method="post",
        kwargs=lambda w: {"public_id": w["delivery"].public_id},
        data=lambda w: {"body": "Thank you"},
    ),
    Case("messaging:sent_detail", SENDER_SIDE, kwargs=lambda w: {"public_id": w["message"].public_id}),
    Case("messaging:compose_activity", WRITE, kwargs=lambda w: {"public_id": w["activity"].public_id}),
    Case("messaging:compose_project", WRITE, kwargs=lambda w: {"public_id": w["project"].public_id}),
    Case("messaging:compose_shortlist", WRITE, kwargs=lambda w: {"public_id": w["opportunity"].public_id}),
    Case("messaging:activity_cancel", WRITE, kwargs=lambda w: {"public_id": w["activity"].public_id}),
    Case(
        "messaging:activity_ics",
        expect(other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["activity"].public_id},
    ),
    Case("messaging:calendar_settings", expect()),
    Case(
        "messaging:calendar_reset",
        expect(contributor=302, other_contributor=302, coordinator=302, other_coordinator=302, manager=302),
        method="post",
    ),
    # The feed is read by calendar apps that cannot sign in: the secret token is the key.
    Case("messaging:calendar_feed", expect(anonymous=200), kwargs=lambda w: {"token": w["token"]}),
    Case(
        "messaging:calendar_feed",
        expect(
            anonymous=404,
            contributor=404,
            other_contributor=404,
            coordinator=404,
            other_coordinator=404,
            manager=404,
        ),
        kwargs=lambda w: {"token": "not-a-real-token"},
        id="feed with a wrong token",
    ),
    # Notify's callback carries a bearer token, not a session: without it, 401 for everyone.
    Case(
        "messaging:notify_callback",
        expect(
            anonymous=401,
            contributor=401,
            other_contributor=401,
            coordinator=401,
            other_coordinator=401,
            manager=401,
        ),
        method="post",
        data=lambda w: {"id": "x", "status": "delivered"},
    ),
    Case(
        "messaging:inbound_email",
        expect(
            anonymous=401,
            contributor=401,
            other_contributor=401,
            coordinator=401,
            other_coordinator=401,
            manager=401,
        ),
        method="post",
        data=lambda w: {"to": "reply+x@example.org", "from": "a@example.org", "text": "hi"},
    ),
    Case(
        "messaging:notify_received_text",
        expect(
            anonymous=401,
            contributor=401,
            other_contributor=401,
            coordinator=401,
            other_coordinator=401,
            manager=401,
        ),
        method="post",
        data=lambda w: {"id": "x", "source_number": "447700900111", "message": "hi"},
    ),
]


@pytest.fixture
def world(
    cara, olu, fatima, other_coordinator, morgan, project, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_NOTIFY_CALLBACK_TOKEN = "a-secret"
    settings.PORTAL_MESSAGING_INBOUND_TOKEN = "another-secret"
    activity = ActivityFactory(project=project)
    ParticipationFactory(activity=activity, contributor=cara, status=ParticipationStatus.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_message(
            actor=fatima,
            project=project,
            activity=activity,
            audience="everyone",
            subject="Hello",
            body="Hello all",
            recipients=services.activity_audience(activity, "everyone"),
        )
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "project": project,
        "activity": activity,
        "opportunity": OpportunityFactory(project=project, created_by=fatima),
        "message": Message.objects.get(pk=message.pk),
        "delivery": Delivery.objects.get(message=message, recipient=cara),
        "token": services.feed_for(user=cara).token,
    }


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(client, world, case, persona):
    check(client, world, case, persona)
