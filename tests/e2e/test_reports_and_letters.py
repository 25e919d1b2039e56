"""Issue 9 items 14 and 16, walked as staff and the public do: the letters page at 320px and
its one PDF of letters, the report-waiting page without a meta refresh, the diversity report
against the Census, and the public "what changed" page."""

import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contributors.models import ContactTask, Contributor
from impact.models import ReportRequest, ReportStatus
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ImpactEntryFactory, UserFactory


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def letters_due(db, fatima):
    """Two people by post (one asked for large print), one by phone, with long links in the text,
    all registered by Fatima (so in her scope)."""
    ann = UserFactory(name="Ann Post", email=None, contributor=True)
    Contributor.objects.create(
        registered_by=fatima,
        user=ann,
        contact_method="post",
        address="1 High Street\nLeeds",
        postcode="LS1 1AA",
        access_needs=["large_print"],
    )
    ben = UserFactory(name="Ben Letter", email=None, contributor=True)
    Contributor.objects.create(
        registered_by=fatima, user=ben, contact_method="post", address="2 Low Road\nYork", postcode="YO1 1AA"
    )
    cal = UserFactory(name="Cal Phone", email=None, contributor=True)
    Contributor.objects.create(registered_by=fatima, user=cal, contact_method="phone", phone="0113 496 0001")
    link = "http://localhost:8105/feedback/given/7f1d2a9e-6b4c-4f0e-9d57-2c1b8e3a4f60/letter.pdf"
    for user, subject in ((ann, "Feedback on Leaflet review"), (ann, "Your new role"), (ben, "Thank you")):
        ContactTask.objects.create(
            contributor=user.contributor,
            channel="post",
            subject=subject,
            body=f"Send them this. Print the letter: {link}",
            letter=f"Some news about {subject.lower()}.",
        )
    ContactTask.objects.create(
        contributor=cal.contributor, channel="phone", subject="Call Cal", body="About Monday"
    )


def test_letters_page_fits_320px_and_prints_every_letter_due_in_one_pdf(
    page, live_server, fatima, letters_due, tmp_path
):
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("contributors:contact_tasks"))
    check_page(page, "letters and calls")
    button = page.get_by_role("button", name="Print all 3 letters to send (PDF)")
    # The PDF opens in the browser to print; fetch it with the same signed-in session.
    response = page.context.request.get(live_server.url + button.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "letters.pdf"
    path.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page")], check=True)
    text = _pdf_text(path)
    pages = text.split("\f")
    # Ann's two letters are together; Ben starts a new page; the phone call is not a letter.
    ann_page = next(p for p in pages if "Dear Ann" in p)
    assert "Feedback on Leaflet review" in ann_page
    assert "Your new role" in ann_page
    assert "Dear Ben" not in ann_page
    assert any("Dear Ben" in p for p in pages)
    assert "Cal Phone" not in text
    # What the person reads, never the note to staff.
    assert "Some news about your new role." in ann_page
    assert "Print the letter" not in text


def test_report_waiting_page_has_no_meta_refresh_and_updates_itself(page, live_server, fatima, project):
    report = ReportRequest.objects.create(
        requested_by=fatima,
        kind="impact",
        project=project,
        start_on=timezone.localdate(),
        end_on=timezone.localdate(),
    )
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("impact:report_detail", args=[report.public_id]))
    check_page(page, "report waiting")  # axe fails a page that refreshes itself
    expect(page.get_by_role("button", name="Check again")).to_be_visible()
    ReportRequest.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, error="Try a shorter period."
    )
    # The page's own script asks again and shows the new state, without a reload.
    expect(page.get_by_text("Try a shorter period.")).to_be_visible(timeout=12_000)
    check_page(page, "report failed, updated in place")


def test_public_page_does_not_count_nothing_changed_as_a_change(page, live_server, project):
    ImpactEntryFactory(project=project, title="A shorter leaflet", published=True)
    ImpactEntryFactory(project=project, title="Video idea", outcome="not_changed", published=True)
    page.goto(live_server.url + reverse("impact:public_changes"))
    by_project = page.get_by_role("listitem").filter(has_text=project.title)
    expect(by_project).to_contain_text("1 change;")
    expect(by_project).to_contain_text("1 time nothing changed")
    check_page(page, "public what changed")


def _make_diversity_report(page, live_server, tmp_path):
    page.goto(live_server.url + reverse("impact:report_list"))
    check_page(page, "reports")
    page.get_by_label("Diversity of the people who took part").check()
    page.get_by_role("button", name="Make the report").click()
    expect(page.get_by_text("Your report is ready.")).to_be_visible()
    check_page(page, "report ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    path = tmp_path / "diversity.pdf"
    info.value.save_as(path)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page")], check=True)
    return " ".join(_pdf_text(path).split())


def test_diversity_report_compares_those_who_answered_and_a_small_one_says_so(
    page, live_server, morgan, project, tmp_path
):
    from tests.factories import ActivityFactory
    from tests.impact.test_reports import attend

    meeting = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=20))
    for _ in range(3):
        attend(UserFactory(contributor=True), meeting, sex="female")
    sign_in(page, live_server, "morgan@example.org")
    text = _make_diversity_report(page, live_server, tmp_path)
    assert "Too few people to report on" in text
    assert "[c]" not in text
    assert "Page 1 of 1" in text

    for sex, n in (("female", 3), ("male", 6), ("", 12)):
        for _ in range(n):
            attend(UserFactory(contributor=True), meeting, **({"sex": sex} if sex else {}))
    text = _make_diversity_report(page, live_server, tmp_path)
    assert "as a share of those who answered" in text
    # 6 women of the 12 who answered sex, of 24 people: 50% against the Census's 51%, 25% of all.
    assert "Female 6 50.0% 25.0%" in text
    assert "Female 6 50.0% 51.0% 0.98 25.0%" in text
