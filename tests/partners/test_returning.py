"""An invoice with a mistake goes back to whoever entered it, is corrected, and is decided
again from the start: not rejected and entered a second time."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from partners import services
from partners.models import PartnerInvoice
from partners.services import PartnerError
from payments.models import ClaimStatus
from portal.models import AuditEvent


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False


def _fields(invoice, **changes):
    return {
        "project": invoice.project,
        "activity": None,
        "invoice_reference_text": invoice.invoice_reference,
        "description": invoice.description,
        "invoiced_on": invoice.invoiced_on,
        "amount": invoice.amount,
        **changes,
    }


def test_returning_needs_a_note_clears_approvals_and_tells_whoever_entered_it(
    invoice, morgan, fatima, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(PartnerError, match="Say what needs correcting"):
        services.return_invoice(actor=morgan, invoice=invoice, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_invoice(actor=morgan, invoice=invoice, note="The amount should be £300")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.decided_by) == (ClaimStatus.RETURNED, None)
    [email] = mailoutbox
    assert email.to == ["fatima@example.org"]
    assert "needs correcting" in email.subject
    assert "The amount should be £300" in email.body
    assert AuditEvent.objects.filter(action="partner.invoice_returned", actor=morgan).exists()


def test_whoever_entered_it_cannot_return_their_own_and_nothing_changes(invoice, fatima):
    with pytest.raises(PermissionDenied):
        services.return_invoice(actor=fatima, invoice=invoice, note="Oops")
    invoice.refresh_from_db()
    assert invoice.status == ClaimStatus.SUBMITTED


def test_a_corrected_invoice_is_decided_again_from_the_start(
    invoice, morgan, fatima, second_manager, settings
):
    settings.PORTAL_SECOND_APPROVAL_ABOVE = Decimal("100.00")
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)  # the first of two approvals
    services.return_invoice(actor=second_manager, invoice=invoice, note="The amount should be £300")
    services.correct_invoice(actor=fatima, invoice=invoice, **_fields(invoice, amount=Decimal("300.00")))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount, invoice.decided_by) == (
        ClaimStatus.SUBMITTED,
        Decimal("300.00"),
        None,
    )
    assert not invoice.awaiting_second_approval
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    services.decide_invoice(actor=second_manager, invoice=invoice, approve=True)
    invoice.refresh_from_db()
    assert invoice.status == ClaimStatus.APPROVED
    steps = list(invoice.events.values_list("to_status", flat=True))
    assert steps == ["submitted", "submitted", "returned", "submitted", "submitted", "approved"]
    audit = AuditEvent.objects.get(action="partner.invoice_corrected")
    assert audit.data["before"]["amount"] == "360.00"


def test_only_a_returned_invoice_can_be_corrected(invoice, fatima):
    with pytest.raises(PartnerError, match="Only an invoice returned"):
        services.correct_invoice(actor=fatima, invoice=invoice, **_fields(invoice, amount=Decimal("1.00")))
    invoice.refresh_from_db()
    assert invoice.amount == Decimal("360.00")


def test_another_coordinator_cannot_correct_it(invoice, morgan, other_coordinator):
    services.return_invoice(actor=morgan, invoice=invoice, note="Wrong date")
    with pytest.raises(PermissionDenied):
        services.correct_invoice(
            actor=other_coordinator, invoice=invoice, **_fields(invoice, amount=Decimal("1.00"))
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount) == (ClaimStatus.RETURNED, Decimal("360.00"))


def test_correcting_to_an_invoice_number_already_in_the_portal_is_refused(
    invoice, partner, project, morgan, fatima
):
    services.enter_invoice(
        actor=fatima,
        partner=partner,
        project=project,
        invoice_reference_text="RCC-2",
        description="Another",
        invoiced_on=date(2026, 11, 3),
        amount=Decimal("10.00"),
    )
    services.return_invoice(actor=morgan, invoice=invoice, note="Wrong number")
    with pytest.raises(PartnerError, match="already in the portal"):
        services.correct_invoice(
            actor=fatima, invoice=invoice, **_fields(invoice, invoice_reference_text="RCC-2")
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.invoice_reference) == (ClaimStatus.RETURNED, "RCC-1")


def test_the_journey_in_pages_return_correct_decide(client, invoice, morgan, fatima):
    detail = reverse("partners:invoice_detail", args=[invoice.public_id])
    client.force_login(morgan)
    page = client.get(detail).content.decode()
    assert "Return it to be corrected" in page
    response = client.post(
        reverse("partners:invoice_decide", args=[invoice.public_id]), {"decision": "return"}
    )
    assert response.status_code == 400
    assert "Say what needs correcting" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == ClaimStatus.SUBMITTED  # nothing changed
    response = client.post(
        reverse("partners:invoice_decide", args=[invoice.public_id]),
        {"decision": "return", "reason": "The date is 2 November"},
        follow=True,
    )
    assert "Returned to Fatima" in response.content.decode()

    client.force_login(fatima)
    page = client.get(detail).content.decode()
    assert "asked for this: The date is 2 November" in page
    correct = reverse("partners:invoice_correct", args=[invoice.public_id])
    form = client.get(correct).content.decode()
    assert 'value="RCC-1"' in form  # starts from what was entered
    data = {
        "project": invoice.project.pk,
        "invoice_reference_text": "RCC-1",
        "description": "Two workshops",
        "invoiced_on": "2026-11-02",
        "amount": "not money",
    }
    response = client.post(correct, data)
    assert response.status_code == 400
    assert PartnerInvoice.objects.get(pk=invoice.pk).status == ClaimStatus.RETURNED
    response = client.post(correct, {**data, "amount": "360.00"}, follow=True)
    page = response.content.decode()
    assert "corrected. Someone else decides it again." in page
    invoice.refresh_from_db()
    assert (invoice.status, invoice.invoiced_on) == (ClaimStatus.SUBMITTED, date(2026, 11, 2))
