"""Issue 9, payments: each journey walked as the person did it in Chromium, with axe and 320 px
on every page opened."""

import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from contributors.services import register_offline_contributor
from payments import services
from payments.models import Claim, ClaimStatus, PaymentBatch, PaymentChoice, RateCard
from portal.models import Activity
from tests.e2e.conftest import check_page, sign_in
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    RateCardRowFactory,
    UserFactory,
    give_bank_details,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def card(db):
    return RateCardRowFactory(
        amount=Decimal("25.00"), card__effective_from=timezone.localdate() - timedelta(days=400)
    ).card


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False


def _attended(person, project, title="Steering group meeting", days_ago=7):
    activity = ActivityFactory(
        project=project, title=title, starts_at=timezone.now() - timedelta(days=days_ago)
    )
    return ParticipationFactory(activity=activity, contributor=person, status="attended")


def _approved(person, project, fatima, title, choice=PaymentChoice.FULL_FEE):
    claim = services.start_claim(actor=person, participation=_attended(person, project, title))
    services.submit_claim(actor=person, claim=claim, declaration=True, payment_choice=choice)
    services.decide_claim(claim=claim, approver=fatima, approve=True)
    claim.refresh_from_db()
    return claim


def _submitted(person, project, title, receipt=None):
    claim = services.start_claim(actor=person, participation=_attended(person, project, title))
    if receipt is not None:
        services.add_expense_line(
            actor=person,
            claim=claim,
            kind="taxi",
            amount=Decimal("15.00"),
            receipt=SimpleUploadedFile("taxi.png", receipt, content_type="image/png"),
        )
    services.submit_claim(actor=person, claim=claim, declaration=True)
    return claim


def _new_page(browser, live_server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, email)
    return page


# 1. The payment choice on screen is the one claimed -----------------------------------------


