"""The expiring-check reminder, the warning when choosing someone for a role, and the views'
writes and the impact report's sections."""

import subprocess
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from contributors.models import RoleAssignment
from coproduction import panels
from coproduction.models import Decision, GroundRulesAgreement, Reflection
from portal.models import SentReminder
from tests.factories import (
    CheckRecordFactory,
    ContributorFactory,
    DecisionFactory,
    GroundRulesFactory,
    RoleAssignmentFactory,
    UserFactory,
    opted_in,
)


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def _sweep():
    # Email goes once the sweep's transaction commits; here, the test's transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return panels.check_expiry_sweep(now=timezone.now(), dry_run=False)


@pytest.fixture
def olu_in_role(project, olu):
    RoleAssignmentFactory(contributor=olu, project=project, role_type="co_researcher")
    return olu


def test_the_person_and_their_coordinator_are_told_once_before_a_check_expires(olu_in_role, fatima):
    CheckRecordFactory(person=olu_in_role, expires_on=timezone.localdate() + timedelta(days=20))
    first = _sweep()
    second = _sweep()
    assert len(first) == 2
    assert second == []
    assert sorted(m.to[0] for m in mail.outbox) == ["fatima@example.org", "olu@example.org"]
    to_olu = next(m for m in mail.outbox if m.to == ["olu@example.org"])
    assert to_olu.subject.startswith("Your Enhanced DBS check expires on")
    assert SentReminder.objects.filter(kind=panels.CHECK_EXPIRING).count() == 2


def test_someone_offline_is_written_to_once_and_their_coordinator_emailed(project, fatima):
    from contributors.models import ContactTask

    person = UserFactory(email=None, name="Dennis Morris")
    ContributorFactory(user=person, contact_method="post", address="1 Road\nLeeds", postcode="LS11 8PQ")
    RoleAssignmentFactory(contributor=person, project=project, role_type="co_researcher")
    CheckRecordFactory(person=person, expires_on=timezone.localdate() + timedelta(days=20))
    first = _sweep()
    assert _sweep() == []  # once, not on every sweep
    assert [m.to for m in mail.outbox] == [["fatima@example.org"]]
    assert any("added to the list to write to" in line for line in first)
    task = ContactTask.objects.get(contributor__user=person)
    assert (task.channel, task.subject) == ("post", "Enhanced DBS check expiring")
    assert task.letter.startswith("Your Enhanced DBS check expires on")
    assert "Tell Dennis Morris" in task.body


