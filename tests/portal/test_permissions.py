import pytest

from tests.factories import ActivityFactory, ParticipationFactory, ProjectFactory, opted_in
from tests.matrix import Case, check, expect, params, world_fixture

# 404 for objects outside your scope, 403 for a missing role, sign-in for anonymous.
CASES = [
    Case("portal:home", expect()),
    Case("portal:project_list", expect()),
    Case("portal:project_create", expect(contributor=403, other_contributor=403)),
    Case(
        "portal:project_detail",
        expect(other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["project"].public_id},
    ),
    Case(
        "portal:project_edit",
        expect(contributor=403, other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["project"].public_id},
    ),
    Case(
        "portal:activity_create",
        expect(contributor=403, other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"project_id": w["project"].public_id},
    ),
    Case(
        "portal:activity_detail",
        expect(other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["activity"].public_id},
    ),
    Case(
        "portal:activity_edit",
        expect(contributor=403, other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["activity"].public_id},
    ),
    Case(
        "portal:participant_add",
        method="post",
        expect=expect(
            contributor=403, other_contributor=404, other_coordinator=404, coordinator=302, manager=302
        ),
        kwargs=lambda w: {"public_id": w["activity"].public_id},
        data=lambda w: {"contributor": w["newcomer"].pk},
    ),
    Case(
        "portal:participation_status",
        method="post",
        expect=expect(
            contributor=403, other_contributor=404, other_coordinator=404, coordinator=302, manager=302
        ),
        kwargs=lambda w: {"public_id": w["participation"].public_id},
        data=lambda w: {"status": "confirmed"},
    ),
    Case("portal:reminder_settings", expect()),
    Case(
        "portal:sent_mail",
        expect(contributor=403, other_contributor=403, coordinator=403, other_coordinator=403, manager=403),
    ),
    Case("portal:privacy", expect(anonymous=200)),
    Case("portal:accessibility", expect(anonymous=200)),
]


def _build(cara, olu, fatima, other_coordinator, morgan, project):
    activity = ActivityFactory(project=project)
    ProjectFactory(lead=other_coordinator)
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "project": project,
        "activity": activity,
        "participation": ParticipationFactory(activity=activity, contributor=cara),
        "newcomer": ParticipationFactory.build().contributor.__class__.objects.create_user(
            email="new@example.org", name="New Person", password="a-long-pass-phrase-42"
        ),
    }


world = world_fixture(_build)


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(db, client, world, case, persona):
    if case.url_name == "portal:participant_add":
        from portal.services import grant_role

        grant_role(actor=None, user=world["newcomer"], role="Contributor")
        # A coordinator adds someone new through the directory's opt-in (portal.people).
        opted_in(world["newcomer"])
    check(client, world, case, persona)
