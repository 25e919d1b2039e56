"""portal.pagination.paginate_counted: the page `paginate` gives, in one query."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.models import Participation
from portal.pagination import PAGE_SIZE, paginate, paginate_counted
from portal.templatetags.portal_tags import pagination_nav
from tests.factories import ActivityFactory, ParticipationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rows(activity):
    return (
        Participation.objects.filter(activity=activity)
        .values("public_id", "contributor__name")
        .order_by("contributor__name", "pk")
    )


def _seen(page, query) -> tuple:
    """Everything the page and its pagination links show."""
    return (
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        list(page.object_list),
        query,
        str(pagination_nav(page, query=query, label="people")),
    )


@pytest.mark.parametrize("taking_part", [0, 1, PAGE_SIZE, PAGE_SIZE + 1, 2 * PAGE_SIZE + 3])
def test_every_page_number_gives_the_page_paginate_gives(taking_part):
    activity = ActivityFactory()
    for i in range(taking_part):
        ParticipationFactory(activity=activity, contributor=UserFactory(name=f"Person {i:03d}"))
    for number in (None, "1", "2", "3", "4", "99", "0", "-1", "x", "1.0", "1.5", ""):
        params = {"find": "a b"} if number is None else {"page": number, "find": "a b"}
        request = RequestFactory().get("/", params)
        assert _seen(*paginate_counted(request, _rows(activity))) == _seen(
            *paginate(request, _rows(activity))
        ), (taking_part, number)


def test_a_page_in_range_is_one_query():
    activity = ActivityFactory()
    for i in range(PAGE_SIZE + 2):
        ParticipationFactory(activity=activity, contributor=UserFactory(name=f"Person {i:03d}"))
    for number in ("1", "2"):
        with CaptureQueriesContext(connection) as queries:
            page, _ = paginate_counted(RequestFactory().get("/", {"page": number}), _rows(activity))
            assert page.paginator.count == PAGE_SIZE + 2
            assert "list_length" not in page.object_list[0]
        assert len(queries) == 1


@pytest.mark.parametrize("taking_part", [0, 1, PAGE_SIZE, 2 * PAGE_SIZE + 3])
def test_the_activity_pages_compiled_participants_are_the_page_paginate_gives(taking_part):
    """The activity page's people taking part (portal.views._PARTICIPANT_PAGE, compiled once a
    process): for each page number, the rows and links the ORM's paged query gave, names that
    tie in key order, for whichever activity asks after the one it was compiled for."""
    from portal import participant_rows
    from portal.pagination import compiled_page
    from portal.views import _PARTICIPANT_PAGE

    ActivityFactory()  # compiled for another activity first
    activity = ActivityFactory()
    for i in range(taking_part):
        ParticipationFactory(activity=activity, contributor=UserFactory(name=f"Person {i % 7:03d}"))
    columns = participant_rows.COLUMNS
    rows = (
        Participation.objects.filter(activity=activity).values(*columns).order_by("contributor__name", "pk")
    )
    for number in (None, "1", "2", "3", "4", "99", "0", "-1", "x", "1.5", ""):
        request = RequestFactory().get("/", {} if number is None else {"page": number})
        page, query = compiled_page(request, _PARTICIPANT_PAGE, activity=activity.pk)
        page.object_list = [dict(zip(columns, row, strict=True)) for row in page.object_list]
        assert _seen(page, query) == _seen(*paginate(request, rows)), (taking_part, number)
