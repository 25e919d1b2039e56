"""The demo as a newcomer meets it: every persona signs in with the documented password."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.management.commands.seed_demo import DEMO_PASSWORD, PERSONAS
from tests.e2e.conftest import check_page, sign_in


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_demo_persona_signs_in_and_lands_on_an_accessible_home_page(page, live_server, demo_data):
    for email, _name, preferred, _roles, _superuser in PERSONAS:
        sign_in(page, live_server, email, DEMO_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {preferred}")
        check_page(page, f"home of {email}")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
