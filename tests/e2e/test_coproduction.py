"""The co-production log in a browser: a coordinator and two contributors agree the ground
rules, a decision is logged with contributors taking part and linked to an impact entry, a
contributor writes a shareable reflection, and the project's impact report shows both; a
contributor records a course; a coordinator sees an expiring check and the person is
reminded once."""

import subprocess
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coproduction.models import Decision, GroundRulesAgreement, LearningRecord
from tests.e2e.conftest import check_page, sign_in
from tests.factories import (
    ActivityFactory,
    CheckRecordFactory,
    ContributorFactory,
    CourseFactory,
    ImpactEntryFactory,
    RoleAssignmentFactory,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def stroke_team(cara, olu, fatima, project):
    for person, level in ((cara, "partner"), (olu, "co_thinker")):
        ContributorFactory(user=person)
        RoleAssignmentFactory(contributor=person, project=project, involvement_level=level)
    ImpactEntryFactory(project=project, title="Days out of the house became a main outcome", stage="design")
    CourseFactory(title="Interviewing skills for co-researchers", added_by=fatima)
    CheckRecordFactory(person=olu, recorded_by=fatima, expires_on=timezone.localdate() + timedelta(days=20))
    return project


def _as(page, live_server, email):
    page.context.clear_cookies()
    sign_in(page, live_server, email)


def test_a_team_keeps_a_coproduction_log_that_the_impact_report_shows(
    page, live_server, stroke_team, tmp_path
):
    project = stroke_team
    log_url = live_server.url + reverse("coproduction:log", kwargs={"public_id": project.public_id})

    # The coordinator writes the ground rules from the project page, and agrees them.
    _as(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("portal:project_detail", kwargs={"public_id": project.public_id}))
    expect(page.get_by_role("heading", name="Co-production log")).to_be_visible()
    expect(page.get_by_text("People in current roles at each involvement level")).to_be_visible()
    check_page(page, "project page with the co-production panel")
    page.get_by_role("link", name="Open the co-production log").click()
    page.get_by_role("link", name="Write the ground rules").click()
    check_page(page, "ground rules form")
    page.get_by_label("The ground rules").fill(
        "We listen to each other.\nWhat people share stays in the room."
    )
    page.get_by_role("button", name="Save the ground rules").click()
    page.get_by_role("button", name="I agree these ground rules").click()
    expect(page.locator("#agreements")).to_contain_text("Fatima Rahman")

    # Both contributors agree in the portal.
    for email in ("cara@example.org", "olu@example.org"):
        _as(page, live_server, email)
        page.goto(log_url)
        expect(page.locator("#ground-rules")).to_contain_text("What people share stays in the room.")
        if email == "cara@example.org":
            check_page(page, "the log, as a contributor")
        page.get_by_role("button", name="I agree these ground rules").click()
        expect(page.get_by_text("You agreed the ground rules (version 1).")).to_be_visible()
    assert GroundRulesAgreement.objects.filter(rules__project=project).count() == 3

    # The coordinator logs a decision both contributors took part in, linked to the impact entry.
    _as(page, live_server, "fatima@example.org")
    page.goto(log_url)
    expect(page.locator("#agreements")).to_contain_text("Olu Adebayo")
    page.get_by_role("link", name="Log a decision").click()
    page.get_by_label("What was decided").fill("Make days out of the house a main outcome")
    page.get_by_label("The options considered").fill("Physical recovery only, or days out of the house too.")
    for who in ("Cara Bennett (contributor)", "Olu Adebayo (contributor)", "Fatima Rahman (staff)"):
        page.get_by_label(who).check()
    page.get_by_label("Consensus").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("How their views changed it, or why not").fill(
        "Contributors said getting out mattered most."
    )
    page.get_by_label("Days out of the house became a main outcome").check()
    check_page(page, "decision form")
    page.get_by_role("button", name="Log the decision").click()
    expect(page.get_by_role("heading", name="Make days out of the house a main outcome")).to_be_visible()
    expect(page.get_by_text("Cara Bennett, Olu Adebayo")).to_be_visible()
    check_page(page, "decision page")
    decision = Decision.objects.get()
    assert decision.impact_entries.get().title == "Days out of the house became a main outcome"

    # A contributor writes a reflection the reports may quote.
    _as(page, live_server, "cara@example.org")
    page.goto(log_url)
    page.get_by_role("link", name="Write a reflection").click()
    page.get_by_label("Power: who shaped the work at this stage, and who did not?").fill(
        "We changed the main outcome in one morning."
    )
    page.get_by_label("Shareable: the team can read it and it may be quoted in reports").check()
    check_page(page, "reflection form")
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_text("We changed the main outcome in one morning.")).to_be_visible()
    check_page(page, "reflections, with the author's visibility control")

    # The project's impact report shows the decision and the reflection.
    _as(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("impact:report_list"))
    page.get_by_label("Impact of public involvement").check()
    page.get_by_label("For").select_option(label=project.title)
    page.get_by_role("button", name="Make the report").click()
    expect(page.get_by_text("Your report is ready.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = tmp_path / "impact.pdf"
    info.value.save_as(pdf)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )
    assert "Key decisions taken with contributors" in text
    assert "Make days out of the house a main outcome" in text
    assert "2 contributors and 1 staff" in text
    assert "Impact entries: Days out of the house became a main outcome" in text
    assert "Critical perspective from the team" in text
    assert "We changed the main outcome in one morning." in text
    assert "Cara Bennett" not in text  # quoted, not named
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "coproduction-impact-report")],
        check=True,
    )

    # A contributor records a course they finished.
    _as(page, live_server, "cara@example.org")
    page.get_by_role("link", name="Learning", exact=True).click()
    page.get_by_label("What you did").select_option(label="Interviewing skills for co-researchers")
    page.get_by_label("When you finished it").fill(timezone.localdate().isoformat())
    page.get_by_label("Evidence (optional)").fill("Certificate 4471")
    check_page(page, "my learning")
    page.get_by_role("button", name="Add to my learning").click()
    expect(page.get_by_text("Certificate 4471")).to_be_visible()
    assert LearningRecord.objects.get().source == "self"

    # The coordinator sees Olu's check expiring; Olu is reminded once however often the sweep runs.
    _as(page, live_server, "fatima@example.org")
    expect(page.get_by_text("Checks expiring soon")).to_be_visible()
    page.get_by_role("link", name="Checks", exact=True).click()
    expect(page.locator("#expiring")).to_contain_text("Olu Adebayo")
    check_page(page, "checks")
    mail.outbox.clear()
    call_command("send_reminders", only="coproduction-check-expiry", stdout=StringIO())
    call_command("send_reminders", only="coproduction-check-expiry", stdout=StringIO())
    to_olu = [m for m in mail.outbox if m.to == ["olu@example.org"]]
    assert len(to_olu) == 1
    assert "Enhanced DBS check expires on" in to_olu[0].subject
    assert [m.to for m in mail.outbox].count(["fatima@example.org"]) == 1


