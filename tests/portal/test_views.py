import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from portal.models import Project, User
from portal.money import format_money, to_money
from tests.mfa import pass_mfa


def test_sign_up_makes_a_contributor_and_sends_a_verification_email(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "name": "New Person",
            "preferred_name": "Newbie",
            "contact_method": "email",
            "access_needs": ["step_free"],
            "agree_privacy": "on",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="new.person@example.org")
    assert (person.name, person.preferred_name, person.is_contributor) == ("New Person", "Newbie", True)
    assert person.contributor.access_needs == ["step_free"]
    assert "new.person@example.org" in mail.outbox[0].to


def test_sign_up_with_a_missing_name_shows_an_error_summary_and_keeps_the_email(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "keep@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b'value="keep@example.org"' in response.content


def test_project_form_errors_re_render_with_what_was_typed(client, fatima):
    client.force_login(fatima)
    response = client.post(
        reverse("portal:project_create"), {"title": "Kept title", "involvement_budget": "-5"}
    )
    assert response.status_code == 400
    assert b"Kept title" in response.content
    assert b"There is a problem" in response.content
    assert not Project.objects.exists()


def test_staff_without_mfa_are_sent_to_set_it_up_when_required(client, fatima, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client.force_login(fatima)
    response = client.get(reverse("portal:project_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_an_authenticator_app_reach_staff_pages(client, fatima, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client.force_login(fatima)
    pass_mfa(client, fatima)
    assert client.get(reverse("portal:project_list")).status_code == 200


def test_contributors_are_not_asked_for_mfa(client, cara, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client.force_login(cara)
    assert client.get(reverse("portal:home")).status_code == 200


def test_sessions_end_after_the_idle_time(client, cara, settings):
    client.force_login(cara)
    client.get(reverse("portal:home"))
    assert client.session.get_expiry_age() == settings.PORTAL_SESSION_IDLE_MINUTES * 60


def test_health_check_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_seed_demo_is_idempotent_and_makes_the_personas(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Project.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Project.objects.count()) == counts
    manager = User.objects.get(email="manager@example.org")
    assert manager.check_password("portal-demo-2026")
    assert manager.is_manager


def test_seed_demo_refuses_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")


@pytest.mark.parametrize(
    ("value", "pence"), [("0.005", "0.01"), ("2.675", "2.68"), ("10", "10.00"), ("-1.005", "-1.01")]
)
def test_money_rounds_half_up_to_whole_pence(value, pence):
    assert str(to_money(value)) == pence


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        to_money(0.1)


def test_money_is_shown_in_pounds():
    assert format_money("1234.5") == "£1,234.50"


def test_a_person_can_switch_off_a_reminder_kind(client, cara):
    from portal import reminders

    reminders.register_kind("test_kind", "A test reminder")
    client.force_login(cara)
    response = client.post(reverse("portal:reminder_settings"), {"kinds": []})
    assert response.status_code == 302
    cara.refresh_from_db()
    assert "test_kind" in cara.muted_reminders


def test_health_check_answers_whatever_the_host_header(client, db, settings):
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
