"""Issue 9 items 11 (feedback is previewed before it is sent) and 13 (a reply becomes a
conversation), walked in the browser by the coordinator and the contributor."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from feedback import services
from feedback.models import FeedbackOwed, FeedbackOwedStatus
from portal.models import ParticipationStatus
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ParticipationFactory


@pytest.fixture
def leaflet_review(cara, fatima, project):
    activity = ActivityFactory(
        project=project, title="Leaflet review", starts_at=timezone.now() - timedelta(days=3)
    )
    participation = ParticipationFactory(
        activity=activity, contributor=cara, status=ParticipationStatus.ATTENDED
    )
    services.record_feedback_owed(participation=participation, actor=fatima)
    return activity


def _switch_user(page, live_server, email):
    page.context.clear_cookies()
    sign_in(page, live_server, email)


def test_coordinator_checks_a_preview_then_sends_and_can_go_back_to_change_it(
    page, live_server, leaflet_review
):
    sign_in(page, live_server, "fatima@example.org")
    page.goto(f"{live_server.url}/feedback/activities/{leaflet_review.public_id}/write/")
    page.get_by_label("Thank you, and what we received").fill("Thank you for 41 careful comments.")
    page.locator("#id_items-0-you_said").fill("The leaflet used too much jargon.")
    page.locator("#id_items-0-changed_1").check()
    page.locator("#id_items-0-we_did").fill("We explained every technical word.")
    page.get_by_label("Personal note for Cara Bennett (optional)").fill("Your jargon list was gold.")
    page.get_by_role("button", name="Preview and send").click()
    expect(page.get_by_role("heading", name="Check your feedback before you send it")).to_be_visible()
    expect(page.get_by_text("This is what Cara Bennett will see")).to_be_visible()
    expect(page.get_by_text("We explained every technical word.")).to_be_visible()
    expect(page.get_by_text("Your jargon list was gold.").first).to_be_visible()
    check_page(page, "feedback preview")
    # Nothing has gone yet: the preview is a checkpoint, not a send.
    assert FeedbackOwed.objects.get().status == FeedbackOwedStatus.DUE
    assert mail.outbox == []
    page.get_by_role("link", name="Change the feedback").click()
    expect(page.locator("#id_items-0-we_did")).to_have_value("We explained every technical word.")
    page.locator("#id_items-0-we_did").fill("We explained every technical word in a glossary.")
    page.get_by_role("button", name="Preview and send").click()
    expect(page.get_by_text("in a glossary.")).to_be_visible()
    page.get_by_role("button", name="Send feedback to 1 person").click()
    expect(page.get_by_text("Feedback sent to 1 person.")).to_be_visible()
    check_page(page, "feedback sent")
    assert FeedbackOwed.objects.get().status == FeedbackOwedStatus.GIVEN
    assert [m.to for m in mail.outbox] == [["cara@example.org"]]


def test_a_reply_becomes_a_conversation_both_sides_see_in_order(
    page, live_server, leaflet_review, cara, fatima
):
    feedback = services.save_activity_feedback(
        actor=fatima,
        activity=leaflet_review,
        thank_you_text="Thank you.",
        items=[{"you_said": "Too much jargon", "changed": True, "we_did": "We rewrote it"}],
    )
    services.send_activity_feedback(actor=fatima, feedback=feedback)

    sign_in(page, live_server, "cara@example.org")
    page.get_by_role("link", name="Feedback on Leaflet review").click()
    page.get_by_label("Reply to the coordinator (optional)").fill("Could the next one be in the evening?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your reply has been sent.")).to_be_visible()
    check_page(page, "contributor replied")

    _switch_user(page, live_server, "fatima@example.org")
    page.goto(f"{live_server.url}/feedback/activities/{leaflet_review.public_id}/")
    page.get_by_role("link", name="Answer Cara Bennett’s reply").click()
    expect(page.get_by_role("heading", name="Conversation with Cara Bennett")).to_be_visible()
    check_page(page, "coordinator reads the reply")
    mail.outbox.clear()
    page.get_by_label("Your message").fill("Yes: the next one is at 6pm on a Tuesday.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Your answer has been sent to Cara Bennett.")).to_be_visible()
    check_page(page, "coordinator answered")
    assert [m.to for m in mail.outbox] == [["cara@example.org"]]

    # Cara follows the link in the email she was sent.
    link = re.search(r"https?://\S+/feedback/given/\S+/", mail.outbox[0].body).group(0)
    _switch_user(page, live_server, "cara@example.org")
    page.goto(live_server.url + urlsplit(link).path)
    thread = page.locator(".portal-thread__message")
    expect(thread).to_have_count(2)
    expect(thread.nth(0)).to_contain_text("Could the next one be in the evening?")
    expect(thread.nth(1)).to_contain_text("Yes: the next one is at 6pm on a Tuesday.")
    expect(thread.nth(1)).to_contain_text("Fatima Rahman")
    # Her feedback list says there is an answer waiting, until she writes back.
    page.goto(f"{live_server.url}/feedback/mine/")
    expect(page.get_by_text("Fatima answered you")).to_be_visible()
    check_page(page, "contributor's feedback list")
    page.go_back()
    page.get_by_label("Your message").fill("Perfect, thank you.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(thread).to_have_count(3)
    check_page(page, "contributor answers back")