def test_every_coproduction_page_passes_axe_and_fits_320(page, live_server, stroke_team, cara):
    project = stroke_team
    from coproduction import services

    services.set_ground_rules(actor=project.lead, project=project, text="We listen.")
    services.add_requirement(
        actor=project.lead, project=project, role_type="co_researcher", check_kind="dbs_enhanced"
    )
    services.write_reflection(actor=cara, project=project, stage="design", visibility="team", voice="Heard.")
    p = {"public_id": project.public_id}
    training = ActivityFactory(project=project, kind="training", title="Interviewing skills session")
    _as(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("portal:activity_detail", kwargs={"public_id": training.public_id}))
    page.get_by_label("This activity is a session of").select_option(
        label="Interviewing skills for co-researchers"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Everyone who attends is recorded")).to_be_visible()
    check_page(page, "training activity with its course")
    for name, kwargs in [
        ("portal:home", None),
        ("coproduction:rules_record", p),
        ("coproduction:requirements", p),
        ("coproduction:reflection_list", p),
        ("coproduction:catalogue", None),
        ("coproduction:course_create", None),
        ("coproduction:person_learning", {"public_id": cara.contributor.public_id}),
        ("contributors:person_detail", {"public_id": cara.contributor.public_id}),
    ]:
        page.goto(live_server.url + reverse(name, kwargs=kwargs))
        check_page(page, name)
    _as(page, live_server, "cara@example.org")
    for name in ("portal:home", "contributors:profile", "contributors:my_roles"):
        page.goto(live_server.url + reverse(name))
        check_page(page, name)
    expect(page.get_by_text("Partner", exact=True)).to_be_visible()
