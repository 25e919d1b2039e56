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
