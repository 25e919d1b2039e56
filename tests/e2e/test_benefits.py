"""Issue 15 in Chromium: a contributor on ESA sees a panel day would cross the weekly limit,
chooses a later payment and then a reduced amount, submits, and downloads the Jobcentre letter."""

import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contributors.models import Benefit
from contributors.services import save_benefit
from payments import benefits, services
from payments.models import Claim, ClaimStatus, PaymentChoice
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ParticipationFactory, RateCardRowFactory, give_bank_details


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False


@pytest.fixture
def esa(db):
    """ESA's higher weekly limit, £195.50 since April 2025."""
    services.add_benefit_rule(
        actor=None,
        benefit=Benefit.ESA_HIGHER,
        period="week",
        limit=Decimal("195.50"),
        applies_from=date(2025, 4, 7),
    )


def _panel_day(person, project, title, days_ago):
    activity = ActivityFactory(
        project=project,
        title=title,
        starts_at=timezone.now() - timedelta(days=days_ago),
        rate_code="panel_day",
    )
    return ParticipationFactory(activity=activity, contributor=person, status="attended")


def test_a_contributor_on_esa_keeps_within_the_weekly_limit_and_gets_the_letter(
    page, live_server, cara, project, fatima, morgan, esa, tmp_path
):
    today = timezone.localdate()
    RateCardRowFactory(
        code="panel_day",
        activity="Funding panel, a day",
        unit="day",
        amount=Decimal("250.00"),
        card__effective_from=today - timedelta(days=400),
    )
    save_benefit(user=cara, consent=True, benefit=Benefit.ESA_HIGHER)
    give_bank_details(cara)
    # Paid earlier this tax year, so the letter has a payment to show.
    earlier = services.start_claim(actor=cara, participation=_panel_day(cara, project, "Spring panel", 40))
    services.submit_claim(
        actor=cara,
        claim=earlier,
        declaration=True,
        payment_choice="reduced",
        reduced_amount=Decimal("150.00"),
    )
    services.decide_claim(claim=earlier, approver=fatima, approve=True)
    services.mark_claims_paid(
        actor=morgan, claims=[earlier], paid_on=today - timedelta(days=20), reference="RUN-1"
    )
    _panel_day(cara, project, "Autumn funding panel", 3)

    sign_in(page, live_server, "cara@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("Autumn funding panel").check()
    page.get_by_role("button", name="Start claim").click()
    page.get_by_role("button", name="Continue to check your answers").click()

    # The warning: £250 paid in one week is over ESA's £195.50.
    warning = page.locator("#benefit-warning")
    expect(warning).to_contain_text("£54.50 over the £195.50 limit")
    expect(page.locator("#benefit-totals")).to_contain_text("£250.00")
    check_page(page, "check answers with the benefit warning")
    page.screenshot(path=tmp_path / "check-answers.png", full_page=True)

    # A later payment: the next week is suggested; the total would still be over there.
    page.get_by_label("Be paid in a later week").check()
    suggested = page.get_by_label("Do not pay me before").input_value()
    page.get_by_role("button", name="Update my claim").click()
    claim = Claim.objects.get(participation__activity__title="Autumn funding panel")
    assert claim.pay_after == date.fromisoformat(suggested)
    expect(page.locator("#expected-payment")).to_contain_text("you asked not to be paid before")
    check_page(page, "check answers after choosing a later week")

    # A reduced amount that keeps within the limit instead.
    page.get_by_label("Take a reduced amount").check()
    expect(page.get_by_label("Reduced amount (£)")).to_have_value("195.50")
    page.get_by_role("button", name="Update my claim").click()
    expect(page.locator("#benefit-warning")).to_have_count(0)
    expect(page.locator("#claim-total")).to_have_text("£195.50")
    page.get_by_label("I declare").check()
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    claim.refresh_from_db()
    assert (claim.status, claim.payment_choice, claim.fee_total, claim.pay_after) == (
        ClaimStatus.SUBMITTED,
        PaymentChoice.REDUCED,
        Decimal("195.50"),
        None,
    )
    expect(page.locator("#expected-payment")).to_contain_text(
        f"{benefits.expected_payment_on(claim, today):%A %-d %B %Y}"
    )

    # The Jobcentre letter, from the statement page.
    page.goto(f"{live_server.url}/payments/statement/")
    check_page(page, "statement with benefit periods")
    expect(page.locator("#benefit-periods")).to_contain_text("£195.50")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a letter for your Jobcentre work coach (PDF)").click()
    pdf = tmp_path / "letter.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "To the work coach of Cara Bennett",
        "Who we are",
        "What involvement is",
        "Payments are for involvement, not employment",
        "Spring panel",
        "£150.00",
        f"{today - timedelta(days=20):%-d %b %Y}",
        "involvement@example.org",
    ):
        assert words in text, words
    # The letter never names the benefit.
    assert "Employment and Support Allowance" not in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "letter")], check=True
    )
    assert (tmp_path / "letter-1.png").stat().st_size > 0


def test_a_manager_adds_aprils_limit_and_a_contributor_says_which_benefit(
    page, live_server, morgan, cara, esa, tmp_path
):
    from payments.models import BenefitRule

    sign_in(page, live_server, "morgan@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Benefit limits").click()
    check_page(page, "benefit limits")
    page.get_by_role("link", name="New limit from a date").first.click()
    check_page(page, "new benefit limit")
    page.screenshot(path=tmp_path / "new-limit.png", full_page=True)
    page.get_by_label("Limit (£)").fill("203.00")
    page.get_by_label("Applies from").fill("2027-04-05")
    page.get_by_label("Where the figure comes from").fill("DWP benefit rates 2027 to 2028")
    page.get_by_label("Who checked it, and when").fill("Morgan, against DWP's April figures")
    page.get_by_role("button", name="Save benefit limit").click()
    expect(page.locator("#benefit-rules")).to_contain_text("£203.00 a week")
    rule = BenefitRule.objects.get(applies_from=date(2027, 4, 5))
    assert (rule.benefit, rule.limit, rule.created_by) == (Benefit.ESA_HIGHER, Decimal("203.00"), morgan)

    page.context.clear_cookies()
    sign_in(page, live_server, "cara@example.org")
    page.goto(f"{live_server.url}/contributors/benefits/")
    check_page(page, "benefit answer")
    page.get_by_label("Universal Credit, with help with housing costs").check()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    page.get_by_role("button", name="Delete my answer about benefits").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("deleted")