def test_no_reminder_outside_the_window_or_once_expired(olu_in_role):
    CheckRecordFactory(person=olu_in_role, expires_on=timezone.localdate() + timedelta(days=90))
    CheckRecordFactory(
        person=olu_in_role,
        checked_on=timezone.localdate() - timedelta(days=1200),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    assert _sweep() == []
    assert mail.outbox == []


def test_a_person_with_no_current_role_tells_whoever_recorded_the_check(olu):
    check = CheckRecordFactory(person=olu)
    _sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([check.recorded_by.email, "olu@example.org"])


def test_choosing_someone_who_lacks_a_required_check_warns_first(client, fatima, project, cara):
    from coproduction import services

    services.add_requirement(
        actor=fatima, project=project, role_type="co_researcher", check_kind="dbs_enhanced"
    )
    opted_in(cara)  # in Fatima's scope
    client.force_login(fatima)
    url = reverse("contributors:role_create", kwargs={"project_id": project.public_id})
    data = {
        "contributor": cara.pk,
        "role_type": "co_researcher",
        "involvement_level": "partner",
        "starts_on": timezone.localdate().isoformat(),
        "expectations": "Interview people at home.",
        "frequency": "Weekly",
        "payment_offered": "£30 an hour",
        "feedback_arrangements": "Monthly email.",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Enhanced DBS check" in response.content.decode()
    assert not RoleAssignment.objects.exists()
    response = client.post(url, {**data, "assign_anyway": "on"})
    assert response.status_code == 302
    assert RoleAssignment.objects.get().involvement_level == "partner"


def test_someone_with_a_valid_check_is_assigned_without_a_warning(client, fatima, project, cara):
    from coproduction import services

    services.add_requirement(
        actor=fatima, project=project, role_type="co_researcher", check_kind="dbs_enhanced"
    )
    CheckRecordFactory(person=cara, expires_on=timezone.localdate() + timedelta(days=400))
    opted_in(cara)
    client.force_login(fatima)
    response = client.post(
        reverse("contributors:role_create", kwargs={"project_id": project.public_id}),
        {
            "contributor": cara.pk,
            "role_type": "co_researcher",
            "starts_on": timezone.localdate().isoformat(),
            "expectations": "Interview people.",
            "frequency": "Weekly",
            "payment_offered": "£30 an hour",
            "feedback_arrangements": "Monthly email.",
        },
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(contributor=cara).exists()


def test_the_project_page_counts_people_at_each_level(client, fatima, project, cara):
    RoleAssignmentFactory(contributor=cara, project=project, involvement_level="adviser")
    client.force_login(fatima)
    page = client.get(
        reverse("portal:project_detail", kwargs={"public_id": project.public_id})
    ).content.decode()
    assert "People in current roles at each involvement level" in page
    assert "Co-production log" in page
    assert "Adviser" in page


def test_agreeing_in_the_portal(client, project, cara):
    RoleAssignmentFactory(contributor=cara, project=project)
    rules = GroundRulesFactory(project=project)
    client.force_login(cara)
    response = client.post(
        reverse("coproduction:rules_agree", kwargs={"public_id": project.public_id}),
        {"rules": rules.public_id},
    )
    assert response.status_code == 302
    assert GroundRulesAgreement.objects.get().person == cara


def test_a_decision_from_the_form(client, fatima, project, cara):
    RoleAssignmentFactory(contributor=cara, project=project)
    client.force_login(fatima)
    response = client.post(
        reverse("coproduction:decision_create", kwargs={"public_id": project.public_id}),
        {
            "title": "Interviews at home",
            "decided_on": timezone.localdate().isoformat(),
            "stage": "design",
            "options": "Hospital or home.",
            "participants": [cara.pk, fatima.pk],
            "method": "vote",
            "views_changed_it": "yes",
            "how_views_changed_it": "They asked for home visits.",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert set(decision.participants.all()) == {cara, fatima}


def test_yes_without_saying_how_is_refused(client, fatima, project):
    client.force_login(fatima)
    response = client.post(
        reverse("coproduction:decision_create", kwargs={"public_id": project.public_id}),
        {
            "title": "Interviews at home",
            "decided_on": timezone.localdate().isoformat(),
            "stage": "design",
            "options": "Hospital or home.",
            "method": "vote",
            "views_changed_it": "yes",
        },
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_another_contributors_private_reflection_is_not_shown(client, project, cara, olu):
    RoleAssignmentFactory(contributor=cara, project=project)
    RoleAssignmentFactory(contributor=olu, project=project)
    Reflection.objects.create(
        project=project, author=cara, stage="design", visibility="private", power="Secret words"
    )
    client.force_login(olu)
    page = client.get(reverse("coproduction:reflection_list", kwargs={"public_id": project.public_id}))
    assert "Secret words" not in page.content.decode()
    client.force_login(cara)
    page = client.get(reverse("coproduction:reflection_list", kwargs={"public_id": project.public_id}))
    assert "Secret words" in page.content.decode()


def test_the_impact_report_has_the_logs_sections(project, cara, fatima, tmp_path):
    from impact import reports, selectors

    RoleAssignmentFactory(contributor=cara, project=project, involvement_level="partner")
    decision = DecisionFactory(project=project, title="Add days out of the house")
    decision.participants.set([cara, fatima])
    Reflection.objects.create(
        project=project, author=cara, stage="design", visibility="report", working="Being asked early."
    )
    Reflection.objects.create(
        project=project, author=cara, stage="design", visibility="team", working="Team only."
    )
    data = selectors.impact_report(project=project)
    csv = reports.impact_csv(data)
    pdf = _pdf_text(reports.impact_pdf(data), tmp_path)
    assert "Add days out of the house" in pdf
    assert "Being asked early." in pdf
    assert "Reflections shared for reports,1" in csv
    assert "Team only." not in pdf
    assert "Design: Partner,1" in csv
    assert "Key decisions taken with contributors,1" in csv
    # The PDF shows the same numbers as the CSV, as for the report's own sections.
    layout = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=reports.impact_pdf(data), capture_output=True, check=True
    ).stdout.decode()
    lines = [" ".join(line.split()) for line in layout.splitlines()]
    for section in data["extra_sections"]:
        for measure, value in section["rows"]:
            assert any(line.startswith(measure) and line.endswith(value) for line in lines), (measure, value)


def test_a_coordinator_records_a_check_from_the_persons_page(
    client, fatima, project, cara, other_coordinator
):
    profile = ContributorFactory(user=cara)
    RoleAssignmentFactory(contributor=cara, project=project)  # in Fatima's scope, not Sam's
    client.force_login(fatima)
    today = timezone.localdate()
    response = client.post(
        reverse("coproduction:person_learning", kwargs={"public_id": profile.public_id}),
        {
            "form": "check",
            "check-check_kind": "dbs_enhanced",
            "check-checked_on": today.isoformat(),
            "check-expires_on": (today + timedelta(days=1095)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert cara.checks.get().expires_on == today + timedelta(days=1095)
    client.force_login(other_coordinator)
    url = reverse("coproduction:person_learning", kwargs={"public_id": profile.public_id})
    assert client.get(url).status_code == 404


def test_an_offline_person_gets_no_email_but_the_coordinator_does(project, fatima):
    dennis = UserFactory(email=None, name="Dennis Morris", contributor=True)
    RoleAssignmentFactory(contributor=dennis, project=project)
    CheckRecordFactory(person=dennis)
    _sweep()
    assert [m.to for m in mail.outbox] == [["fatima@example.org"]]


def test_people_interested_in_a_role_show_the_checks_they_lack(client, fatima, project, cara, olu):
    from contributors.models import ExpressionOfInterest
    from coproduction import services
    from tests.factories import OpportunityFactory

    services.add_requirement(
        actor=fatima, project=project, role_type="co_researcher", check_kind="dbs_enhanced"
    )
    opportunity = OpportunityFactory(project=project, role_type="co_researcher")
    for person in (cara, olu):
        ExpressionOfInterest.objects.create(opportunity=opportunity, contributor=person)
    CheckRecordFactory(person=olu, expires_on=timezone.localdate() + timedelta(days=300))
    client.force_login(fatima)
    page = client.get(
        reverse("contributors:opportunity_interests", kwargs={"public_id": opportunity.public_id})
    ).content.decode()
    assert page.count("Does not have: Enhanced DBS check") == 1
    cara_row = page[page.index("Cara Bennett") : page.index("Cara Bennett") + 300]
    assert "Does not have: Enhanced DBS check" in cara_row


def test_a_contributors_home_asks_them_to_agree_new_rules_and_warns_of_an_expiring_check(
    client, project, cara
):
    ContributorFactory(user=cara)
    RoleAssignmentFactory(contributor=cara, project=project)
    GroundRulesFactory(project=project)
    CheckRecordFactory(person=cara, check_kind="safeguarding")
    client.force_login(cara)
    page = client.get(reverse("portal:home")).content.decode()
    assert f"Read and agree the ground rules for {project.title}" in page
    assert "Your Safeguarding training expires on" in page


def test_agreeing_to_rules_that_are_not_this_projects_is_404(client, project, cara):
    RoleAssignmentFactory(contributor=cara, project=project)
    other = GroundRulesFactory()
    client.force_login(cara)
    url = reverse("coproduction:rules_agree", kwargs={"public_id": project.public_id})
    assert client.post(url, {"rules": other.public_id}).status_code == 404
    assert client.post(url, {"rules": "not-a-uuid"}).status_code == 404
    assert not GroundRulesAgreement.objects.exists()


def test_the_data_page_and_download_show_a_persons_learning(client, cara):
    from coproduction import services
    from tests.factories import CourseFactory

    ContributorFactory(user=cara)
    services.record_learning(
        actor=cara,
        person=cara,
        course=CourseFactory(title="Reviewing grant applications"),
        completed_on=timezone.localdate(),
    )
    client.force_login(cara)
    page = client.get(reverse("contributors:my_data_section", args=["learning-checks-and-coproduction"]))
    assert page.status_code == 200
    assert "Reviewing grant applications" in page.content.decode()
