"""Each persona signs in, lands on their home page and reaches their pages: accessible, at 320px."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import User
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ParticipationFactory, opted_in


@pytest.fixture
def demo(cara, olu, fatima, morgan, project):
    activity = ActivityFactory(project=project, title="Steering group meeting")
    ParticipationFactory(activity=activity, contributor=cara)
    # Fatima has no link to Olu: she finds him through his directory opt-in (portal.people).
    opted_in(olu)
    return {"activity": activity, "project": project}


def test_sign_in_page_is_accessible_to_anonymous_visitors(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_page(page, "sign in")
    page.goto(f"{live_server.url}/accounts/signup/")
    check_page(page, "sign up")


def test_wrong_password_shows_an_error_summary_and_keeps_the_email(page, live_server, cara):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("cara@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.get_by_label("Email").input_value() == "cara@example.org"
    check_page(page, "sign in error")


def test_contributor_lands_on_home_with_next_activity(page, live_server, demo):
    sign_in(page, live_server, "cara@example.org")
    expect(page.get_by_role("heading", name="Hello, Cara")).to_be_visible()
    expect(page.get_by_role("link", name="Steering group meeting")).to_be_visible()
    check_page(page, "contributor home")
    page.get_by_role("link", name="Steering group meeting").click()
    expect(page.get_by_role("heading", name="Steering group meeting")).to_be_visible()
    check_page(page, "contributor activity")


def test_coordinator_creates_a_project_and_an_activity_by_keyboard(page, live_server, demo):
    sign_in(page, live_server, "fatima@example.org")
    check_page(page, "coordinator home")
    page.goto(live_server.url + reverse("portal:project_create"))
    check_page(page, "project form")
    page.get_by_role("button", name="Save project").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page(page, "project form errors")
    page.get_by_label("Title").fill("Living well with diabetes")
    page.get_by_label("Summary").fill("How people manage insulin at work.")
    page.get_by_label("Involvement budget (£)").fill("1500.00")
    page.get_by_label("Involvement budget (£)").press("Enter")
    expect(page.get_by_role("heading", name="Living well with diabetes")).to_be_visible()
    check_page(page, "project detail")
    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Title").fill("First advisory group")
    page.get_by_label("Date and time").fill("2027-03-14T10:00")
    page.get_by_label("Expected hours").fill("2")
    page.get_by_label("Online").check()
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("heading", name="First advisory group")).to_be_visible()
    # Each person is shown with the hint that tells namesakes apart (portal.people).
    olu = User.objects.get(email="olu@example.org")
    page.get_by_label("Contributor").select_option(label=olu.name_with_hint)
    page.get_by_role("button", name="Add to activity").click()
    expect(page.get_by_role("cell", name="Olu Adebayo", exact=True)).to_be_visible()
    check_page(page, "activity detail")


def test_manager_sees_organisation_counts(page, live_server, demo):
    sign_in(page, live_server, "morgan@example.org")
    expect(page.get_by_text("Active projects")).to_be_visible()
    check_page(page, "manager home")
    page.goto(live_server.url + reverse("portal:project_list"))
    check_page(page, "manager projects")


def test_keyboard_users_can_skip_straight_to_the_content(page, live_server, demo):
    sign_in(page, live_server, "cara@example.org")
    page.goto(live_server.url + reverse("portal:project_list"))  # a page with no banner taking focus
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"


def test_password_reset_and_two_factor_pages_are_accessible(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/password/reset/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "password reset")
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("mfa_index"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "two-factor authentication")
    page.goto(live_server.url + reverse("mfa_activate_totp"))
    if page.get_by_label("Password").count():  # allauth asks for the password again first
        page.get_by_label("Password").fill("portal-test-pass")
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_label("Authenticator code")).to_be_visible()
    check_page(page, "set up an authenticator app")
    page.goto(live_server.url + reverse("portal:reminder_settings"))
    check_page(page, "email reminder choices")