def test_a_reduced_amount_chosen_before_submitting_is_what_is_claimed(page, live_server, cara, project, card):
    _attended(cara, project)
    sign_in(page, live_server, "cara@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("Steering group meeting").check()
    page.get_by_role("button", name="Start claim").click()
    check_page(page, "draft claim")
    page.get_by_label("A reduced amount").check()
    page.get_by_label("Reduced amount (£)").fill("20")
    page.get_by_role("button", name="Continue to check your answers").click()

    expect(
        page.get_by_role("heading", name="Check your answers before submitting your claim")
    ).to_be_visible()
    expect(page.locator("#payment-choice")).to_have_text("A reduced amount £20.00")
    expect(page.locator("#claim-total")).to_have_text("£20.00")
    check_page(page, "check your answers")
    # Submitting without the declaration says so, and nothing is submitted.
    page.get_by_role("button", name="Submit claim").click()
    expect(page.get_by_role("link", name="Confirm the declaration to submit your claim")).to_be_visible()
    check_page(page, "check your answers with an error")
    assert Claim.objects.get().status == ClaimStatus.DRAFT
    page.get_by_label("I declare that the information").check()
    page.get_by_role("button", name="Submit claim").click()

    expect(page.locator(".govuk-tag", has_text="Submitted")).to_be_visible()
    expect(page.get_by_text("A reduced amount: £20.00")).to_be_visible()
    check_page(page, "submitted claim")
    claim = Claim.objects.get()
    assert (claim.status, claim.payment_choice, claim.fee_total, claim.total) == (
        ClaimStatus.SUBMITTED,
        PaymentChoice.REDUCED,
        Decimal("20.00"),
        Decimal("20.00"),
    )
    expect(page.get_by_text(claim.reference).first).to_be_visible()


# 2. Paying: nothing pre-selected, a confirm step, separate batches ---------------------------


def test_paying_starts_with_nothing_ticked_confirms_the_count_and_splits_bank_and_vouchers(
    browser, live_server, cara, olu, fatima, morgan, project, card
):
    give_bank_details(cara)
    bank = _approved(cara, project, fatima, "Meeting A")
    vouchers = _approved(olu, project, fatima, "Meeting B", choice=PaymentChoice.VOUCHERS)
    nobody = UserFactory(name="Nadia Nobank", contributor=True)
    no_bank = _approved(nobody, project, fatima, "Meeting C")
    zero = _approved(cara, project, fatima, "Meeting D", choice=PaymentChoice.EXPENSES_ONLY)
    assert zero.total == Decimal("0.00")

    page = _new_page(browser, live_server, "morgan@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Paying").click()
    check_page(page, "paying")
    assert page.locator("input[name=claims]:checked").count() == 0
    for claim in (bank, vouchers):
        expect(page.get_by_role("row").filter(has_text=claim.reference)).to_have_count(1)
    # No bank details: flagged, and no box to tick.
    row = page.get_by_role("row").filter(has_text=no_bank.reference)
    expect(row.get_by_text("No bank details")).to_be_visible()
    assert row.locator("input[name=claims]").count() == 0
    # £0.00 claims are not in the list at all.
    expect(page.get_by_text(zero.reference)).to_have_count(0)
    expect(page.get_by_text("1 approved claim for £0.00 is not listed")).to_be_visible()

    # "Select all" is a choice the person makes.
    page.get_by_role("link", name="Select all claims on this page that can be paid").click()
    assert page.locator("input[name=claims]:checked").count() == 2
    check_page(page, "paying, all selected")
    page.get_by_role("link", name="Clear the selection").click()
    page.get_by_label(f"Pay {bank.reference}").check()
    page.get_by_label(f"Pay {vouchers.reference}").check()
    page.get_by_role("button", name="Continue with the selected claims").click()

    expect(page.locator("#selected-summary")).to_have_text("You selected 2 claims, £100.00 in all.")
    check_page(page, "confirm payment run")
    page.get_by_label("Bank run reference").fill("BACS-2026-11")
    page.get_by_label("Voucher order reference").fill("VO-2026-11")
    page.get_by_role("button", name="Confirm: mark 2 claims paid").click()

    expect(page.get_by_text("Bank transfer run BACS-2026-11: 1 claim marked paid.")).to_be_visible()
    expect(page.get_by_text("Vouchers run VO-2026-11: 1 claim marked paid.")).to_be_visible()
    check_page(page, "paying after the run")
    page.context.close()
    for claim in (bank, vouchers, no_bank, zero):
        claim.refresh_from_db()
    assert (bank.status, bank.batch.method, bank.batch.reference) == ("paid", "bank_transfer", "BACS-2026-11")
    assert (vouchers.status, vouchers.batch.method, vouchers.batch.reference) == (
        "paid",
        "vouchers",
        "VO-2026-11",
    )
    assert (no_bank.status, zero.status) == ("approved", "approved")
    assert PaymentBatch.objects.count() == 2


# 3. A claim entered for an offline person goes to someone who may decide it ------------------


def test_a_claim_entered_for_an_offline_person_reaches_a_manager_not_the_coordinator_who_entered_it(
    browser, live_server, fatima, morgan, project, card
):
    dennis = register_offline_contributor(
        actor=morgan, name="Dennis Morris", contact_method="phone", phone="0113 496 0001"
    ).user
    participation = _attended(dennis, project, "Phone interview")

    page = _new_page(browser, live_server, "fatima@example.org")
    page.goto(f"{live_server.url}/payments/claims/enter/")
    check_page(page, "enter a claim")
    page.get_by_text(re.compile(r"Dennis Morris .*: Phone interview")).check()
    page.get_by_role("button", name="Start claim").first.click()
    page.get_by_role("button", name="Continue to check your answers").click()
    check_page(page, "check answers for an offline person")
    mail.outbox.clear()
    page.get_by_label("I declare that the information").check()
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".govuk-tag", has_text="Submitted")).to_be_visible()
    page.context.close()
    claim = Claim.objects.get(participation=participation)
    assert claim.entered_by == fatima
    assert [m.to for m in mail.outbox] == [["morgan@example.org"]]
    assert claim.reference in mail.outbox[0].subject

    manager = _new_page(browser, live_server, "morgan@example.org")
    expect(manager.get_by_text("1 claim waiting for a manager to decide")).to_be_visible()
    nav = manager.get_by_role("navigation", name="Main").get_by_role("link", name="Claims to check")
    expect(nav).to_contain_text("1")
    check_page(manager, "manager home")
    manager.get_by_role("link", name="Decide the claims waiting for you").click()
    check_page(manager, "queue, waiting for me")
    manager.get_by_role("link", name="Dennis Morris: Phone interview").click()
    manager.get_by_label("Approve").check()
    manager.get_by_role("button", name="Save decision").click()
    expect(manager.locator(".govuk-tag", has_text="Approved")).to_be_visible()
    check_page(manager, "approved claim")
    manager.context.close()
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, morgan)


# 4. Bulk approve shows the warnings and never approves a flagged claim -----------------------


