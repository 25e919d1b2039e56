import pytest
from django.utils import timezone

from tests.factories import ActivityFactory, FeedbackItemFactory, FeedbackOwedFactory, ProjectFactory
from tests.matrix import Case, check, expect, params, world_fixture

# 404 for objects outside your scope, 403 for a missing role, sign-in for anonymous.
STAFF_ONLY = expect(contributor=403, other_contributor=403)
ACTIVITY = expect(contributor=403, other_contributor=404, other_coordinator=404)
RECIPIENT_POST = expect(
    contributor=302, other_contributor=404, coordinator=403, other_coordinator=404, manager=403
)

CASES = [
    Case("feedback:owed_list", STAFF_ONLY),
    Case("feedback:my_feedback", expect()),
    Case("feedback:compliance", STAFF_ONLY),
    Case("feedback:contact_list", STAFF_ONLY),
    Case(
        "feedback:activity_feedback", ACTIVITY, kwargs=lambda w: {"public_id": w["sent_activity"].public_id}
    ),
    Case(
        "feedback:activity_feedback_write",
        ACTIVITY,
        kwargs=lambda w: {"public_id": w["draft_activity"].public_id},
    ),
    Case(
        "feedback:activity_feedback_preview",
        expect(contributor=403, other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["draft_activity"].public_id},
    ),
    Case(
        "feedback:activity_feedback_send",
        expect(contributor=403, other_contributor=404, coordinator=302, other_coordinator=404, manager=302),
        method="post",
        kwargs=lambda w: {"public_id": w["draft_activity"].public_id},
    ),
    Case(
        "feedback:owed_detail",
        expect(other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["given"].public_id},
    ),
    Case(
        "feedback:owed_acknowledge",
        RECIPIENT_POST,
        method="post",
        kwargs=lambda w: {"public_id": w["given"].public_id},
    ),
    Case(
        "feedback:owed_respond",
        RECIPIENT_POST,
        method="post",
        kwargs=lambda w: {"public_id": w["given"].public_id},
        data=lambda w: {"usefulness": "4", "reply": "Thanks"},
    ),
    Case(
        "feedback:owed_message",
        expect(contributor=302, other_contributor=404, coordinator=302, other_coordinator=404, manager=302),
        method="post",
        kwargs=lambda w: {"public_id": w["replied"].public_id},
        data=lambda w: {"body": "Thank you for saying so."},
    ),
    Case("feedback:owed_letter", ACTIVITY, kwargs=lambda w: {"public_id": w["given"].public_id}),
    Case(
        "feedback:reminder_letter",
        ACTIVITY,
        kwargs=lambda w: {"public_id": w["given"].participation.public_id},
    ),
]


def _build(cara, olu, fatima, other_coordinator, morgan, project):
    ProjectFactory(lead=other_coordinator)
    given = FeedbackOwedFactory(
        given=True,
        participation__contributor=cara,
        participation__activity=ActivityFactory(project=project, past=True),
    )
    FeedbackItemFactory(feedback=given.feedback)
    replied = FeedbackOwedFactory(
        given=True,
        participation__contributor=cara,
        participation__activity=ActivityFactory(project=project, past=True),
        reply="Could the next one be in the evening?",
        replied_at=timezone.now(),
    )
    draft = FeedbackItemFactory(feedback__activity=ActivityFactory(project=project, past=True)).feedback
    FeedbackOwedFactory(participation__contributor=cara, participation__activity=draft.activity)
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "given": given,
        "replied": replied,
        "sent_activity": given.participation.activity,
        "draft_activity": draft.activity,
    }


world = world_fixture(_build)


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(db, client, world, case, persona):
    check(client, world, case, persona)
