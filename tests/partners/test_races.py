"""Races that only a real database with row locks can show (run in `make test`'s PostgreSQL phase)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from partners import services
from partners.models import LinkRole, PartnerInvoice, PartnerPayRun
from tests.factories import ProjectFactory, UserFactory


def _run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        from django.db import connections

        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except services.PartnerError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def _invoice():
    manager, coordinator = UserFactory(manager=True), UserFactory(coordinator=True)
    project = ProjectFactory(lead=coordinator)
    partner = services.create_partner(
        actor=manager, name="Deaf Club", kind="community", communities="Deaf people"
    )
    services.link_partner(actor=manager, partner=partner, project=project, role=LinkRole.RECRUIT)
    invoice = services.enter_invoice(
        actor=coordinator,
        partner=partner,
        project=project,
        invoice_reference_text="DC-1",
        description="Interpreters",
        invoiced_on=date(2026, 11, 1),
        amount=Decimal("200.00"),
    )
    return invoice, manager


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_decide_an_invoice_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    invoice, manager = _invoice()
    other = UserFactory(manager=True)
    approve = lambda: services.decide_invoice(actor=manager, invoice=invoice, approve=True)  # noqa: E731
    reject = lambda: services.decide_invoice(actor=other, invoice=invoice, approve=False, note="No")  # noqa: E731
    assert _run_together(approve, reject) == ["done", "refused"]
    assert invoice.events.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_pay_runs_at_once_pay_an_invoice_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    invoice, manager = _invoice()
    services.decide_invoice(actor=manager, invoice=invoice, approve=True)

    def pay(reference):
        return lambda: services.pay_invoices(
            actor=manager, invoices=[invoice], paid_on=date(2026, 11, 20), reference=reference
        )

    assert _run_together(pay("A"), pay("B")) == ["done", "refused"]
    assert PartnerPayRun.objects.count() == 1
    assert PartnerInvoice.objects.get().events.filter(to_status="paid").count() == 1