def test_the_queue_shows_warnings_and_bulk_approve_leaves_flagged_claims_for_the_approver(
    browser, live_server, cara, olu, fatima, project, card
):
    shared = PNG + b"same receipt"
    first = _submitted(cara, project, "Meeting A", receipt=shared)
    second = _submitted(olu, project, "Meeting B", receipt=shared)
    clean = _submitted(olu, project, "Meeting C")

    page = _new_page(browser, live_server, "fatima@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims to check").click()
    check_page(page, "queue")
    for flagged in (first, second):
        row = page.get_by_role("row").filter(has_text=flagged.reference)
        expect(row.get_by_text("Receipt used on another claim")).to_be_visible()
        expect(row.get_by_text("Open to decide")).to_be_visible()
    page.get_by_role("link", name="Select all claims on this page that can be approved here").click()
    check_page(page, "queue, all selected")
    assert page.locator("input[name=claims]:checked").count() == 1
    page.get_by_role("button", name="Approve selected claims").click()
    expect(page.get_by_text("1 claim approved.")).to_be_visible()

    # The flagged claim is decided by opening it, where the warning is explained.
    page.get_by_role("link", name="Cara Bennett: Meeting A").click()
    expect(
        page.get_by_text("A receipt on this claim is the same file as one used on another claim.")
    ).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-tag", has_text="Approved")).to_be_visible()
    page.context.close()
    for claim in (first, second, clean):
        claim.refresh_from_db()
    assert (first.status, second.status, clean.status) == ("approved", "submitted", "approved")


# 5. Rate cards: percentages as people write them, rates chosen from the card ------------------


def test_an_uplift_reads_10_percent_and_an_activity_picks_its_rate_from_the_card(
    browser, live_server, fatima, morgan, project, card
):
    manager = _new_page(browser, live_server, "morgan@example.org")
    manager.goto(f"{live_server.url}/payments/rate-cards/{card.public_id}/")
    check_page(manager, "rate card")
    manager.get_by_label("Uplift (%)").fill("10")
    manager.get_by_label("New rates in force from").fill(
        (timezone.localdate() - timedelta(days=10)).isoformat()
    )
    manager.get_by_role("button", name="Copy with uplift").click()
    expect(manager.get_by_role("heading", name=f"{card.name} + 10%")).to_be_visible()
    expect(manager.get_by_text("with a 10% uplift")).to_be_visible()
    assert "E+" not in manager.content()
    check_page(manager, "uplifted card")
    manager.context.close()

    page = _new_page(browser, live_server, "fatima@example.org")
    page.goto(f"{live_server.url}/projects/{project.public_id}/activities/new/")
    check_page(page, "new activity")
    rate = page.get_by_label("Fee rate")
    assert rate.evaluate("el => el.tagName") == "SELECT"
    options = rate.locator("option").all_inner_texts()
    assert options == ["No fee (unpaid)", "Attending a meeting: £27.50 per hour (meeting_hour)"]
    page.get_by_label("Title").fill("Advisory group")
    page.get_by_label("Date and time").fill(
        (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("[name=expected_hours]").fill("2")
    page.get_by_label("Online", exact=True).check()
    rate.select_option("meeting_hour")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_text("Activity “Advisory group” added.")).to_be_visible()
    page.context.close()
    assert Activity.objects.get(title="Advisory group").rate_code == "meeting_hour"
    assert RateCard.objects.count() == 2


# 6. Statements: every tax year with payments, and who to ask ---------------------------------


def test_the_statement_offers_each_tax_year_with_payments_and_ends_with_contact_details(
    page, live_server, cara, fatima, morgan, project, card, settings, tmp_path
):
    settings.PORTAL_CONTACT_EMAIL = "payments@northbridge.example"
    settings.PORTAL_CONTACT_PHONE = "0113 496 0999"
    give_bank_details(cara)
    today = timezone.localdate()
    last_year = services.tax_year_start(today) - timedelta(days=30)
    for title, paid_on in (("Old meeting", last_year), ("New meeting", today)):
        claim = _approved(cara, project, fatima, title)
        services.mark_claims_paid(actor=morgan, claims=[claim], paid_on=paid_on, reference=f"R-{title}")
    old_year = services.tax_year_start(last_year).year

    sign_in(page, live_server, "cara@example.org")
    page.goto(f"{live_server.url}/payments/statement/")
    check_page(page, "statement, this year")
    expect(page.get_by_role("cell", name="New meeting")).to_be_visible()
    expect(page.locator("#contact")).to_be_visible()
    main = page.locator("#main-content")
    expect(main.get_by_text("payments@northbridge.example")).to_be_visible()
    expect(main.get_by_text("0113 496 0999")).to_be_visible()
    page.get_by_role("link", name=f"6 April {old_year} to 5 April {old_year + 1}").click()
    expect(page.get_by_text("Old meeting")).to_be_visible()
    check_page(page, "statement, last year")

    response = page.request.get(f"{live_server.url}/payments/statement/{old_year}.pdf")
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Old meeting" in text
    assert "Questions about this statement" in text
    assert "payments@northbridge.example" in text
    assert "0113 496 0999" in text
    assert Claim.objects.filter(paid_on=last_year).get().reference in text
    assert date(old_year, 4, 6) <= last_year
