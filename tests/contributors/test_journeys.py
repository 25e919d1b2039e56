"""Issue 9 items 7 and 12 at the service level: one rule for a role's status from its dates,
attendance and claims only once an activity has started, role agreements accepted."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from contributors import services
from contributors.models import RoleAssignment, RoleStatus, role_status
from impact.selectors import certificate_details
from payments.services import ClaimError, start_claim
from portal.models import AuditEvent, ParticipationStatus
from portal.services import ParticipationError, set_participation_status
from tests.factories import ActivityFactory, ContributorFactory, ParticipationFactory, RoleAssignmentFactory

TODAY = timezone.localdate()
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "status"),
    [
        (TODAY + 7 * DAY, None, RoleStatus.NOT_STARTED),
        (TODAY + 7 * DAY, TODAY + 30 * DAY, RoleStatus.NOT_STARTED),
        (TODAY, None, RoleStatus.CURRENT),
        (TODAY - 30 * DAY, TODAY, RoleStatus.CURRENT),
        (TODAY - 30 * DAY, TODAY - DAY, RoleStatus.ENDED),
    ],
)
def test_one_rule_for_role_status_matches_the_current_queryset(cara, project, starts_on, ends_on, status):
    ContributorFactory(user=cara)
    role = RoleAssignmentFactory(contributor=cara, project=project, starts_on=starts_on, ends_on=ends_on)
    assert role_status(starts_on, ends_on) == status == role.status
    assert RoleAssignment.objects.current().filter(pk=role.pk).exists() == (status == RoleStatus.CURRENT)


def test_certificate_lists_no_future_role_and_no_future_end(cara, project):
    ContributorFactory(user=cara)
    RoleAssignmentFactory(
        contributor=cara, project=project, starts_on=TODAY + 7 * DAY, role_type="lay_reviewer"
    )
    RoleAssignmentFactory(
        contributor=cara, project=project, starts_on=TODAY - 7 * DAY, ends_on=TODAY + 60 * DAY
    )
    roles = certificate_details(contributor=cara)["roles"]
    assert len(roles) == 1
    assert roles[0]["to"] == ""  # still held: "continuing", not an end still to come


def test_attendance_waits_until_the_activity_has_started(fatima, cara, project):
    participation = ParticipationFactory(activity=ActivityFactory(project=project), contributor=cara)
    with pytest.raises(ParticipationError, match="once the activity has started"):
        set_participation_status(
            actor=fatima, participation=participation, status=ParticipationStatus.ATTENDED
        )
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.INVITED
    # Confirming a place is still fine before the day.
    set_participation_status(actor=fatima, participation=participation, status=ParticipationStatus.CONFIRMED)


def test_no_claim_for_an_activity_that_has_not_started_even_if_marked_attended(cara, project):
    ContributorFactory(user=cara)
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project), contributor=cara, status=ParticipationStatus.ATTENDED
    )
    with pytest.raises(ClaimError, match="once the activity has started"):
        start_claim(actor=cara, participation=participation)
    assert not participation.claims.exists()


def test_contributor_accepts_their_role_agreement_once_and_it_is_audited(cara, olu, fatima, project):
    role = RoleAssignmentFactory(contributor=cara, project=project)
    with pytest.raises(PermissionDenied):
        services.accept_role(actor=fatima, assignment=role)
    with pytest.raises(PermissionDenied):
        services.accept_role(actor=olu, assignment=role)
    services.accept_role(actor=cara, assignment=role)
    role.refresh_from_db()
    first = role.accepted_at
    assert first is not None
    services.accept_role(actor=cara, assignment=role)
    role.refresh_from_db()
    assert role.accepted_at == first
    assert AuditEvent.objects.filter(action="role_assignment.accepted", actor=cara).count() == 1


def test_changing_the_agreement_asks_the_contributor_to_accept_again(cara, fatima, project):
    role = RoleAssignmentFactory(contributor=cara, project=project)
    services.accept_role(actor=cara, assignment=role)
    services.update_role(actor=fatima, assignment=role, frequency="Every week")
    role.refresh_from_db()
    assert role.accepted_at is None


def test_an_ended_role_cannot_be_accepted(cara, project):
    role = RoleAssignmentFactory(
        contributor=cara, project=project, starts_on=TODAY - 30 * DAY, ends_on=TODAY - DAY
    )
    with pytest.raises(services.ContributorError):
        services.accept_role(actor=cara, assignment=role)
    role.refresh_from_db()
    assert role.accepted_at is None


def test_your_data_page_says_things_in_words_and_keeps_no_codes(rf):
    from contributors.data_export import Section, readable_section

    section = Section(
        name="test",
        title="Test",
        about="",
        fn=lambda user: {
            "access_and_change_log": [{"when": "2026-01-02T10:00:00+00:00", "action": "diversity.read"}],
            "claims": [{"for": "Meeting", "fees": [{"description": "Attending", "amount": "25.00"}]}],
        },
    )
    log, claims = readable_section(rf.get("/"), section, user=None)["groups"]
    # A card's rows are its summary list's markup (data_export.summary_list).
    assert (
        '<dd class="govuk-summary-list__value">Your equality monitoring answers were shown to you'
        in (log["cards"][0]["rows"])
    )
    assert "<li>Description: Attending; Amount: £25.00</li>" in claims["cards"][0]["rows"]


def test_who_wants_large_print(cara, olu):
    from contributors.selectors import wants_large_print
    from portal.pdf import LARGE_PRINT_CSS

    ContributorFactory(user=cara, access_needs=["large_print"])
    ContributorFactory(user=olu, access_needs=["step_free"])
    assert wants_large_print(cara)
    assert not wants_large_print(olu)
    assert LARGE_PRINT_CSS.exists()  # the browser test measures the printed size
