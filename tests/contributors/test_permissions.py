"""Every contributors URL, for every persona: 404 outside your scope, 403 for a missing role."""

import pytest

from contributors import services
from contributors.models import ContactChannel, ContactTask, ErasureRequest, ExpressionOfInterest
from tests.factories import (
    ActivityFactory,
    ContributorFactory,
    OpportunityFactory,
    ParticipationFactory,
    ProjectFactory,
    RoleAssignmentFactory,
)
from tests.matrix import REFUSED, Case, check, expect, params, world_fixture

CONTRIBUTORS_ONLY = dict(coordinator=403, other_coordinator=403, manager=403)
STAFF_ONLY = dict(contributor=403, other_contributor=403)
MANAGER_ONLY = dict(contributor=403, other_contributor=403, coordinator=403, other_coordinator=403)
PROJECT_STAFF = dict(contributor=403, other_contributor=404, other_coordinator=404)
# People are scoped: the other coordinator has no link to the people in this world.
PEOPLE_STAFF = dict(contributor=403, other_contributor=403, other_coordinator=404)


def _role(w):
    return {"public_id": w["role"].public_id}


def _opp(w):
    return {"public_id": w["opportunity"].public_id}


def _project(w):
    return {"project_id": w["project"].public_id}


def _offline(w):
    return {"public_id": w["offline"].public_id}


