"""The whole life of a claim in a browser: claim, return, fix, approve, pay, export, statement."""

import csv
import io
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from payments.models import Claim, ClaimStatus
from tests.e2e.conftest import check_page, enter_totp, give_authenticator, sign_in
from tests.factories import ActivityFactory, ParticipationFactory, RateCardRowFactory, give_bank_details

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def journey(cara, fatima, morgan, project, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    give_bank_details(cara)
    RateCardRowFactory(
        amount=Decimal("25.00"), card__effective_from=timezone.localdate() - timedelta(days=400)
    )
    activity = ActivityFactory(
        project=project, title="Steering group meeting", starts_at=timezone.now() - timedelta(days=7)
    )
    ParticipationFactory(activity=activity, contributor=cara, status="attended")
    return activity


def _as(browser, live_server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, email)
    return page


def test_a_claim_goes_from_contributor_to_payment_and_onto_the_statement(
    page, browser, live_server, journey, morgan, tmp_path
):
    # Cara claims for the meeting, with mileage and a taxi receipt.
    sign_in(page, live_server, "cara@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims", exact=True).click()
    check_page(page, "claim list")
    page.get_by_label("Steering group meeting").check()
    page.get_by_role("button", name="Start claim").click()
    expect(page.get_by_role("heading", name="Claim for Steering group meeting")).to_be_visible()
    check_page(page, "draft claim")
    page.get_by_label("Type of expense").select_option("mileage_car")
    page.get_by_label("Miles (for mileage only)").fill("12")
    page.get_by_role("button", name="Add expense").click()
    expect(page.get_by_text("12 miles at £0.45")).to_be_visible()
    page.get_by_label("Type of expense").select_option("taxi")
    page.get_by_label("Amount (£)", exact=True).fill("15.00")
    page.get_by_label("Receipt (PDF, JPEG or PNG)").set_input_files(
        {"name": "taxi.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="Add expense").click()
    expect(page.get_by_role("link", name="taxi.png")).to_be_visible()
    page.get_by_role("button", name="Continue to check your answers").click()
    check_page(page, "check your answers")
    page.get_by_label("I declare that the information").check()
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".govuk-tag", has_text="Submitted")).to_be_visible()
    check_page(page, "submitted claim")
    claim = Claim.objects.get()
    claim_url = f"{live_server.url}/payments/claims/{claim.public_id}/"

    # Fatima returns it with a reason.
    coordinator = _as(browser, live_server, "fatima@example.org")
    coordinator.get_by_role("navigation", name="Main").get_by_role("link", name="Claims to check").click()
    check_page(coordinator, "queue")
    coordinator.get_by_role("link", name="Cara Bennett: Steering group meeting").click()
    coordinator.get_by_label("Return it to be changed").check()
    coordinator.get_by_label("Reason (the contributor will see this)").fill("Please add your parking too.")
    coordinator.get_by_role("button", name="Save decision").click()
    expect(coordinator.locator(".govuk-tag", has_text="Returned for changes")).to_be_visible()
    check_page(coordinator, "returned claim")

    # Cara sees why, fixes it and submits again.
    page.goto(claim_url)
    expect(page.get_by_text("Please add your parking too.").first).to_be_visible()
    page.get_by_label("Type of expense").select_option("parking")
    page.get_by_label("Amount (£)", exact=True).fill("4.50")
    page.get_by_role("button", name="Add expense").click()
    page.get_by_role("button", name="Continue to check your answers").click()
    page.get_by_label("I declare that the information").check()
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".govuk-tag", has_text="Submitted")).to_be_visible()

    # Fatima approves.
    coordinator.goto(claim_url)
    coordinator.get_by_label("Approve").check()
    coordinator.get_by_role("button", name="Save decision").click()
    expect(coordinator.locator(".govuk-tag", has_text="Approved")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert (claim.fee_total, claim.expense_total) == (Decimal("50.00"), Decimal("24.90"))

    # Morgan pays it, then downloads the finance export after typing the authenticator code.
    manager = _as(browser, live_server, "morgan@example.org")
    # Morgan has an authenticator app, made after signing in, so this session has not used it.
    give_authenticator(morgan)
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="Paying").click()
    check_page(manager, "paying")
    manager.get_by_label(f"Pay {claim.reference}").check()
    manager.get_by_role("button", name="Continue with the selected claims").click()
    manager.get_by_label("Bank run reference").fill("BACS-2026-11")
    manager.get_by_role("button", name="Confirm: mark 1 claim paid").click()
    expect(manager.get_by_text("Bank transfer run BACS-2026-11: 1 claim marked paid.")).to_be_visible()
    manager.get_by_role("link", name="Download finance export for BACS-2026-11").click()
    # This session has not used the app yet: the export asks for its code (which counts as
    # having just signed in again, so no password after it).
    enter_totp(manager, submit=False)
    with manager.expect_download() as download:
        manager.get_by_role("button", name="Confirm").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    coordinator.context.close()
    manager.context.close()
    assert [(r["payee"], r["claim"], r["fee"], r["expenses"], r["total"]) for r in rows] == [
        ("Cara Bennett", claim.reference, "50.00", "24.90", "74.90")
    ]

    # Cara's statement shows the payment, and the PDF says so too.
    page.goto(f"{live_server.url}/payments/statement/")
    expect(page.get_by_role("cell", name="£50.00").first).to_be_visible()
    check_page(page, "statement")
    link = page.get_by_role("link", name="Download the statement (PDF)")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Steering group meeting" in text
    assert claim.reference in text
    assert "£50.00" in text
    assert "£24.90" in text
