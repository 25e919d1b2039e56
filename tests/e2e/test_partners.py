"""A community partner in a browser: added, linked, invoiced, paid, thanked, counted; and a
UK Standards self-assessment completed with the portal's figures and downloaded as a PDF."""

import csv
import io
import subprocess

import pytest
from playwright.sync_api import expect

from partners import services
from partners.frameworks import ensure_uk_standards
from partners.models import Framework, PartnerInvoice, Rating
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ImpactEntryFactory, ParticipationFactory


@pytest.fixture
def setting(cara, fatima, morgan, project, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    ensure_uk_standards()
    activity = ActivityFactory(project=project, title="Carers' workshop", past=True)
    ParticipationFactory(activity=activity, contributor=cara, status="attended")
    ImpactEntryFactory(project=project)
    # Last year's assessment, to compare with.
    framework = Framework.objects.get(slug="uk-standards")
    last = services.start_assessment(actor=morgan, framework=framework, year=this_year() - 1)
    for answer in last.answers.all():
        services.save_answer(actor=morgan, answer=answer, rating=Rating.STARTING, working="", improve="")
    services.complete_assessment(actor=morgan, assessment=last)
    return project


def this_year() -> int:
    from django.utils import timezone

    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def _as(browser, live_server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, email)
    return page


def test_a_partner_is_added_linked_paid_thanked_and_counted(page, browser, live_server, setting, tmp_path):
    project = setting
    # Morgan adds the carers' centre, links it to Fatima's project and adds a contact.
    sign_in(page, live_server, "morgan@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    check_page(page, "partner list")
    page.get_by_role("link", name="Add a partner").click()
    page.get_by_label("Organisation name").fill("Riverside Carers' Centre")
    page.get_by_label("What kind of organisation").select_option("charity")
    page.get_by_label("Communities they work with").fill("Unpaid carers in the east of the city")
    page.get_by_label("How the partner is paid").fill("Invoices each quarter for staff time")
    check_page(page, "partner form")
    page.get_by_role("button", name="Save partner").click()
    expect(page.get_by_role("heading", name="Riverside Carers' Centre")).to_be_visible()
    page.get_by_role("link", name="Link to a project").click()
    page.get_by_label("Project").select_option(label=project.title)
    page.get_by_label("Co-delivers with us").check()
    check_page(page, "link form")
    page.get_by_role("button", name="Link partner").click()
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Janet Hughes")
    page.get_by_label("Email address").fill("janet@example.org")
    page.get_by_label("They have agreed to us keeping these details").check()
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_text("Janet Hughes")).to_be_visible()
    check_page(page, "partner detail")

    # Cara says the centre introduced her.
    cara = _as(browser, live_server, "cara@example.org")
    cara.get_by_role("link", name="Tell us whether a community group introduced you to us").click()
    cara.get_by_label("Which organisation introduced you to us?").select_option(
        label="Riverside Carers' Centre"
    )
    cara.get_by_label("I agree to this being counted").check()
    check_page(cara, "introduction")
    cara.get_by_role("button", name="Save").click()
    expect(cara.get_by_text("You told us Riverside Carers' Centre introduced you.")).to_be_visible()
    cara.context.close()  # so the live server's request threads end cleanly

    # Fatima enters the centre's invoice; she may not approve it herself.
    fatima = _as(browser, live_server, "fatima@example.org")
    fatima.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    fatima.get_by_role("link", name="Riverside Carers' Centre").click()
    fatima.get_by_role("link", name="Enter an invoice from Riverside Carers' Centre").click()
    fatima.get_by_label("Project").select_option(label=project.title)
    fatima.get_by_label("The partner's invoice number").fill("RCC-0412")
    fatima.get_by_label("What it is for").fill("Co-facilitating two workshops")
    fatima.get_by_label("Date on the invoice").fill("2026-11-20")
    fatima.get_by_label("Amount, in pounds").fill("360.00")
    check_page(fatima, "invoice form")
    fatima.get_by_role("button", name="Enter invoice").click()
    expect(fatima.get_by_text("You entered this invoice, so someone else approves it.")).to_be_visible()
    check_page(fatima, "invoice, entered")

    # Fatima tells the partner what changed.
    fatima.get_by_role("link", name="Riverside Carers' Centre").click()
    fatima.get_by_role("link", name="Tell Riverside Carers' Centre what changed").click()
    fatima.get_by_label("Project").select_option(label=project.title)
    fatima.get_by_label("What their community told us").fill("The first week home is the hardest.")
    fatima.get_by_label("What changed because of it").fill("We now ask about the first week on its own.")
    check_page(fatima, "feedback form")
    fatima.get_by_role("button", name="Send feedback").click()
    expect(fatima.get_by_text("Feedback sent to 1 contact.")).to_be_visible()
    expect(fatima.get_by_text("We now ask about the first week on its own.")).to_be_visible()
    fatima.context.close()

    # Morgan approves it and pays it in an organisations' run, then downloads the export.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    page.get_by_role("link", name="Partner invoices waiting for a decision").click()
    check_page(page, "invoice list")
    page.get_by_role("link", name="Riverside Carers' Centre: Co-facilitating two workshops").click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    page.goto(f"{live_server.url}/partners/paying/")
    page.get_by_label("Pay PI-").check()
    page.get_by_label("Bank run reference").fill("BACS-ORG-11")
    check_page(page, "paying")
    page.get_by_role("button", name="Mark the selected invoices paid").click()
    expect(page.get_by_text("Run BACS-ORG-11: 1 invoice marked paid.")).to_be_visible()
    invoice = PartnerInvoice.objects.get()
    assert (invoice.status, invoice.submitted_by.email, invoice.decided_by.email) == (
        "paid",
        "fatima@example.org",
        "morgan@example.org",
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download finance export").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [(r["section"], r["supplier"], r["supplier_invoice"], r["amount"]) for r in rows] == [
        ("organisations", "Riverside Carers' Centre", "RCC-0412", "360.00")
    ]

    # The reach shows one person came through the centre and took part.
    page.goto(f"{live_server.url}/partners/reach/")
    row = page.get_by_role("row", name="Riverside Carers' Centre")
    expect(row).to_contain_text("1")
    check_page(page, "reach")
    page.goto(f"{live_server.url}/projects/{project.public_id}/")
    expect(page.get_by_text("1 person they introduced took part")).to_be_visible()


def test_a_manager_completes_a_self_assessment_and_downloads_it(page, live_server, setting, tmp_path):
    sign_in(page, live_server, "morgan@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Self-assessment").click()
    check_page(page, "assessment list")
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_role("heading", name="Self-assessment for the whole organisation")).to_be_visible()
    # The portal filled in the year's figures: the impact entry is counted.
    expect(page.get_by_text("Impact entries").first).to_be_visible()
    check_page(page, "assessment")
    titles = [
        "Inclusive opportunities",
        "Working together",
        "Support and learning",
        "Communications",
        "Impact",
        "Governance",
    ]
    for order, title in enumerate(titles, start=1):
        page.get_by_role("link", name=f"Rate {title}").click()
        if order == 1:
            check_page(page, "answer form")
            expect(page.get_by_text("Last year: Starting.")).to_be_visible()
        page.get_by_label("Developing").check()
        page.get_by_label("What is working").fill(f"Working well on standard {order}")
        page.get_by_label("What to improve").fill(f"Improve standard {order}")
        page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_text("Assessment completed.")).to_be_visible()
    expect(page.get_by_text("Last year: Starting").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    pdf = tmp_path / "assessment.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "UK Standards for Public Involvement",
        "Inclusive opportunities",
        "Governance",
        "Developing",
        "Starting",
        "Impact entries",
        "Working well on standard 5",
    ):
        assert expected in text, expected
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    assert list(tmp_path.glob("page*.png"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert (rows[0]["standard"], rows[0]["rating"], rows[0]["last_year_rating"]) == (
        "Inclusive opportunities",
        "Developing",
        "Starting",
    )


def test_an_invoice_with_a_mistake_is_returned_corrected_and_approved(page, browser, live_server, setting):
    from datetime import date
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from partners.models import LinkRole

    project = setting
    people = get_user_model().objects
    morgan, fatima = people.get(email="morgan@example.org"), people.get(email="fatima@example.org")
    partner = services.create_partner(
        actor=morgan, name="Riverside Carers' Centre", kind="charity", status="active"
    )
    services.link_partner(actor=morgan, partner=partner, project=project, role=LinkRole.CO_DELIVER)
    invoice = services.enter_invoice(
        actor=fatima,
        partner=partner,
        project=project,
        invoice_reference_text="RCC-0413",
        description="Room hire",
        invoiced_on=date(2026, 11, 21),
        amount=Decimal("45.00"),
    )
    # Morgan sees the amount is wrong and sends it back, choosing by keyboard.
    sign_in(page, live_server, "morgan@example.org")
    page.goto(f"{live_server.url}/partners/invoices/{invoice.public_id}/")
    page.get_by_label("Return it to be corrected").focus()
    page.keyboard.press("Space")
    page.get_by_label("Reason").fill("The centre's invoice says £54.00, not £45.00")
    check_page(page, "invoice, returning")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Returned to Fatima")).to_be_visible()

    fatima_page = _as(browser, live_server, "fatima@example.org")
    fatima_page.goto(f"{live_server.url}/partners/invoices/{invoice.public_id}/")
    expect(fatima_page.get_by_text("asked for this: The centre's invoice says £54.00")).to_be_visible()
    check_page(fatima_page, "invoice, returned")
    fatima_page.get_by_role("link", name="Correct the invoice").click()
    expect(fatima_page.get_by_label("The partner's invoice number")).to_have_value("RCC-0413")
    fatima_page.get_by_label("Amount, in pounds").fill("54.00")
    check_page(fatima_page, "invoice, correcting")
    fatima_page.get_by_role("button", name="Send it back to be decided").click()
    expect(fatima_page.get_by_text("corrected. Someone else decides it again.")).to_be_visible()
    fatima_page.context.close()

    page.reload()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount) == ("approved", Decimal("54.00"))
