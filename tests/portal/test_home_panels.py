"""What the contributor home's panels show. The panels read only the columns they show, as rows
(issue 12): each thing a person would look for is still there, worded and linked as before."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contributors.models import Benefit, BenefitAnswer, DiversityRecord, ExpressionOfInterest
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ContributorFactory,
    FeedbackOwedFactory,
    OpportunityFactory,
    ParticipationFactory,
    RoleAssignmentFactory,
    UserFactory,
)


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def profile(cara):
    return ContributorFactory(user=cara)


def test_a_contributor_without_a_profile_is_asked_to_complete_it(client, cara):
    content = _home(client, cara)
    assert "Complete your profile" in content
    assert "Your roles" not in content


def test_roles_and_opportunities_waited_on(client, cara, profile, project):
    RoleAssignmentFactory(
        contributor=cara, project=project, role_type="other", role_description="Lay reviewer"
    )
    RoleAssignmentFactory(contributor=cara, ends_on=timezone.localdate() - timedelta(days=1))  # ended
    opportunity = OpportunityFactory(project=project, title="Help plan the trial")
    ExpressionOfInterest.objects.create(opportunity=opportunity, contributor=cara)
    content = _home(client, cara)
    assert f"<li><strong>Lay reviewer</strong>, {project.title}<br>" in content
    assert content.count("<li><strong>") == 1
    link = reverse("contributors:opportunity_detail", args=[opportunity.public_id])
    assert f'<a class="govuk-link" href="{link}">Help plan the trial</a>' in content


def test_equality_answers_are_asked_for_then_reviewed_after_a_year(
    client, cara, profile, settings, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    assert "Answer the questions" in _home(client, cara)
    DiversityRecord.objects.create(user=cara)
    assert "Equality monitoring" not in _home(client, cara)
    # A year on, with the answers (and so the page's kept profile facts) unchanged.
    time_machine.shift(timedelta(days=settings.PORTAL_DIVERSITY_REVIEW_DAYS + 1))
    assert "It has been a year since you checked" in _home(client, cara)


def test_a_benefit_answer_is_read_for_the_statement_without_error(client, cara, profile):
    profile.receives_benefits = True
    profile.save()
    BenefitAnswer.objects.create(user=cara, benefit=Benefit.ESA_LOWER)
    assert "Paid to you this tax year: £0.00 in fees and vouchers" in _home(client, cara)


def test_claims_to_make_and_open_claims_with_their_state(client, cara, profile, project):
    attended = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True, title="Leaflet review"),
        contributor=cara,
        status="attended",
    )
    claimed = ClaimFactory(
        participation=ParticipationFactory(
            activity=ActivityFactory(project=project, past=True, title="Steering group"),
            contributor=cara,
            status="attended",
        ),
        submitted=True,
    )
    ad_hoc = ClaimFactory(
        participation=None,
        contributor=cara,
        project=project,
        work_on=timezone.localdate(),
        ad_hoc_description="Reviewed the consent form",
    )
    content = _home(client, cara)
    assert (
        f"<li>Leaflet review ({attended.activity.occurs_on.day} {attended.activity.occurs_on:%b %Y})</li>"
        in content
    )
    for claim, title, tag in (
        (claimed, "Steering group", "blue"),
        (ad_hoc, "Reviewed the consent form", "grey"),
    ):
        link = reverse("payments:claim_detail", args=[claim.public_id])
        label = claim.get_status_display()
        assert (
            f'<a class="govuk-link" href="{link}">{title}</a> <strong class="govuk-tag govuk-tag--{tag}">{label}</strong>'
            in content
        )


def test_new_feedback_names_who_wrote_it_and_owed_feedback_says_when_it_is_late(
    client, cara, profile, project
):
    writer = UserFactory(name="Dana Writer", coordinator=True)
    given = FeedbackOwedFactory(
        participation=ParticipationFactory(
            activity=ActivityFactory(project=project, past=True, title="Focus group"),
            contributor=cara,
            status="attended",
        ),
        given=True,
        feedback__written_by=writer,
    )
    late = FeedbackOwedFactory(
        participation=ParticipationFactory(
            activity=ActivityFactory(project=project, past=True, title="Workshop"),
            contributor=cara,
            status="attended",
        ),
        due_on=timezone.localdate() - timedelta(days=2),
    )
    FeedbackOwedFactory(
        participation=ParticipationFactory(
            activity=ActivityFactory(project=project, past=True, title="Already read"),
            contributor=cara,
            status="attended",
        ),
        given=True,
        status="acknowledged",
    )
    content = _home(client, cara)
    link = reverse("feedback:owed_detail", args=[given.public_id])
    assert f'<a class="govuk-link" href="{link}">Feedback on Focus group</a>' in content
    assert f"From Dana Writer, {timezone.localtime(given.given_at):%-d %B %Y}" in content
    assert f"Workshop: due by {late.due_on.day} {late.due_on:%B %Y} " in content
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in content
    assert "Already read" not in content.split("Feedback on your involvement", 1)[1]


def test_new_feedback_without_the_activitys_feedback_names_whoever_owes_it(client, cara, profile, project):
    given = FeedbackOwedFactory(
        participation=ParticipationFactory(
            activity=ActivityFactory(project=project, past=True, title="Focus group"),
            contributor=cara,
            status="attended",
        ),
        status="given",
        given_at=timezone.now(),
    )
    assert f"From {given.owner}, " in _home(client, cara)


def test_kept_roles_interests_and_profile_facts_change_on_the_next_page(
    client, cara, fatima, profile, project
):
    """The contributor's profile facts, roles and interests are kept for them (issue 12,
    contributors.selectors.home_facts): whatever they or staff change shows on the next page."""
    from contributors.selectors import home_facts
    from contributors.services import benefits, equality, opportunities, roles
    from contributors.services import profile as profiles

    ParticipationFactory(activity=ActivityFactory(project=project), contributor=cara)  # in Fatima's scope
    assert "You do not hold a project role" in _home(client, cara)
    assignment = roles.assign_role(
        actor=fatima,
        contributor=cara,
        project=project,
        role_type="other",
        role_description="Lay reviewer",
        starts_on=timezone.localdate() - timedelta(days=10),
    )
    assert "<strong>Lay reviewer</strong>, Getting home after a stroke" in _home(client, cara)
    project.title = "Home after a stroke"
    project.save()
    assert "<strong>Lay reviewer</strong>, Home after a stroke" in _home(client, cara)
    roles.end_role(actor=fatima, assignment=assignment, ends_on=timezone.localdate() - timedelta(days=1))
    assert "You do not hold a project role" in _home(client, cara)

    opportunity = OpportunityFactory(project=project, title="Help plan the trial")
    interest = opportunities.express_interest(actor=cara, opportunity=opportunity, contributor=cara)
    assert "Help plan the trial" in _home(client, cara)
    opportunity.title = "Help plan the next trial"
    opportunity.save()
    assert "Help plan the next trial" in _home(client, cara)
    opportunities.withdraw_interest(actor=cara, interest=interest)
    assert "You are waiting to hear about" not in _home(client, cara)

    assert "Answer the questions" in _home(client, cara)
    equality.save_diversity(user=cara, consent=True, answers={})
    assert "Equality monitoring" not in _home(client, cara)
    equality.withdraw_diversity(user=cara)
    assert "Answer the questions" in _home(client, cara)

    profiles.set_payment_preferences(
        actor=cara,
        contributor=profile,
        payment_method=profile.payment_method,
        receives_benefits=True,
        is_public_sector_employee=False,
    )
    assert home_facts(cara)["profile"].receives_benefits
    benefits.save_benefit(user=cara, consent=True, benefit=Benefit.ESA_LOWER)
    assert home_facts(cara)["profile"].benefit_answer == Benefit.ESA_LOWER
    benefits.withdraw_benefit(user=cara)
    assert home_facts(cara)["profile"].benefit_answer is None


def test_one_persons_kept_facts_are_never_shown_to_another(client, cara, olu, fatima, profile, project):
    from contributors.services import roles

    ContributorFactory(user=olu)
    ParticipationFactory(activity=ActivityFactory(project=project), contributor=cara)
    roles.assign_role(
        actor=fatima,
        contributor=cara,
        project=project,
        role_type="advisory_group",
        starts_on=timezone.localdate(),
    )
    assert "Getting home after a stroke" in _home(client, cara)
    assert "You do not hold a project role" in _home(client, olu)
