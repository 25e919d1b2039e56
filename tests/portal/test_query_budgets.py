"""Query budgets (issue 12, as pretix does): each key page costs the same number of queries
for a small world and for one ten times larger, and at most 10."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ContributorFactory,
    FeedbackOwedFactory,
    ImpactEntryFactory,
    ParticipationFactory,
    RateCardRowFactory,
)

BUDGET = 10
# Pages not yet within 10 (issue 12): none now. A page that cannot be brought within 10 is
# pinned here at its number, flat in size, and that number must only go down.
OVER_BUDGET: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _setup(settings, db):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    RateCardRowFactory(
        amount=Decimal("25.00"), card__effective_from=timezone.localdate() - timedelta(days=400)
    )


def _world(size: int, project, cara) -> None:
    """`size` of everything: people in the directory, participations and claims (some Cara's),
    feedback owed (and given to Cara), impact entries (published and not)."""
    activity = ActivityFactory(project=project, past=True)
    ParticipationFactory(
        activity=ActivityFactory(project=project, past=True), contributor=cara, status="attended"
    )
    for n in range(size):
        person = ContributorFactory(in_directory=True).user
        participation = ParticipationFactory(activity=activity, contributor=person, status="attended")
        ClaimFactory(participation=participation, submitted=True)
        ClaimFactory(
            participation=ParticipationFactory(
                activity=ActivityFactory(project=project, past=True), contributor=cara, status="attended"
            ),
            approved=True,
        )
        FeedbackOwedFactory(
            participation=ParticipationFactory(
                activity=ActivityFactory(project=project, past=True), status="attended"
            )
        )
        ImpactEntryFactory(project=project, published=n % 2 == 0)
        # Feedback given to Cara: her home lists it, with who wrote it.
        FeedbackOwedFactory(
            participation=ParticipationFactory(
                activity=ActivityFactory(project=project, past=True), contributor=cara, status="attended"
            ),
            given=True,
        )


def _count(client, user, url) -> int:
    if user is not None:
        client.force_login(user)
    client.get(url)  # warm: roles and content types cached, as on every page but the first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), [q["sql"][:200] for q in queries.captured_queries]


PAGES = [
    ("manager home", "morgan", lambda ctx: reverse("portal:home")),
    ("contributor home", "cara", lambda ctx: reverse("portal:home")),
    ("coordinator home", "fatima", lambda ctx: reverse("portal:home")),
    (
        "activity page",
        "fatima",
        lambda ctx: reverse("portal:activity_detail", args=[ctx["activity"].public_id]),
    ),
    ("directory", "fatima", lambda ctx: reverse("contributors:directory")),
    ("impact log", "morgan", lambda ctx: reverse("impact:entry_list")),
    ("public page", None, lambda ctx: reverse("impact:public_changes")),
    ("your data", "cara", lambda ctx: reverse("contributors:my_data")),
    ("your data: claims", "cara", lambda ctx: reverse("contributors:my_data_section", args=["payments"])),
    ("claims list", "cara", lambda ctx: reverse("payments:claim_list")),
    ("feedback owed", "fatima", lambda ctx: reverse("feedback:owed_list")),
]


@pytest.mark.parametrize(("name", "persona", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_a_key_page_costs_the_same_for_ten_times_the_data(client, request, project, cara, name, persona, url):
    from django.core.cache import cache

    user = request.getfixturevalue(persona) if persona else None
    ContributorFactory(user=cara)
    activity = ActivityFactory(project=project, past=True)
    ctx = {"activity": activity}

    def grow(size):
        _world(size, project, cara)
        for _n in range(size):
            ParticipationFactory(activity=activity, status="attended")
        cache.clear()  # the public page is cached: measure it as the first visitor after a change

    grow(2)
    small, small_sql = _count(client, user, url(ctx))
    grow(18)
    large, large_sql = _count(client, user, url(ctx))
    if name == "activity page":
        # The small world's picker takes one query more (fewer people, a different path).
        assert large <= small, (small_sql, large_sql)
    else:
        assert small == large, (small_sql, large_sql)
    assert large <= OVER_BUDGET.get(name, BUDGET), large_sql
