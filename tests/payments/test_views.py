import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payments import services
from payments.models import Claim, ClaimStatus
from portal.models import AuditEvent
from tests.factories import ActivityFactory, ParticipationFactory, RateCardRowFactory
from tests.mfa import pass_mfa

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def row(db):
    return RateCardRowFactory(amount=Decimal("25.00"), card__effective_from=date(2024, 4, 1))


@pytest.fixture
def participation(cara, project, row):
    activity = ActivityFactory(project=project, starts_at=datetime(2026, 1, 20, 10, tzinfo=UTC))
    return ParticipationFactory(activity=activity, contributor=cara, status="attended")


@pytest.fixture
def draft(cara, participation):
    return services.start_claim(actor=cara, participation=participation)


def test_double_submitting_the_start_form_makes_one_claim(client, cara, participation):
    client.force_login(cara)
    url = reverse("payments:claim_start")
    first = client.post(url, {"participation": participation.pk})
    second = client.post(url, {"participation": participation.pk})
    assert Claim.objects.count() == 1
    claim = Claim.objects.get()
    assert first["Location"] == second["Location"] == reverse("payments:claim_detail", args=[claim.public_id])
    assert claim.fee_total == Decimal("50.00")


def test_a_double_clicked_expense_form_adds_one_line(client, cara, draft):
    client.force_login(cara)
    before = draft.total
    page = client.get(reverse("payments:claim_detail", args=[draft.public_id]))
    token = page.context["expense_form"]["token"].value()
    post = {"token": token, "kind": "taxi", "amount": "8.50", "description": "Station to the meeting"}
    url = reverse("payments:claim_expense_add", args=[draft.public_id])
    first = client.post(url, post)
    assert first.status_code == 302, first.context["expense_form"].errors
    assert client.post(url, post).status_code == 302
    draft.refresh_from_db()
    assert [line.amount for line in draft.expense_lines.all()] == [Decimal("8.50")]
    assert draft.total == before + Decimal("8.50")
    # A fresh form (a new token) is a new line, as the person meant.
    client.post(
        url, {**post, "token": client.get(page.request["PATH_INFO"]).context["expense_form"]["token"].value()}
    )
    assert draft.expense_lines.count() == 2


