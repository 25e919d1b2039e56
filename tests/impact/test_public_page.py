"""The public "what changed" page pages, and its cache follows publishing (issue 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from impact import services
from tests.factories import ImpactEntryFactory


@pytest.fixture
def published(project, fatima):
    def make(n):
        return [ImpactEntryFactory(project=project, published=True, title=f"Change {i}") for i in range(n)]

    return make


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(queries)


def test_the_public_page_shows_a_page_of_changes_at_a_time_newest_first(client, published):
    from portal.pagination import PAGE_SIZE

    published(2 * PAGE_SIZE + 5)
    response, _ = _get(client, reverse("impact:public_changes"))
    body = response.content.decode()
    assert body.count("portal-impact-entry") == PAGE_SIZE
    assert f"Page 1 of 3, {2 * PAGE_SIZE + 5} in all." in body
    response, _ = _get(client, reverse("impact:public_changes"), page=3)
    assert response.content.decode().count("portal-impact-entry") == 5


def test_the_cached_page_costs_no_queries_and_follows_unpublishing(client, published, fatima):
    first, *_ = published(3)
    url = reverse("impact:public_changes")
    response, cold = _get(client, url)
    assert "Change 0" in response.content.decode()
    response, warm = _get(client, url)
    assert warm == 0 < cold
    services.unpublish_entry(actor=fatima, entry=first)
    response, _ = _get(client, url)
    assert "Change 0" not in response.content.decode()
    assert "Change 1" in response.content.decode()
    services.publish_entry(actor=fatima, entry=first, checked_no_personal_details=True)
    assert "Change 0" in _get(client, url)[0].content.decode()


def test_a_project_page_is_cached_apart_from_the_whole(client, published, project):
    published(2)
    whole, _ = _get(client, reverse("impact:public_changes"))
    own, _ = _get(client, reverse("impact:public_project_changes", args=[project.public_id]))
    assert "By project" in whole.content.decode()
    assert "By project" not in own.content.decode()


def test_without_a_shared_cache_the_page_is_not_cached(client, published, settings):
    """Each worker would keep its own copy, and an unpublished entry linger in the others."""
    settings.PORTAL_SHARED_CACHE = False
    published(1)
    _get(client, reverse("impact:public_changes"))
    assert _get(client, reverse("impact:public_changes"))[1] > 0
