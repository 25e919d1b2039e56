"""A partner's invoice is spent against the project's budget like a contributor's claim: the
spend figures count it, and the approval queue's over-budget warning follows it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from partners import services
from payments import selectors
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ParticipationFactory,
    UserFactory,
    give_bank_details,
)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False


def test_an_approved_invoice_is_committed_and_a_paid_one_paid(invoice, morgan, second_manager, project):
    spend = selectors.project_spend(project=project)
    assert (spend["committed"], spend["awaiting_decision"]) == (Decimal("0.00"), Decimal("360.00"))
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    spend = selectors.project_spend(project=project)
    assert (spend["committed"], spend["paid"], spend["awaiting_decision"]) == (
        Decimal("360.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert spend["remaining"] == project.involvement_budget - Decimal("360.00")
    services.pay_invoices(
        actor=second_manager, invoices=[invoice], paid_on=date(2026, 11, 20), reference="BACS-9"
    )
    spend = selectors.project_spend(project=project)
    assert (spend["committed"], spend["paid"]) == (Decimal("360.00"), Decimal("360.00"))
    assert selectors.project_spend()["paid"] == Decimal("360.00")  # the organisation's too
    # By date: committed by the invoice's date, paid by the day it was paid.
    before = selectors.project_spend(project=project, start=date(2026, 11, 2), end=date(2026, 11, 19))
    assert (before["committed"], before["paid"]) == (Decimal("0.00"), Decimal("0.00"))


def test_a_rejected_invoice_is_not_spent(invoice, morgan, project):
    services.decide_invoice(actor=morgan, invoice=invoice, approve=False, note="Not ours")
    spend = selectors.project_spend(project=project)
    assert (spend["committed"], spend["awaiting_decision"]) == (Decimal("0.00"), Decimal("0.00"))


def test_the_queue_warns_when_an_approved_invoice_leaves_no_room_for_a_claim(
    client, invoice, morgan, fatima, project, settings
):
    assert settings.PORTAL_SHARED_CACHE  # the budget figure is cached: the approval must reach it
    project.involvement_budget = Decimal("400.00")
    project.save()
    person = UserFactory(contributor=True)
    give_bank_details(person)
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True), contributor=person, status="attended"
    )
    claim = ClaimFactory(participation=participation, submitted=True)
    assert claim.total > Decimal("40.00")
    client.force_login(fatima)
    url = reverse("payments:claim_queue")
    assert "Over budget" not in client.get(url).content.decode()
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)  # £360 of the £400
    assert "Over budget" in client.get(url).content.decode()


def test_whoever_decides_an_invoice_is_warned_when_it_would_go_over_budget(client, invoice, morgan, project):
    url = reverse("partners:invoice_detail", args=[invoice.public_id])
    client.force_login(morgan)
    assert "over its involvement budget" not in client.get(url).content.decode()
    project.involvement_budget = Decimal("300.00")  # the invoice is £360
    project.save()
    page = client.get(url).content.decode()
    assert "Approving this invoice would take" in page
    assert "£0.00 of £300.00 is already committed" in page
