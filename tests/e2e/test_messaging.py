"""In a browser: a coordinator messages an activity's people; each gets it by their channel,
sees it in the portal; one replies and the coordinator reads the reply."""

from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from portal.models import ParticipationStatus
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ContributorFactory, ParticipationFactory, UserFactory
from tests.messaging.conftest import notify  # noqa: F401  (the stand-in Notify server)

TEXT_PHONE = "+447400123456"


@pytest.fixture
def steering_group(fatima, project):
    activity = ActivityFactory(project=project, title="Steering group", location="Room 4")
    for email, name, method, extra in [
        ("ella@example.org", "Ella Email", "email", {}),
        ("tomi@example.org", "Tomi Text", "text", {"phone": TEXT_PHONE}),
        ("pat@example.org", "Pat Post", "post", {"address": "1 High Street\nLeeds", "postcode": "LS1 1AA"}),
    ]:
        user = UserFactory(email=email, name=name, contributor=True)
        ContributorFactory(user=user, contact_method=method, **extra)
        ParticipationFactory(activity=activity, contributor=user, status=ParticipationStatus.CONFIRMED)
    return activity


def _switch_user(page, live_server, email):
    page.context.clear_cookies()
    sign_in(page, live_server, email)


def test_a_coordinator_messages_an_activitys_people(page, live_server, steering_group, notify, mailoutbox):  # noqa: F811
    sign_in(page, live_server, "fatima@example.org")
    page.goto(f"{live_server.url}/activities/{steering_group.public_id}/")
    page.get_by_role("link", name="Message the people taking part").click()
    check_page(page, "write a message")
    page.get_by_label("Everyone invited or taking part").check()
    page.get_by_label("Subject").fill("Room change")
    page.get_by_label("Message", exact=True).fill("We now meet in Room 9.")
    page.get_by_role("button", name="Preview who gets it").click()
    expect(page.get_by_role("heading", name="3 people get this message")).to_be_visible()
    expect(page.locator("#preview-counts")).to_contain_text("Email: 1")
    expect(page.locator("#preview-counts")).to_contain_text("Text message: 1")
    expect(page.locator("#preview-counts")).to_contain_text("Letter: 1")
    check_page(page, "message preview")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message is on its way to 3 people.")).to_be_visible()
    check_page(page, "sent message")

    assert [m.to for m in mailoutbox] == [["ella@example.org"]]
    [text] = notify.texts_to(TEXT_PHONE)
    assert "Room 9" in text["personalisation"]["body"]

    page.goto(f"{live_server.url}/contributors/letters-and-calls/")
    expect(page.get_by_text("Pat Post").first).to_be_visible()
    expect(page.get_by_text("We now meet in Room 9.").first).to_be_visible()

    for email in ("tomi@example.org", "pat@example.org"):
        _switch_user(page, live_server, email)
        page.goto(f"{live_server.url}/messages/")
        expect(page.get_by_role("link", name="Room change")).to_be_visible()

    _switch_user(page, live_server, "ella@example.org")
    page.get_by_role("link", name="Read your messages").click()
    check_page(page, "inbox")
    page.get_by_role("link", name="Room change").click()
    expect(page.get_by_text("We now meet in Room 9.")).to_be_visible()
    check_page(page, "a message")
    page.get_by_label("Your reply").fill("Thanks, I will be there.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply went to Fatima Rahman.")).to_be_visible()

    _switch_user(page, live_server, "fatima@example.org")
    page.goto(f"{live_server.url}/messages/")
    expect(page.get_by_text("1 new")).to_be_visible()
    page.get_by_role("link", name="Room change").click()
    expect(page.get_by_text("Thanks, I will be there.")).to_be_visible()
    expect(page.get_by_role("row", name="Pat Post")).to_contain_text("On the letters and calls list")
    check_page(page, "sent message with reply")


def test_calendar_page_reminder_lead_times_and_activity_download(page, live_server, steering_group):
    sign_in(page, live_server, "ella@example.org")
    page.goto(f"{live_server.url}/messages/calendar/")
    check_page(page, "calendar feed")
    page.goto(f"{live_server.url}/account/reminders/")
    page.get_by_label("A week before").check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_label("A week before")).to_be_checked()
    expect(page.get_by_label("The day before")).to_be_checked()
    check_page(page, "reminder lead times")
    page.goto(f"{live_server.url}/activities/{steering_group.public_id}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to your calendar (.ics)").click()
    [event] = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert event["SUMMARY"] == "Steering group"
