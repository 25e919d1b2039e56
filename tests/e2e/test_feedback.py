"""The feedback journey in a browser: owed, written, read, rated, replied, counted on time."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback import services
from portal.models import ParticipationStatus
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, FeedbackOwedFactory, ParticipationFactory


@pytest.fixture
def after_an_activity(cara, fatima, morgan, project):
    """Cara attended a leaflet review; older feedback on the project is already overdue."""
    activity = ActivityFactory(
        project=project, title="Leaflet review", starts_at=timezone.now() - timedelta(days=3)
    )
    participation = ParticipationFactory(
        activity=activity, contributor=cara, status=ParticipationStatus.ATTENDED
    )
    services.record_feedback_owed(participation=participation, actor=fatima)
    old = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=60))
    FeedbackOwedFactory(participation__activity=old, due_on=timezone.localdate() - timedelta(days=30))
    return activity


def _switch_user(page, live_server, email):
    page.context.clear_cookies()
    sign_in(page, live_server, email)


def test_feedback_is_written_read_rated_and_counted_on_time(page, live_server, after_an_activity):
    sign_in(page, live_server, "morgan@example.org")
    page.goto(f"{live_server.url}/feedback/on-time/")
    expect(page.locator(".portal-counts").first).to_contain_text("0.0%")
    check_page(page, "manager compliance before")

    _switch_user(page, live_server, "fatima@example.org")
    page.get_by_role("link", name="Feedback owed", exact=True).click()
    check_page(page, "feedback owed list")
    page.get_by_role("link", name="Leaflet review").click()
    expect(page.get_by_role("heading", name="Write feedback on Leaflet review")).to_be_visible()
    check_page(page, "write feedback")
    page.get_by_label("Thank you, and what we received").fill("Thank you for 41 careful comments.")
    page.locator("#id_items-0-you_said").fill("The leaflet used too much jargon.")
    page.locator("#id_items-0-changed_1").check()
    page.locator("#id_items-0-we_did").fill("We explained every technical word.")
    page.locator("#id_items-1-you_said").fill("Add a video.")
    page.locator("#id_items-1-changed_2").check()
    page.locator("#id_items-1-why_not_reason").select_option("word_or_time_limits")
    page.get_by_label("Personal note for Cara Bennett (optional)").fill("Your jargon list was gold.")
    page.get_by_role("button", name="Preview and send").click()
    page.get_by_role("button", name="Send feedback to 1 person").click()
    expect(page.get_by_text("Feedback sent to 1 person.")).to_be_visible()
    check_page(page, "feedback sent")

    _switch_user(page, live_server, "cara@example.org")
    page.get_by_role("link", name="Feedback on Leaflet review").click()
    expect(page.get_by_text("Your jargon list was gold.")).to_be_visible()
    expect(page.get_by_text("Why not: Word or time limits")).to_be_visible()
    check_page(page, "contributor reads feedback")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Reply to the coordinator (optional)").fill("Thank you, that is reassuring.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your reply has been sent.")).to_be_visible()
    check_page(page, "contributor replied")

    _switch_user(page, live_server, "morgan@example.org")
    page.goto(f"{live_server.url}/feedback/on-time/")
    expect(page.locator(".portal-counts").first).to_contain_text("50.0%")
    expect(page.locator(".portal-counts").first).to_contain_text("4.0 / 5")


def test_feedback_panels_and_lists_are_accessible_at_320px(page, live_server, after_an_activity, olu):
    from contributors.models import Contributor

    Contributor.objects.create(user=olu, contact_method="post", address="1 High Street", postcode="LS1 1AA")
    tomorrow = ActivityFactory(
        project=after_an_activity.project,
        title="Panel tomorrow",
        starts_at=timezone.now() + timedelta(days=1),
    )
    ParticipationFactory(activity=tomorrow, contributor=olu, status=ParticipationStatus.CONFIRMED)
    sign_in(page, live_server, "fatima@example.org")
    expect(page.get_by_role("heading", name="Feedback you owe")).to_be_visible()
    check_page(page, "coordinator home with feedback panel")
    page.goto(f"{live_server.url}/activities/{after_an_activity.public_id}/")
    expect(page.get_by_role("link", name="Write feedback")).to_be_visible()
    check_page(page, "activity page feedback panel")
    page.goto(f"{live_server.url}/projects/{after_an_activity.project.public_id}/")
    expect(page.get_by_role("heading", name="Feedback to contributors")).to_be_visible()
    check_page(page, "project page feedback panel")
    page.goto(f"{live_server.url}/feedback/to-contact/")
    expect(page.get_by_role("cell", name="Olu Adebayo", exact=True)).to_be_visible()
    check_page(page, "people to call or write to")

    _switch_user(page, live_server, "cara@example.org")
    expect(page.get_by_text("Feedback we still owe you:")).to_be_visible()
    check_page(page, "contributor home with feedback panel")
    page.goto(f"{live_server.url}/feedback/mine/")
    check_page(page, "your feedback")