CASES = [
    Case(
        "contributors:profile_complete", expect(contributor=302, other_contributor=302, **CONTRIBUTORS_ONLY)
    ),
    Case("contributors:profile", expect(**CONTRIBUTORS_ONLY)),
    Case("contributors:profile_edit", expect(**CONTRIBUTORS_ONLY)),
    Case("contributors:payment_edit", expect(**CONTRIBUTORS_ONLY)),
    # Bank details first send you to sign in again (allauth re-authentication).
    Case("contributors:bank_details", expect(contributor=302, other_contributor=302, **CONTRIBUTORS_ONLY)),
    Case("contributors:equality", expect(**CONTRIBUTORS_ONLY)),
    Case(
        "contributors:equality_withdraw",
        expect(contributor=302, other_contributor=302, **CONTRIBUTORS_ONLY),
        method="post",
        data=lambda w: {"confirmed": "yes"},
    ),
    Case("contributors:benefit", expect(**CONTRIBUTORS_ONLY)),
    Case(
        "contributors:benefit_withdraw",
        expect(contributor=302, other_contributor=302, **CONTRIBUTORS_ONLY),
        method="post",
    ),
    Case("contributors:my_roles", expect(**CONTRIBUTORS_ONLY)),
    Case("contributors:my_data", expect()),
    Case("contributors:my_data_json", expect()),
    # Always the signed-in person's own section: there is no one else's to reach.
    Case("contributors:my_data_section", expect(), kwargs=lambda w: {"section": "payments"}),
    Case("contributors:erasure_request", expect()),
    Case("contributors:opportunity_list", expect()),
    Case("contributors:opportunity_detail", expect(), kwargs=_opp),
    Case(
        "contributors:interest_express",
        # Cara has already said she is interested (the world's interest): refused, not repeated.
        expect(contributor=REFUSED, other_contributor=302, **CONTRIBUTORS_ONLY),
        kwargs=_opp,
        method="post",
        data=lambda w: {"message": "I care about this"},
    ),
    Case(
        "contributors:interest_withdraw",
        expect(contributor=302, other_contributor=404, coordinator=404, other_coordinator=404, manager=404),
        kwargs=lambda w: {"public_id": w["interest"].public_id},
        method="post",
    ),
    Case("contributors:opportunity_edit", expect(other_coordinator=403, **STAFF_ONLY), kwargs=_opp),
    Case(
        "contributors:opportunity_approve",
        # The world's opportunity is already live, so the manager's approval is refused.
        expect(coordinator=403, other_coordinator=403, manager=REFUSED, **STAFF_ONLY),
        kwargs=_opp,
        method="post",
    ),
    Case(
        "contributors:opportunity_close",
        expect(coordinator=302, other_coordinator=403, manager=302, **STAFF_ONLY),
        kwargs=_opp,
        method="post",
    ),
    Case("contributors:opportunity_interests", expect(other_coordinator=403, **STAFF_ONLY), kwargs=_opp),
    Case("contributors:opportunity_create", expect(**PROJECT_STAFF), kwargs=_project),
    Case("contributors:role_create", expect(**PROJECT_STAFF), kwargs=_project),
    Case("contributors:role_edit", expect(**PROJECT_STAFF), kwargs=_role),
    Case(
        "contributors:role_end",
        expect(coordinator=302, manager=302, **PROJECT_STAFF),
        kwargs=_role,
        method="post",
        data=lambda w: {"ends_on": "2099-01-01"},
    ),
    Case(
        "contributors:role_accept",
        expect(contributor=302, other_contributor=404, coordinator=403, other_coordinator=404, manager=403),
        kwargs=_role,
        method="post",
    ),
    Case("contributors:role_register", expect(**MANAGER_ONLY)),
    Case("contributors:role_register_csv", expect(**MANAGER_ONLY)),
    Case("contributors:directory", expect(**STAFF_ONLY)),
    Case("contributors:offline_register", expect(**STAFF_ONLY)),
    Case("contributors:person_detail", expect(**PEOPLE_STAFF), kwargs=_offline),
    Case("contributors:person_edit", expect(**PEOPLE_STAFF), kwargs=_offline),
    Case("contributors:person_payment", expect(**PEOPLE_STAFF), kwargs=_offline),
    # Entering someone's bank details needs an authenticator app used this session (403 here:
    # nobody in the test world has one; tests/portal/test_mfa.py covers the rest).
    Case(
        "contributors:person_bank_details",
        expect(coordinator=403, manager=403, **PEOPLE_STAFF),
        kwargs=_offline,
    ),
    Case(
        "contributors:person_payment",
        expect(**PEOPLE_STAFF, coordinator=403, manager=403),
        kwargs=lambda w: {"public_id": w["contributor"].contributor.public_id},
        id="person_payment for someone with email",
    ),
    Case("contributors:offline_interest", expect(**PEOPLE_STAFF), kwargs=_offline),
    Case("contributors:offline_invite", expect(**PEOPLE_STAFF), kwargs=_offline),
    Case("contributors:contact_tasks", expect(**STAFF_ONLY)),
    Case("contributors:contact_letters", expect(**STAFF_ONLY)),
    Case(
        "contributors:contact_task_done",
        expect(coordinator=302, manager=302, **PEOPLE_STAFF),
        kwargs=lambda w: {"public_id": w["task"].public_id},
        method="post",
    ),
    # Fatima entered the bank details: only a second person (here the manager) may confirm,
    # and only with the second factor used in this session (the matrix's manager has no app).
    Case(
        "contributors:bank_change_decide",
        expect(coordinator=403, manager=403, contributor=404, other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["bank_change"].public_id},
        method="post",
        data=lambda w: {"decision": "confirm"},
    ),
    Case(
        "contributors:invitation_decide",
        expect(coordinator=403, manager=302, contributor=404, other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["invitation"].public_id},
        method="post",
        data=lambda w: {"decision": "confirm"},
    ),
    Case("contributors:erasure_list", expect(**MANAGER_ONLY)),
    Case(
        "contributors:erasure_decide",
        expect(manager=403, **MANAGER_ONLY),  # no authenticator app, as above
        kwargs=lambda w: {"public_id": w["erasure"].public_id},
        method="post",
        data=lambda w: {"decision": "refuse", "note": "You have a claim being paid."},
    ),
]


def _build(cara, olu, fatima, other_coordinator, morgan, project):
    ContributorFactory(user=cara)
    ContributorFactory(user=olu)
    ParticipationFactory(activity=ActivityFactory(project=project), contributor=cara)
    ProjectFactory(lead=other_coordinator)
    opportunity = OpportunityFactory(project=project)
    offline = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="phone", phone="0113 496 0123"
    )
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "project": project,
        "role": RoleAssignmentFactory(contributor=cara, project=project),
        "opportunity": opportunity,
        "interest": ExpressionOfInterest.objects.create(opportunity=opportunity, contributor=cara),
        "offline": offline,
        "task": ContactTask.objects.create(
            contributor=offline, channel=ContactChannel.PHONE, subject="Hi", body="Call"
        ),
        "erasure": ErasureRequest.objects.create(user=olu),
        "bank_change": services.set_bank_details(
            actor=fatima,
            contributor=offline,
            account_name="D M",
            sort_code="20-00-00",
            account_number="55779911",
        ),
        "invitation": services.invite_to_take_over(
            actor=fatima, contributor=offline, email="dennis@example.org"
        ),
    }


world = world_fixture(_build)


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(db, client, world, case, persona):
    check(client, world, case, persona)