def test_another_contributors_claim_and_receipt_are_404(client, olu, cara, draft):
    line, _ = services.add_expense_line(
        actor=cara, claim=draft, kind="taxi", amount=Decimal("15"), receipt=SimpleUploadedFile("t.png", PNG)
    )
    client.force_login(olu)
    assert client.get(reverse("payments:claim_detail", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("payments:receipt", args=[line.public_id])).status_code == 404
    client.force_login(cara)
    response = client.get(reverse("payments:receipt", args=[line.public_id]))
    assert response.status_code == 200
    # A download, never a page of the portal: an uploaded file cannot run in the browser.
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PNG


def test_a_receipt_of_the_wrong_type_is_refused_with_a_clear_error(client, cara, draft):
    client.force_login(cara)
    response = client.post(
        reverse("payments:claim_expense_add", args=[draft.public_id]),
        {"kind": "taxi", "amount": "15.00", "receipt": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")},
    )
    assert response.status_code == 400
    assert "The receipt must be a PDF, JPEG or PNG file" in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    assert draft.expense_lines.count() == 0


def test_a_receipt_over_the_size_limit_is_refused(client, cara, draft, settings):
    settings.PORTAL_RECEIPT_MAX_BYTES = 50
    client.force_login(cara)
    response = client.post(
        reverse("payments:claim_expense_add", args=[draft.public_id]),
        {"kind": "taxi", "amount": "15.00", "receipt": SimpleUploadedFile("big.png", PNG)},
    )
    assert response.status_code == 400
    assert "The receipt must be smaller than" in response.content.decode()


def test_returning_a_claim_without_a_reason_shows_an_error(client, cara, fatima, draft):
    services.submit_claim(actor=cara, claim=draft, declaration=True)
    client.force_login(fatima)
    response = client.post(reverse("payments:claim_decide", args=[draft.public_id]), {"decision": "return"})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.SUBMITTED


def test_the_contributor_sees_the_timeline_with_the_return_reason(client, cara, fatima, draft):
    services.submit_claim(actor=cara, claim=draft, declaration=True)
    services.return_claim(claim=draft, actor=fatima, reason="Please add the bus fare")
    client.force_login(cara)
    page = client.get(reverse("payments:claim_detail", args=[draft.public_id])).content.decode()
    assert "Please add the bus fare" in page
    assert "Returned for changes" in page


def test_the_project_page_shows_the_budget_to_its_coordinator_only(client, cara, fatima, project, draft):
    url = reverse("portal:project_detail", args=[project.public_id])
    client.force_login(fatima)
    assert "Involvement budget" in client.get(url).content.decode()
    client.force_login(cara)
    page = client.get(url).content.decode()
    assert "Involvement budget" not in page
    assert "Committed (approved or paid claims and invoices)" not in page


def test_finance_export_with_mfa_and_recent_sign_in_has_bank_details_and_is_logged(
    client, cara, fatima, morgan, draft
):
    from allauth.mfa.models import Authenticator

    from contributors.models import BankAccount, Contributor

    profile = Contributor.objects.create(user=cara)
    account = BankAccount(contributor=profile)
    account.set_details(account_name="C Bennett", sort_code="12-34-56", account_number="12345678")
    account.save()
    services.submit_claim(actor=cara, claim=draft, declaration=True)
    services.decide_claim(claim=draft, approver=fatima, approve=True)
    batch = services.mark_claims_paid(
        actor=morgan, claims=[draft], paid_on=date(2026, 2, 1), reference="RUN-9"
    )
    url = reverse("payments:batch_export", args=[batch.public_id])
    client.force_login(morgan)
    assert client.get(url).status_code == 403  # no authenticator app yet
    Authenticator.objects.create(user=morgan, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = client.get(url)
    assert response.status_code == 302
    # The app exists, but this session has not used it.
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    pass_mfa(client, morgan)
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["payee"] == "Cara Bennett"
    assert (rows[0]["fee"], rows[0]["expenses"], rows[0]["sort_code"]) == ("50.00", "0.00", "12-34-56")
    assert AuditEvent.objects.filter(action="bank_details.read", actor=morgan).count() == 1
    assert AuditEvent.objects.filter(action="payments.finance_export").count() == 1


def test_statement_pdf_downloads_for_the_contributor(client, cara):
    client.force_login(cara)
    response = client.get(reverse("payments:statement_pdf", args=[2025]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_manager_creates_and_uplifts_a_rate_card(client, morgan):
    client.force_login(morgan)
    response = client.post(
        reverse("payments:ratecard_create"),
        {
            "name": "Our card",
            "effective_from": "2025-04-01",
            "rows": "meeting_hour, A meeting, hour, 25.00\n",
        },
    )
    assert response.status_code == 302
    from payments.models import RateCard

    card = RateCard.objects.get(name="Our card")
    response = client.post(
        reverse("payments:ratecard_uplift", args=[card.public_id]),
        {"percent": "10", "effective_from": "2025-12-16"},
    )
    assert response.status_code == 302
    new = RateCard.objects.get(based_on=card)
    assert new.rows.get().amount == Decimal("27.50")
    assert AuditEvent.objects.filter(action="ratecard.uplifted").count() == 1


def test_a_rate_card_with_a_bad_line_is_refused(client, morgan):
    client.force_login(morgan)
    response = client.post(
        reverse("payments:ratecard_create"),
        {"name": "Bad", "effective_from": "2025-04-01", "rows": "meeting_hour, A meeting, fortnight, 25"},
    )
    assert response.status_code == 400
    assert "the unit must be hour" in response.content.decode()


def test_the_activity_page_offers_a_claim_to_someone_who_took_part(client, cara, participation):
    client.force_login(cara)
    url = reverse("portal:activity_detail", args=[participation.activity.public_id])
    assert "Claim for this activity" in client.get(url).content.decode()
    services.start_claim(actor=cara, participation=participation)
    assert "Your claim for this activity" in client.get(url).content.decode()


def test_submitting_emails_the_projects_coordinators(
    client, cara, fatima, draft, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(cara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("payments:claim_submit", args=[draft.public_id]), {"declaration": "on"}
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["fatima@example.org"]]
    assert "A claim to check" in mailoutbox[0].subject


def test_bulk_approve_refuses_an_over_budget_claim_and_says_why(client, cara, fatima, project, draft):
    project.involvement_budget = Decimal("10.00")
    project.save()
    services.submit_claim(actor=cara, claim=draft, declaration=True)
    client.force_login(fatima)
    queue = client.get(reverse("payments:claim_queue")).content.decode()
    assert "Over budget" in queue
    response = client.post(
        reverse("payments:claim_bulk_approve"), {"claims": [str(draft.public_id)]}, follow=True
    )
    page = response.content.decode()
    assert "not approved because it is over budget. Open it to decide." in page
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.SUBMITTED


def test_the_queue_filters_by_status_and_person(client, cara, fatima, draft):
    services.submit_claim(actor=cara, claim=draft, declaration=True)
    client.force_login(fatima)
    url = reverse("payments:claim_queue")
    assert "Cara Bennett" in client.get(url, {"person": "cara"}).content.decode()
    assert "Cara Bennett" not in client.get(url, {"person": "olu"}).content.decode()
    assert "Cara Bennett" not in client.get(url, {"status": "paid"}).content.decode()


def test_a_fee_line_too_big_for_a_claim_is_refused_and_the_pages_still_work(client, cara, draft, row):
    """Issue 11's case: a line of £2,199,997.80 made the home page, the claim list and the
    queue fail for good. Now it is a form error and nothing is saved."""
    RateCardRowFactory(card=row.card, code="big_day", unit="day", amount=Decimal("219.99"))
    client.force_login(cara)
    before = draft.fee_lines.count()
    response = client.post(
        reverse("payments:claim_fee_add", args=[draft.public_id]), {"code": "big_day", "quantity": "9999.99"}
    )
    assert response.status_code == 302
    assert "the most a claim can hold" in client.get(response["Location"]).content.decode()
    draft.refresh_from_db()
    assert draft.fee_lines.count() == before
    assert draft.total < Decimal("1000000")
    page = client.get(reverse("payments:claim_detail", args=[draft.public_id]))
    assert page.status_code == 200
    assert client.get(reverse("portal:home")).status_code == 200


def test_your_claims_page_newest_first_and_show_only_yours(client, cara, olu):
    from tests.factories import ClaimFactory

    claims = [
        ClaimFactory(
            participation=ParticipationFactory(contributor=cara, attended=True), reference=f"CL-T-{n:02d}"
        )
        for n in range(27)
    ]
    ClaimFactory(participation=ParticipationFactory(contributor=olu, attended=True), reference="CL-T-OLU")
    client.force_login(cara)
    url = reverse("payments:claim_list")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    newest, oldest = claims[-1].reference, claims[0].reference
    assert newest in first
    assert claims[2].reference in first
    assert claims[1].reference not in first
    assert oldest in second
    assert newest not in second
    assert first.index(claims[-1].reference) < first.index(claims[-2].reference)
    assert "CL-T-OLU" not in first + second


def test_your_claims_page_offers_what_is_left_to_claim_at_once(client, cara, participation):
    # The claims list asks whether anything is claimable before building the form: each
    # change shows on the next page, nothing kept.
    client.force_login(cara)
    url = reverse("payments:claim_list")
    title = participation.activity.title
    page = client.get(url).content.decode()
    assert "Start a claim" in page
    assert title in page
    claim = services.start_claim(actor=cara, participation=participation)
    page = client.get(url).content.decode()
    assert "Start a claim" not in page
    assert "You have nothing new to claim for" in page
    services.withdraw_claim(actor=cara, claim=claim)
    page = client.get(url).content.decode()
    assert "Start a claim" in page
    assert title in page


def test_every_payment_run_is_reachable_a_page_at_a_time(client, morgan):
    """The paying page lists the newest twenty runs; with more, it links to the runs page, which
    pages every run, newest first, each with its finance export."""
    from datetime import timedelta

    from django.utils import timezone

    from payments.models import PaymentBatch

    today = timezone.localdate()
    for n in range(20):
        PaymentBatch.objects.create(
            paid_on=today - timedelta(days=n),
            reference=f"RUN-{n:02d}",
            method="bank_transfer",
            created_by=morgan,
        )
    client.force_login(morgan)
    paying = client.get(reverse("payments:payment_list")).content.decode()
    assert ("RUN-19" in paying, "See every payment run" in paying) == (True, False)
    for n in range(20, 60):
        PaymentBatch.objects.create(
            paid_on=today - timedelta(days=n), reference=f"RUN-{n:02d}", method="vouchers", created_by=morgan
        )
    paying = client.get(reverse("payments:payment_list")).content.decode()
    assert ("RUN-19" in paying, "RUN-20" in paying, "See every payment run" in paying) == (True, False, True)
    runs = reverse("payments:batch_list")
    first, last = client.get(runs).content.decode(), client.get(runs, {"page": 3}).content.decode()
    assert ("RUN-00" in first, "RUN-24" in first, "RUN-25" in first) == (True, True, False)
    assert ("RUN-59" in last, "RUN-49" in last, "Page 3 of 3" in last) == (True, False, True)
    oldest = PaymentBatch.objects.get(reference="RUN-59")
    assert reverse("payments:batch_export", args=[oldest.public_id]) in last
