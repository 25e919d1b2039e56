"""MFA that means this session: having an authenticator app is not enough, and the admin's
own login is no way round allauth's second factor."""

import time

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from contributors.models import ErasureRequest
from tests.mfa import pass_mfa


def _signed_in_with_password_only(client, user):
    """A session with the app set up but only the password used (an old session, or one the
    admin's own login page would have made)."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture
def erasure(cara):
    return ErasureRequest.objects.create(user=cara, reason="Bye")


def test_an_erasure_decision_needs_this_session_to_have_used_the_code(client, morgan, cara, erasure):
    url = reverse("contributors:erasure_decide", args=[erasure.public_id])
    _signed_in_with_password_only(client, morgan)
    response = client.post(url, {"decision": "confirm", "confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    erasure.refresh_from_db()
    cara.refresh_from_db()
    assert erasure.status == "requested"
    assert cara.name != "Erased contributor"
    pass_mfa(client, morgan)
    client.post(url, {"decision": "confirm", "confirmed": "yes"})
    erasure.refresh_from_db()
    assert erasure.status != "requested"


def test_without_an_authenticator_app_sensitive_pages_say_set_one_up(client, morgan, erasure):
    client.force_login(morgan)
    response = client.post(
        reverse("contributors:erasure_decide", args=[erasure.public_id]), {"decision": "confirm"}
    )
    assert response.status_code == 403
    assert "Set up an authenticator app" in response.content.decode()


def test_entering_someone_elses_bank_details_needs_the_code_this_session(client, fatima):
    from contributors import services

    dennis = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="post", address="1 Road", postcode="LS11 8PQ"
    )
    url = reverse("contributors:person_bank_details", args=[dennis.public_id])
    _signed_in_with_password_only(client, fatima)
    assert client.get(url)["Location"].startswith(reverse("mfa_reauthenticate"))
    pass_mfa(client, fatima)
    assert client.get(url).status_code == 200


def test_the_admin_login_page_hands_over_to_allauth(client, db):
    from portal.models import User

    User.objects.create_superuser(email="root@example.org", password="a long admin password 1")
    response = client.get("/admin/login/?next=/admin/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2Fportal%2F" in response["Location"]
    # Posting the admin's own password form signs nobody in.
    client.post("/admin/login/", {"username": "root@example.org", "password": "a long admin password 1"})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_superusers_need_mfa_this_session_when_staff_mfa_is_on(client, db, settings):
    from portal.models import User

    settings.PORTAL_REQUIRE_STAFF_MFA = True
    root = User.objects.create_superuser(email="root@example.org", password="a long admin password 1")
    client.force_login(root)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))
    _signed_in_with_password_only(client, root)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))
    pass_mfa(client, root)
    assert client.get("/admin/").status_code == 200


def test_staff_with_the_app_but_not_this_session_are_asked_for_the_code(client, fatima, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    _signed_in_with_password_only(client, fatima)
    response = client.get(reverse("portal:project_list"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
