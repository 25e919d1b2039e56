"""Issue 9 item 15: the emails and pages allauth gives us speak with the organisation's name
and plain words, walked through sign-up, password reset and "confirm it's you"."""

import re

from django.conf import settings
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in

TITLE_CASE = re.compile(r"\b(Confirm Access|Password Reset|Change Password|Sign Up|Verify Your)\b")


def _assert_our_voice(message):
    text = f"{message.subject}\n{message.body}"
    assert "Hello from" not in text
    assert "127.0.0.1" not in text
    assert "localhost:" not in message.subject
    assert "example.com" not in text
    assert settings.PORTAL_ORGANISATION_NAME in text
    assert not TITLE_CASE.search(message.subject), message.subject


def test_sign_up_email_and_page_use_our_name_and_plain_words(page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Full name").fill("Nadia Hussain")
    page.get_by_role("textbox", name="Email").fill("nadia@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label(re.compile("Password \\(again\\)|Confirm password|Password again")).fill(
        "a-long-pass-phrase-42"
    )
    page.get_by_label("By email").check()
    page.get_by_label(re.compile("I have read the privacy notice")).check()
    page.get_by_role("button", name=re.compile("Sign up", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("finalize")).to_have_count(0)
    check_page(page, "verification sent")
    (message,) = mail.outbox
    _assert_our_voice(message)
    assert message.body.startswith("Hello Nadia,")
    assert "Please confirm this is your email address" in message.body


def test_password_reset_email_and_confirm_its_you_page(page, live_server, cara):
    page.goto(f"{live_server.url}/accounts/password/reset/")
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    check_page(page, "password reset")
    page.get_by_label("Email").fill("cara@example.org")
    page.get_by_role("button", name="Reset my password").click()
    check_page(page, "password reset sent")
    (message,) = mail.outbox
    _assert_our_voice(message)
    assert message.subject == f"Reset your password for {settings.PORTAL_ORGANISATION_NAME}"
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body).group(0)
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    check_page(page, "choose a new password")

    sign_in(page, live_server, "cara@example.org")
    page.goto(live_server.url + reverse("account_reauthenticate"))
    expect(page.get_by_role("heading", name="Confirm it’s you")).to_be_visible()
    expect(page.get_by_text("reauthenticate")).to_have_count(0)
    check_page(page, "confirm it's you")
