"""allauth's messages after signing in, out and changing a password are in our voice (the
en_GB catalogue, docs/reports-letters-and-voice.md), not its defaults."""

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "a-long-test-password-2026"


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_signing_in_and_out_say_so_plainly(client, settings, db):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    user = UserFactory(email="ada@example.org", name="Ada Lovelace", contributor=True)
    user.set_password(PASSWORD)
    user.save()
    response = client.post(reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD})
    said = _said(response)
    assert any(m.startswith("You're signed in as") for m in said), said
    assert not any("Successfully" in m for m in said)
    response = client.post(reverse("account_logout"))
    assert "You've signed out." in _said(response)


def test_changing_a_password_says_it_has_been_changed(client, settings, db):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    user = UserFactory(email="ada@example.org", contributor=True)
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    new = "another-long-password-2026"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert "Your password has been changed." in _said(response)
