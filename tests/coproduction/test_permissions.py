import pytest

from tests.factories import (
    ActivityFactory,
    ContributorFactory,
    CoproductionReflectionFactory,
    CourseFactory,
    DecisionFactory,
    GroundRulesFactory,
    ProjectFactory,
    RoleAssignmentFactory,
)
from tests.matrix import Case, check, expect, params, world_fixture

# Cara holds a role on Fatima's project; Olu does not (404: outside his scope); Sam coordinates
# another project (404); Morgan manages (everything).
TEAM = expect(other_contributor=404, other_coordinator=404)
KEEPERS = expect(contributor=403, other_contributor=404, other_coordinator=404)
STAFF = expect(contributor=403, other_contributor=403)
CONTRIBUTORS = expect(coordinator=403, other_coordinator=403, manager=403)


def _project(w):
    return {"public_id": w["project"].public_id}


CASES = [
    Case("coproduction:log", TEAM, kwargs=_project),
    Case("coproduction:rules_edit", KEEPERS, kwargs=_project),
    Case(
        "coproduction:rules_edit",
        expect(contributor=403, other_contributor=404, coordinator=302, other_coordinator=404, manager=302),
        method="post",
        kwargs=_project,
        data=lambda w: {"text": "A new version of the rules."},
        id="post coproduction:rules_edit",
    ),
    Case(
        "coproduction:rules_agree",
        expect(contributor=302, other_contributor=404, coordinator=302, other_coordinator=404, manager=302),
        method="post",
        kwargs=_project,
        data=lambda w: {"rules": w["rules"].public_id},
    ),
    Case("coproduction:rules_record", KEEPERS, kwargs=_project),
    Case(
        "coproduction:rules_record",
        expect(contributor=403, other_contributor=404, coordinator=302, other_coordinator=404, manager=302),
        method="post",
        kwargs=_project,
        data=lambda w: {"person": w["contributor"].pk},
        id="post coproduction:rules_record",
    ),
    Case("coproduction:decision_create", KEEPERS, kwargs=_project),
    Case("coproduction:decision_detail", TEAM, kwargs=lambda w: {"public_id": w["decision"].public_id}),
    Case("coproduction:decision_edit", KEEPERS, kwargs=lambda w: {"public_id": w["decision"].public_id}),
    Case("coproduction:reflection_list", TEAM, kwargs=_project),
    Case("coproduction:reflection_create", TEAM, kwargs=_project),
    Case(
        "coproduction:reflection_create",
        expect(contributor=302, other_contributor=404, coordinator=302, other_coordinator=404, manager=302),
        method="post",
        kwargs=_project,
        data=lambda w: {"stage": "design", "working": "Being asked early.", "visibility": "team"},
        id="post coproduction:reflection_create",
    ),
    Case("coproduction:requirements", KEEPERS, kwargs=_project),
    Case(
        "coproduction:reflection_visibility",
        # Only the author: anyone else is told nothing exists.
        expect(contributor=302, other_contributor=404, coordinator=404, other_coordinator=404, manager=404),
        method="post",
        kwargs=lambda w: {"public_id": w["reflection"].public_id},
        data=lambda w: {"visibility": "private"},
    ),
    Case("coproduction:my_learning", CONTRIBUTORS),
    Case("coproduction:catalogue", expect()),
    Case("coproduction:course_create", STAFF),
    # People outside a coordinator's scope (portal.people) are 404, as on their profile.
    Case(
        "coproduction:person_learning",
        expect(contributor=403, other_contributor=403, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["cara_profile"].public_id},
    ),
    Case("coproduction:checks", STAFF),
    Case(
        "coproduction:activity_course",
        expect(contributor=404, other_contributor=404, coordinator=302, other_coordinator=404, manager=302),
        method="post",
        kwargs=lambda w: {"public_id": w["training"].public_id},
        data=lambda w: {"course": w["course"].pk},
    ),
]


def _build(cara, olu, fatima, other_coordinator, morgan, project):
    ProjectFactory(lead=other_coordinator)
    RoleAssignmentFactory(contributor=cara, project=project)
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "project": project,
        "rules": GroundRulesFactory(project=project),
        "decision": DecisionFactory(project=project),
        "reflection": CoproductionReflectionFactory(project=project, author=cara, visibility="report"),
        "cara_profile": ContributorFactory(user=cara),
        "training": ActivityFactory(project=project, kind="training"),
        "course": CourseFactory(),
    }


world = world_fixture(_build)


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(db, client, world, case, persona):
    check(client, world, case, persona)
