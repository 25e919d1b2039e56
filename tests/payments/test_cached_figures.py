"""The payments figures kept across requests (issue 12, at 200,000 claims): the staff
navigation's "claims to check", the paying page's counts and organisation figures, and the
queue's budget warning. Each is asked once and then read from the cache, and each still
changes on the next page after a change made in the portal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments import services
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ParticipationFactory,
    UserFactory,
    give_bank_details,
)


@pytest.fixture(autouse=True)
def _setup(settings, db):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    assert settings.PORTAL_SHARED_CACHE  # the tests' cache is one process's: shared


def _claim(project, **kwargs):
    person = UserFactory(contributor=True)
    give_bank_details(person)
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True), contributor=person, status="attended"
    )
    return ClaimFactory(participation=participation, **kwargs)


def _nav_count(client) -> str:
    html = client.get(reverse("portal:reminder_settings")).content.decode()
    link = html.split("Claims to check", 1)[1].split("</a>", 1)[0]
    return link.split('portal-nav-count">')[1].split("<")[0] if "portal-nav-count" in link else "0"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_claims_to_check_is_asked_once_and_follows_decisions_and_new_coordinators(
    client, fatima, other_coordinator, morgan, project
):
    first = _claim(project, submitted=True)
    _claim(project, submitted=True)
    client.force_login(fatima)
    assert _nav_count(client) == "2"
    bare = reverse("portal:reminder_settings")
    asked = _queries(client, bare)
    assert _queries(client, bare) == asked  # already cached: the count costs nothing now

    _claim(project, submitted=True)
    assert _nav_count(client) == "3"
    services.decide_claim(claim=first, approver=fatima, approve=True)
    assert _nav_count(client) == "2"

    # Made a coordinator of the project: its claims count for them on their next page.
    client.force_login(other_coordinator)
    assert _nav_count(client) == "0"
    project.coordinators.add(other_coordinator)
    assert _nav_count(client) == "2"
    project.coordinators.remove(other_coordinator)
    assert _nav_count(client) == "0"


def test_the_paying_page_counts_and_figures_follow_a_payment_run(client, morgan, project):
    today = timezone.localdate()
    claims = [_claim(project, approved=True) for _ in range(3)]
    _claim(project, approved=True, total=Decimal("0.00"), fee_total=Decimal("0.00"))
    later = _claim(project, approved=True, pay_after=today + timedelta(days=30))
    client.force_login(morgan)
    url = reverse("payments:payment_list")
    cold = _queries(client, url)
    page = client.get(url).content.decode()
    assert '<span class="portal-count">3</span> approved, waiting to be paid' in page
    assert "1 approved claim for £0.00 is not listed" in page
    assert "1 approved claim is not listed yet" in page
    assert "£0.00 paid." in page
    assert _queries(client, url) < cold  # the counts and figures are read from the cache

    services.mark_claims_paid(actor=morgan, claims=claims[:2], paid_on=today, reference="RUN-1")
    page = client.get(url).content.decode()
    assert '<span class="portal-count">1</span> approved, waiting to be paid' in page
    assert "£100.00 paid." in page

    later.pay_after = today
    later.save()
    page = client.get(url).content.decode()
    assert '<span class="portal-count">2</span> approved, waiting to be paid' in page
    assert "is not listed yet" not in page


def test_the_queue_budget_warning_follows_a_budget_change_and_an_approval(client, fatima, project):
    project.involvement_budget = Decimal("120.00")
    project.save()
    first = _claim(project, submitted=True)
    _claim(project, submitted=True)
    client.force_login(fatima)
    url = reverse("payments:claim_queue")
    assert "Over budget" not in client.get(url).content.decode()

    # Approving one commits £50 of the £120: the other (£50) still fits.
    services.decide_claim(claim=first, approver=fatima, approve=True)
    assert "Over budget" not in client.get(url).content.decode()

    project.involvement_budget = Decimal("90.00")
    project.save()
    assert "Over budget" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("who", "url"), [("fatima", "payments:claim_queue"), ("morgan", "payments:payment_list")]
)
def test_the_queue_and_the_paying_page_ask_the_cache_once(client, request, who, url, project):
    """The page's figures and the navigation's count of claims to check come in one round trip
    to the cache (once they are kept), and the count still follows a new claim at once."""
    from unittest import mock

    from django.core.cache import cache

    url = reverse(url)
    client.force_login(request.getfixturevalue(who))
    _claim(project, status="submitted", submitted_at=timezone.now())
    client.get(url)  # the figures are kept
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        page = client.get(url).content.decode()
    # Besides the person's roles and permissions (User._read_access), one round trip.
    asked = [c.args[0] for c in get_many.call_args_list if not c.args[0][0].startswith("portal:roles:")]
    assert len(asked) == 1
    if who == "fatima":  # a manager decides only the claims routed to managers
        assert 'portal-nav-count">1<' in page
        _claim(project, status="submitted", submitted_at=timezone.now())
        assert 'portal-nav-count">2<' in client.get(url).content.decode()
