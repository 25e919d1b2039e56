"""Contributor journeys in a browser: joining, equality monitoring, opportunities and roles,
acting for someone offline, and downloading your data. Every page: axe-clean and fits 320px."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from contributors.models import Contributor, RoleAssignment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ContributorFactory, OpportunityFactory


@pytest.fixture
def opportunity(project):
    return OpportunityFactory(
        project=project, title="Join the stroke advisory group", topic="stroke", mode="online", places=2
    )


def test_newcomer_joins_answers_equality_monitoring_and_is_chosen_for_a_role(
    page, live_server, opportunity, fatima, project
):
    # Sign up and verify the email address from the outbox.
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Full name").fill("Nadia Hussain")
    page.get_by_role("textbox", name="Email").fill("nadia@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label(re.compile("Password \\(again\\)|Confirm password|Password again")).fill(
        "a-long-pass-phrase-42"
    )
    # The profile comes with sign-up: how to reach them, access needs, the privacy notice.
    check_page(page, "sign up")
    page.get_by_role("button", name=re.compile("Sign up", re.IGNORECASE)).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page(page, "sign up errors")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label(re.compile("Password \\(again\\)|Confirm password|Password again")).fill(
        "a-long-pass-phrase-42"
    )
    page.get_by_label("By email").check()
    page.get_by_label("Step-free access").check()
    page.get_by_label("Hearing loop").check()
    page.get_by_label(re.compile("I have read the privacy notice")).check()
    page.get_by_role("button", name=re.compile("Sign up", re.IGNORECASE)).click()
    page.wait_for_load_state()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    # Their profile was made at sign-up.
    page.goto(live_server.url + "/contributors/profile/")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_text("Step-free access")).to_be_visible()
    check_page(page, "profile")

    # Equality monitoring: every question offers prefer not to say; consent is explicit.
    page.get_by_role("link", name="Answer the questions").click()
    check_page(page, "equality form")
    # Eight questions with radios, plus "Prefer not to say my year of birth".
    expect(page.get_by_label("Prefer not to say")).to_have_count(9)
    page.get_by_label("Pakistani").check()
    page.get_by_role("group", name="What is your sex?").get_by_label("Female").check()
    page.get_by_label("What is your year of birth?").fill("1984")
    page.get_by_role("group", name=re.compile("What is your religion")).get_by_label(
        "Prefer not to say"
    ).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label(re.compile("I agree that the portal keeps these answers")).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    expect(page.get_by_label("Pakistani")).to_be_checked()

    # Find the opportunity and say why.
    page.get_by_role("link", name="Opportunities").click()
    check_page(page, "opportunity list")
    page.get_by_label("Topic").select_option("stroke")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Join the stroke advisory group").click()
    check_page(page, "opportunity detail")
    page.get_by_label(re.compile("why are you interested")).fill("My mum had a stroke.")
    page.get_by_role("button", name="I am interested").click()
    expect(page.get_by_text("Thank you. The coordinator will let you know")).to_be_visible()

    # The coordinator chooses her; the role appears on both sides.
    page.context.clear_cookies()
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("contributors:opportunity_interests", args=[opportunity.public_id]))
    expect(page.get_by_text("My mum had a stroke.")).to_be_visible()
    check_page(page, "interested people")
    page.get_by_label("Nadia Hussain").check()
    page.get_by_label("How and when feedback will be given").fill("A summary by email within two weeks.")
    page.get_by_role("button", name="Choose and tell everyone").click()
    expect(page.get_by_text("Nadia Hussain: ")).to_be_visible()
    check_page(page, "project with roles")
    assert RoleAssignment.objects.get().contributor.email == "nadia@example.org"

    page.context.clear_cookies()
    sign_in(page, live_server, "nadia@example.org", password="a-long-pass-phrase-42")
    expect(page.get_by_text("Advisory group member")).to_be_visible()
    page.get_by_role("link", name="Your roles and role agreements").click()
    expect(page.get_by_text("A summary by email within two weeks.")).to_be_visible()
    check_page(page, "your roles")


def test_coordinator_registers_someone_offline_and_acts_for_them(page, live_server, fatima, opportunity):
    sign_in(page, live_server, "fatima@example.org")
    page.get_by_role("link", name="People", exact=True).click()
    check_page(page, "people")
    page.get_by_role("link", name="Register someone who has no email").click()
    check_page(page, "register offline")
    page.get_by_label("Full name").fill("Dennis Morris")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Phone number").fill("0113 496 0456")
    page.get_by_label("Large print").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Dennis Morris")).to_be_visible()
    check_page(page, "offline person")

    page.get_by_role("link", name="Express interest for them").click()
    check_page(page, "interest on behalf")
    page.get_by_label("Opportunity").select_option(label=opportunity.title)
    page.get_by_label(re.compile("why are you interested")).fill("Said by phone: lives alone after a stroke.")
    page.get_by_role("button", name="Record their interest").click()
    expect(page.get_by_text("Interest recorded for Dennis Morris")).to_be_visible()

    page.get_by_role("link", name="Change their profile").click()
    check_page(page, "edit on behalf")
    page.get_by_label("Skills (optional)").fill("woodwork")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("woodwork")).to_be_visible()

    page.get_by_role("link", name="Invite them to use the portal").click()
    check_page(page, "invite")
    page.get_by_label("Their email address").fill("dennis@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    # A second member of staff confirms the address before anything is sent (docs/security.md).
    expect(page.get_by_text("Another member of staff must confirm the address")).to_be_visible()
    assert mail.outbox == []
    assert Contributor.objects.get(user__name="Dennis Morris").registered_by == fatima


def test_contributor_downloads_their_data_and_changes_payment_preferences(page, live_server, cara):
    ContributorFactory(user=cara, skills="plain English")
    sign_in(page, live_server, "cara@example.org")
    page.get_by_role("link", name="Your profile", exact=True).click()
    page.get_by_role("link", name="Change payment preferences").click()
    check_page(page, "payment preferences")
    page.get_by_label("Vouchers").check()
    page.get_by_label("I receive welfare benefits").check()
    page.get_by_role("button", name="Save payment preferences").click()
    expect(page.get_by_text("Payment preferences saved")).to_be_visible()

    page.goto(live_server.url + reverse("contributors:my_data"))
    check_page(page, "my data")
    expect(page.get_by_text("plain English")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all your data (JSON)").click()
    assert download.value.suggested_filename.startswith("my-data-")
    page.get_by_role("link", name="Ask us to erase your data").click()
    check_page(page, "erasure request")
