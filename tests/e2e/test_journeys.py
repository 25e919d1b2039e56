"""Issue 9, "People, dates and formats": each journey walked as the person did, in Chromium,
with axe and the 320px check on every page opened."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contributors.models import RoleAssignment
from portal.models import ParticipationStatus
from tests.e2e.conftest import check_page, enter_totp, give_authenticator, sign_in
from tests.factories import (
    ActivityFactory,
    ContributorFactory,
    ParticipationFactory,
    RateCardRowFactory,
    RoleAssignmentFactory,
)


def test_a_role_starting_next_week_reads_not_started_to_everyone_and_the_activity_waits(
    page, live_server, fatima, cara, project
):
    """Item 7: coordinators saw "Ended", the contributor "Not started"; a next-week activity could
    be marked attended and claimed today."""
    ContributorFactory(user=cara)
    RoleAssignmentFactory(
        contributor=cara,
        project=project,
        role_type="lay_reviewer",
        starts_on=timezone.localdate() + timedelta(days=7),
    )
    activity = ActivityFactory(project=project, title="Advisory group, next week")
    participation = ParticipationFactory(activity=activity, contributor=cara)

    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("portal:project_detail", args=[project.public_id]))
    roles = page.locator("li", has_text="Lay reviewer")
    expect(roles.get_by_text("Not started")).to_be_visible()
    expect(roles.get_by_text("Ended")).to_have_count(0)
    check_page(page, "project roles")

    page.goto(live_server.url + reverse("portal:activity_detail", args=[activity.public_id]))
    expect(page.get_by_text("You can record who attended once the activity has started")).to_be_visible()
    options = page.get_by_label(f"Status for {cara}").locator("option")
    expect(options).to_have_text(["Invited", "Confirmed"])
    check_page(page, "activity not started")
    # A stale form (or a crafted one) asking for "attended" is refused, and nothing changes.
    page.evaluate(
        """() => { const s = document.querySelector('select[name=status]');
                   s.add(new Option('Attended', 'attended')); s.value = 'attended'; }"""
    )
    page.get_by_role("button", name=re.compile("^Update")).click()
    expect(
        page.locator(".govuk-notification-banner, .govuk-error-summary, [role=alert]")
        .filter(has_text="once the activity has started")
        .first
    ).to_be_visible()
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.INVITED

    page.context.clear_cookies()
    sign_in(page, live_server, "cara@example.org")
    page.goto(live_server.url + reverse("contributors:my_roles"))
    expect(
        page.get_by_role("heading", name=re.compile("Lay reviewer")).get_by_text("Not started")
    ).to_be_visible()
    check_page(page, "your roles")
    page.goto(live_server.url + reverse("portal:activity_detail", args=[activity.public_id]))
    expect(page.get_by_role("button", name="Claim for this activity")).to_have_count(0)
    check_page(page, "activity for the contributor")


def test_contributor_accepts_the_role_agreement_and_the_coordinator_sees_it(
    page, live_server, fatima, cara, project
):
    """Item 12: the agreement is accepted in the portal, dated; the coordinator sees who has."""
    ContributorFactory(user=cara)
    role = RoleAssignmentFactory(
        contributor=cara, project=project, role_type="advisory_group", frequency="Once a month"
    )
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("portal:project_detail", args=[project.public_id]))
    expect(
        page.locator("li", has_text="Advisory group member").get_by_text("not accepted yet")
    ).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, "cara@example.org")
    page.goto(live_server.url + reverse("contributors:my_roles"))
    expect(page.get_by_text("Not accepted yet.")).to_be_visible()
    check_page(page, "your roles before accepting")
    page.get_by_role("button", name=re.compile("Accept this agreement")).click()
    expect(page.get_by_text("You have accepted the agreement for Advisory group member")).to_be_visible()
    today = timezone.localdate()
    expect(page.get_by_text(f"You accepted this agreement on {today:%-d %B %Y}.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Accept this agreement"))).to_have_count(0)
    check_page(page, "your roles after accepting")
    role.refresh_from_db()
    assert role.accepted_at is not None

    page.context.clear_cookies()
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("portal:project_detail", args=[project.public_id]))
    expect(
        page.locator("li", has_text="Advisory group member").get_by_text(f"accepted on {today:%-d %b %Y}")
    ).to_be_visible()
    check_page(page, "project roles after accepting")
    assert RoleAssignment.objects.filter(accepted_at__isnull=False).count() == 1


def test_your_data_reads_in_words_at_320px(page, live_server, cara, project):
    """Item 9: it was a 14-column table one letter per line, raw `{'description': …}` text and
    audit codes like `diversity.read`."""
    from payments.services import start_claim

    ContributorFactory(user=cara, access_needs=["large_print"])
    RateCardRowFactory()
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True, title="Steering group"),
        contributor=cara,
        status=ParticipationStatus.ATTENDED,
    )
    start_claim(actor=cara, participation=participation)

    sign_in(page, live_server, "cara@example.org")
    page.goto(live_server.url + reverse("contributors:equality"))
    page.get_by_label(re.compile("I agree that the portal keeps these answers")).check()
    page.get_by_role("button", name="Save my answers").click()
    page.goto(live_server.url + reverse("contributors:equality"))  # reading them is logged

    page.goto(live_server.url + reverse("contributors:my_data"))
    check_page(page, "your data")
    page.set_viewport_size({"width": 320, "height": 800})
    expect(page.get_by_text("Large print")).to_be_visible()
    page.screenshot(path="/tmp/journeys-my-data-320.png", full_page=True)
    for section, says in [
        ("Payments", re.compile("Description: .*Amount: £50.00")),
        ("Who looked at or changed your record", "Your equality monitoring answers were shown to you"),
    ]:
        page.goto(live_server.url + reverse("contributors:my_data"))
        page.get_by_role("link", name=section, exact=True).click()
        check_page(page, section)
        body = page.locator("main").inner_text()
        assert "{'" not in body
        assert "diversity." not in body
        assert "_" not in body
        assert page.locator("main table").count() == 0
        expect(page.get_by_role("heading", name=section, level=1)).to_be_visible()
        expect(page.get_by_text(says).first).to_be_visible()

    # The download keeps the raw data for programs.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all your data (JSON)").click()
    raw = download.value.path().read_text()
    assert '"action": "diversity.read"' in raw


def test_irreversible_actions_ask_first(page, live_server, cara, morgan, project):
    """Item 11: deleting equality answers, withdrawing a claim and erasure each ask first, on a
    page of their own; saying no changes nothing."""
    from contributors.models import DiversityRecord
    from payments.models import ClaimStatus
    from payments.services import start_claim

    ContributorFactory(user=cara)
    RateCardRowFactory()
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True),
        contributor=cara,
        status=ParticipationStatus.ATTENDED,
    )
    claim = start_claim(actor=cara, participation=participation)
    DiversityRecord.objects.create(user=cara, sex="female")

    sign_in(page, live_server, "cara@example.org")
    page.goto(live_server.url + reverse("contributors:equality"))
    page.get_by_role("button", name="Delete my answers").click()
    expect(page.get_by_role("heading", name="Delete your equality monitoring answers?")).to_be_visible()
    check_page(page, "confirm delete answers")
    page.get_by_role("link", name="No, go back").click()
    assert DiversityRecord.objects.filter(user=cara).exists()
    page.get_by_role("button", name="Delete my answers").click()
    page.get_by_role("button", name="Yes, delete my answers").click()
    expect(page.get_by_text("Your equality monitoring answers have been deleted")).to_be_visible()
    assert not DiversityRecord.objects.filter(user=cara).exists()

    page.goto(live_server.url + reverse("payments:claim_detail", args=[claim.public_id]))
    page.get_by_role("button", name="Withdraw claim").click()
    expect(page.get_by_role("heading", name="Withdraw this claim?")).to_be_visible()
    check_page(page, "confirm withdraw claim")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    page.get_by_role("button", name="Yes, withdraw the claim").click()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WITHDRAWN

    page.goto(live_server.url + reverse("contributors:erasure_request"))
    page.get_by_label(re.compile("Anything you would like to tell us")).fill("Moving abroad")
    page.get_by_label(re.compile("I understand", re.IGNORECASE)).check()
    page.get_by_role("button", name="Ask us to erase my data").click()
    expect(page.get_by_role("heading", name="Ask us to erase your data?")).to_be_visible()
    check_page(page, "confirm erasure request")
    assert not cara.erasure_requests.exists()
    page.get_by_role("button", name="Yes, ask to erase my data").click()
    expect(page.get_by_text("We have your request")).to_be_visible()
    assert cara.erasure_requests.get().reason == "Moving abroad"

    page.context.clear_cookies()
    sign_in(page, live_server, "morgan@example.org")
    # An erasure decision needs the authenticator app used in this session: asked once, then back.
    give_authenticator(morgan)
    page.goto(live_server.url + reverse("contributors:erasure_list"))
    page.get_by_label("Erase the person’s data").check()
    page.get_by_role("button", name=re.compile("Record decision")).click()
    enter_totp(page)
    page.get_by_label("Erase the person’s data").check()
    page.get_by_role("button", name=re.compile("Record decision")).click()
    expect(page.get_by_role("heading", name=f"Erase {cara.name}’s data?")).to_be_visible()
    check_page(page, "confirm erasure decision")
    cara.refresh_from_db()
    assert cara.is_active
    page.get_by_role("button", name=re.compile("Yes, erase")).click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    cara.refresh_from_db()
    assert cara.name == "Erased contributor"


def test_people_with_the_same_name_can_be_told_apart_and_long_pickers_searched(
    page, live_server, fatima, project
):
    """Item 10: two Sam Taylors looked the same in the directory and the pickers; "member 10"
    came before "member 2"; a long picker could not be searched."""
    from tests.factories import UserFactory, opted_in

    sams = [
        UserFactory(name="Sam Taylor", email=email, contributor=True)
        for email in ("sam@example.org", "staylor@example.net")
    ]
    for sam in sams:
        ContributorFactory(user=sam, in_directory=True)
    for n in (10, 2, 1, 11, 3, 12, 4, 13, 5, 14, 6, 15, 7, 8, 9):
        opted_in(UserFactory(name=f"Member {n}", contributor=True))
    activity = ActivityFactory(project=project)

    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("contributors:directory"))
    check_page(page, "directory")
    for sam in sams:
        expect(page.get_by_text(sam.name_with_hint.split(" (")[1].rstrip(")"))).to_be_visible()

    page.goto(live_server.url + reverse("portal:activity_detail", args=[activity.public_id]))
    check_page(page, "activity with a long picker")
    # Past 15 people the picker is a search first (issue 12): nobody listed until you search.
    labels = page.get_by_label("Contributor").locator("option").all_inner_texts()
    assert not [label for label in labels if label.startswith(("Member", "Sam"))], labels
    page.get_by_label("Find a person by name or email").fill("member")
    page.get_by_role("button", name="Find").click()
    labels = page.get_by_label("Contributor").locator("option").all_inner_texts()
    members = [label.split(" (")[0] for label in labels if label.startswith("Member")]
    assert members[:4] == ["Member 1", "Member 2", "Member 3", "Member 4"]
    page.get_by_label("Find a person by name or email").fill("sam taylor")
    page.get_by_role("button", name="Find").click()
    labels = page.get_by_label("Contributor").locator("option").all_inner_texts()
    sam_labels = [label for label in labels if label.startswith("Sam Taylor")]
    assert len(set(sam_labels)) == 2, sam_labels

    page.get_by_label("Find a person by name or email").fill("staylor")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("1 found for “staylor”")).to_be_visible()
    check_page(page, "picker searched")
    page.get_by_label("Contributor").select_option(label=sams[1].name_with_hint)
    page.get_by_role("button", name="Add to activity").click()
    expect(page.get_by_text("Sam Taylor added")).to_be_visible()
    assert activity.participations.get().contributor == sams[1]


def test_access_needs_show_where_staff_plan_and_large_print_is_honoured(
    page, live_server, fatima, cara, olu, project, tmp_path
):
    """Item 8: access needs were missing from an activity's participant list; a person who asked
    for large print got standard print."""
    import subprocess

    from contributors.models import ContactChannel, ContactTask

    dennis = ContributorFactory(
        user=cara, access_needs=["large_print", "step_free"], access_needs_other="Needs a break each hour"
    )
    ContributorFactory(user=olu)
    activity = ActivityFactory(project=project, title="Advisory group")
    ParticipationFactory(activity=activity, contributor=cara)
    ParticipationFactory(activity=activity, contributor=olu)
    RoleAssignmentFactory(contributor=cara, project=project, role_type="lay_reviewer")
    ContactTask.objects.create(
        contributor=dennis, channel=ContactChannel.POST, subject="Agenda", body="Enclosed"
    )

    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("portal:activity_detail", args=[activity.public_id]))
    needs = page.locator(".govuk-summary-list", has_text="Step-free access")
    expect(needs.get_by_text(cara.name_with_hint)).to_be_visible()
    expect(needs.get_by_text("Large print; Step-free access; Needs a break each hour")).to_be_visible()
    expect(needs.get_by_text("Olu Adebayo")).to_have_count(0)  # nothing to plan for
    check_page(page, "activity with access needs")

    page.goto(live_server.url + reverse("portal:project_detail", args=[project.public_id]))
    expect(
        page.locator("li", has_text="Lay reviewer").get_by_text(re.compile("Access needs: Large print"))
    ).to_be_visible()
    check_page(page, "project roles with access needs")

    page.goto(live_server.url + reverse("contributors:contact_tasks"))
    expect(page.get_by_text(re.compile("Access needs:.*Large print"))).to_be_visible()
    check_page(page, "letters and calls with access needs")

    # Her certificate comes in large print: the same template with the large-print sheet.
    page.context.clear_cookies()
    sign_in(page, live_server, "cara@example.org")
    participation = activity.participations.get(contributor=cara)
    participation.activity.starts_at = timezone.now() - timedelta(days=1)
    participation.activity.save()
    participation.status = ParticipationStatus.ATTENDED
    participation.save()
    page.goto(live_server.url + reverse("impact:certificate_list"))
    check_page(page, "certificates")
    page.get_by_role("button", name=re.compile("certificate", re.IGNORECASE)).first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download", re.IGNORECASE)).first.click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), "/tmp/journeys-cert-large"],
        check=True,
    )

    from impact.models import Certificate
    from impact.reports import certificates_pdf

    standard = tmp_path / "standard.pdf"
    standard.write_bytes(certificates_pdf([Certificate.objects.get(contributor=cara)]))
    assert _word_height(pdf, "Advisory") >= 1.4 * _word_height(standard, "Advisory")


def _word_height(pdf, word: str) -> float:
    """The height in points of the first place `word` is printed (pdftotext's bounding boxes)."""
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    match = re.search(
        rf'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">{word}</word>', html
    )
    assert match, f"{word} not in {pdf}"
    return float(match.group(2)) - float(match.group(1))
