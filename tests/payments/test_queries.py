"""Query budgets (issue 12): the approval queue and the paying page cost the same number of
queries for a small world and for one ten times larger, and stay within 10 beyond what a bare
signed-in page costs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.models import PaymentChoice
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    ProjectFactory,
    RateCardRowFactory,
    UserFactory,
    give_bank_details,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _setup(settings, db):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    RateCardRowFactory(
        amount=Decimal("25.00"), card__effective_from=timezone.localdate() - timedelta(days=400)
    )


def _world(size: int, fatima, *, approve: bool) -> None:
    """`size` claims per kind over two projects: plain, vouchers, no bank details, a shared receipt."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    projects = [ProjectFactory(lead=fatima), ProjectFactory(lead=fatima, involvement_budget=Decimal("1.00"))]
    for n in range(size):
        for kind in range(4):
            person = UserFactory(contributor=True)
            if kind != 2:
                give_bank_details(person)
            activity = ActivityFactory(project=projects[n % 2], starts_at=timezone.now() - timedelta(days=3))
            participation = ParticipationFactory(activity=activity, contributor=person, status="attended")
            claim = services.start_claim(actor=person, participation=participation)
            if kind == 3:
                services.add_expense_line(
                    actor=person,
                    claim=claim,
                    kind="taxi",
                    amount=Decimal("5.00"),
                    receipt=SimpleUploadedFile("r.png", PNG, content_type="image/png"),
                )
            choice = PaymentChoice.VOUCHERS if kind == 1 else PaymentChoice.FULL_FEE
            services.submit_claim(actor=person, claim=claim, declaration=True, payment_choice=choice)
            if approve:
                services.decide_claim(claim=claim, approver=fatima, approve=True)


def _count(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # warm: roles and content types cached, as on every page but the first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _bare(client, user) -> int:
    """What any signed-in page costs here (session, user, roles, navigation counts)."""
    return _count(client, user, reverse("portal:reminder_settings"))


@pytest.mark.parametrize(
    ("url_name", "persona", "approve"),
    [("payments:claim_queue", "fatima", False), ("payments:payment_list", "morgan", True)],
)
def test_the_page_costs_the_same_for_ten_times_the_claims(client, fatima, morgan, url_name, persona, approve):
    user = {"fatima": fatima, "morgan": morgan}[persona]
    _world(2, fatima, approve=approve)
    small = _count(client, user, reverse(url_name))
    _world(18, fatima, approve=approve)
    large = _count(client, user, reverse(url_name))
    assert small == large
    assert large - _bare(client, user) <= 10


@pytest.mark.parametrize(("waits", "median"), [([3, 10, 1, 7, 30], 7), ([4, 2, 9, 5], 4.5), ([6], 6)])
def test_days_to_pay_median_and_longest_come_from_sql_not_every_row(waits, median):
    from payments.selectors import time_to_pay
    from tests.factories import ClaimFactory

    submitted = timezone.now() - timedelta(days=60)
    for wait in waits:
        ClaimFactory(
            status="paid", first_submitted_at=submitted, paid_on=(submitted + timedelta(days=wait)).date()
        )
    ClaimFactory(approved=True)  # not paid: not counted
    with CaptureQueriesContext(connection) as queries:
        timing = time_to_pay()
    assert timing == {"count": len(waits), "median": median, "longest": max(waits)}
    assert len(queries) == 2


def _export(client, morgan, reference):
    from payments.models import Claim

    claims = list(
        Claim.objects.filter(status="approved", contributor__contributor__bank_account__isnull=False).exclude(
            payment_choice=PaymentChoice.VOUCHERS
        )
    )
    batch = services.mark_claims_paid(
        actor=morgan, claims=claims, paid_on=timezone.localdate(), reference=reference
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("payments:batch_export", args=[batch.public_id]))
    assert response.status_code == 200
    assert response.content.decode().count("\n") == len(claims) + 1
    return len(queries), claims, [q["sql"][:140] for q in queries.captured_queries]


def test_the_finance_export_costs_the_same_queries_for_ten_times_the_claims(client, fatima, morgan):
    from portal.models import AuditEvent
    from tests.mfa import pass_mfa

    client.force_login(morgan)
    pass_mfa(client, morgan)
    _world(2, fatima, approve=True)
    small, _, _ = _export(client, morgan, "RUN-1")
    before = AuditEvent.objects.filter(action="bank_details.read").count()
    _world(20, fatima, approve=True)
    large, claims, sql = _export(client, morgan, "RUN-2")
    assert small == large < 20, sql
    # Each person's bank details read is still logged, one row each.
    people = {c.contributor_id for c in claims}
    assert AuditEvent.objects.filter(action="bank_details.read").count() - before == len(people) > 0


def test_the_days_waited_index_is_the_expression_the_median_orders_by():
    """Migration 0009 writes the expression down (migrations are frozen); if the model's copy
    changes, the index no longer serves the query, and a new migration is needed."""
    from importlib import import_module

    from payments.models import days_waited

    migration = import_module("payments.migrations.0009_claim_indexes_for_paying_page")
    [index] = [i for i in migration.indexes() if i.name == "claim_status_days_waited"]
    assert index.expressions[1] == days_waited()
