"""Home figures cached across requests (portal.figures) and permissions cached like roles
(issue 12): what is cached still changes on the next page after a change made in the portal,
and a person's own claims are never cached."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.models import Role, User
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ContributorFactory,
    ImpactEntryFactory,
    ParticipationFactory,
    RateCardRowFactory,
)


@pytest.fixture(autouse=True)
def _setup(settings, db):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    RateCardRowFactory(
        amount=Decimal("25.00"), card__effective_from=timezone.localdate() - timedelta(days=400)
    )


def _to_pay(response) -> str:
    html = response.content.decode()
    line = next(li for li in html.split("<li>") if "approved claims to pay" in li)
    return line.split('portal-count">')[1].split("<")[0]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_organisation_figures_are_cached_and_change_on_the_next_page_after_a_change(
    client, morgan, project
):
    client.force_login(morgan)
    home = reverse("portal:home")
    first = client.get(home)
    assert _to_pay(first) == "0"
    assert _queries(client, home) <= 10

    claim = ClaimFactory(
        participation=ParticipationFactory(
            activity=ActivityFactory(project=project, past=True), status="attended"
        ),
        approved=True,
    )
    assert _to_pay(client.get(home)) == "1"

    claim.delete()
    assert _to_pay(client.get(home)) == "0"


def test_without_a_shared_cache_the_figures_are_asked_on_every_page(client, morgan, project, settings):
    settings.PORTAL_SHARED_CACHE = False
    client.force_login(morgan)
    home = reverse("portal:home")
    client.get(home)
    # Nothing kept: the manager's figures are asked again (more than the cached page's 10).
    assert _queries(client, home) > 10


def test_a_contributor_sees_a_claim_they_just_made_and_an_activity_they_were_just_added_to(
    client, cara, morgan, project
):
    ContributorFactory(user=cara)
    client.force_login(cara)
    home = reverse("portal:home")
    client.get(home)  # the person's lists are now cached
    activity = ActivityFactory(
        project=project, title="Leaflet workshop", starts_at=timezone.now() + timedelta(days=3)
    )
    services.add_participant(actor=morgan, activity=activity, contributor=cara)
    assert "Leaflet workshop" in client.get(home).content.decode()

    past = ActivityFactory(project=project, title="Survey review", past=True)
    ClaimFactory(participation=ParticipationFactory(activity=past, contributor=cara, status="attended"))
    assert "Survey review" in client.get(home).content.decode()


def test_an_impact_entry_published_shows_in_the_staff_count_at_once(client, fatima, project):
    client.force_login(fatima)
    home = reverse("portal:home")
    client.get(home)
    ImpactEntryFactory(project=project, published=True)
    assert "1 published" in client.get(home).content.decode()


def test_a_permission_taken_from_a_group_counts_on_the_next_request(fatima):
    perm = "portal.add_project"
    assert User.objects.get(pk=fatima.pk).has_perm(perm)
    permission = Permission.objects.get(content_type__app_label="portal", codename="add_project")
    Group.objects.get(name=Role.COORDINATOR).permissions.remove(permission)
    assert not User.objects.get(pk=fatima.pk).has_perm(perm)


def test_a_permission_given_to_the_person_counts_on_the_next_request(cara):
    perm = "portal.add_project"
    assert not User.objects.get(pk=cara.pk).has_perm(perm)
    permission = Permission.objects.get(content_type__app_label="portal", codename="add_project")
    cara.user_permissions.add(permission)
    assert User.objects.get(pk=cara.pk).has_perm(perm)


def test_permissions_cost_no_query_once_cached(fatima):
    User.objects.get(pk=fatima.pk).has_perm("portal.add_project")
    again = User.objects.get(pk=fatima.pk)
    with CaptureQueriesContext(connection) as queries:
        assert again.has_perm("portal.add_project")
    assert len(queries) == 0


def test_each_area_is_forgotten_alone():
    from portal import figures

    calls = []

    def compute(label):
        calls.append(label)
        return len(calls)

    assert figures.cached("payments:x", lambda: compute("payments")) == 1
    assert figures.cached("feedback:x", lambda: compute("feedback")) == 2
    figures.forget("feedback")
    assert figures.cached("payments:x", lambda: compute("payments")) == 1  # kept
    assert figures.cached("feedback:x", lambda: compute("feedback")) == 3  # asked again


def test_prefetched_figures_are_read_in_one_round_trip_and_forgetting_asks_again(settings):
    """A page's figures come from the cache in one round trip (figures.prefetch); a change
    made while the page is built still counts (forget drops what was prefetched)."""
    from unittest import mock

    from django.core.cache import cache

    from portal import figures

    settings.PORTAL_SHARED_CACHE = True
    figures.cached("payments:a", lambda: 1)
    figures.cached("feedback:b", lambda: 2, scope="p")
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        with figures.prefetch([("payments:a", ""), ("feedback:b", "p")]):
            assert figures.cached("payments:a", lambda: 10) == 1
            assert figures.cached("feedback:b", lambda: 20, scope="p") == 2
            assert get_many.call_count == 1
            figures.forget("payments")
            assert figures.cached("payments:a", lambda: 11) == 11
            assert figures.cached("feedback:b", lambda: 21, scope="p") == 2  # another area: kept
        assert figures.cached("payments:a", lambda: 12) == 11


def test_every_home_panel_figure_is_prefetched(client, morgan, cara, fatima):
    """The figures each home's panels name (Panel.figures) are the ones they ask for: none is
    fetched on its own, except the navigation's count (asked after the panels, as on every page)."""
    from unittest import mock

    from django.core.cache import cache

    ContributorFactory(user=cara)
    for person in (cara, fatima, morgan):
        client.force_login(person)
        client.get(reverse("portal:home"))  # worked out and cached
        with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
            client.get(reverse("portal:home"))
        # The person's roles and permissions are one round trip of their own (User._read_access).
        asked = [c.args[0] for c in get_many.call_args_list if not c.args[0][0].startswith("portal:roles:")]
        alone = asked[1:]
        assert all("payments:waiting" in keys[1] for keys in alone), (person, alone)


def test_the_activity_pages_figures_and_the_navigations_count_are_one_round_trip(client, fatima, project):
    """The activity page prefetches the navigation's count (NavItem.figures) with its picker's
    and panels' figures, and the count is still right after a claim waits for Fatima."""
    from unittest import mock

    from django.core.cache import cache

    activity = ActivityFactory(project=project, past=True)
    url = reverse("portal:activity_detail", args=[activity.public_id])
    client.force_login(fatima)
    client.get(url)
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        client.get(url)
    asked = [c.args[0] for c in get_many.call_args_list if not c.args[0][0].startswith("portal:roles:")]
    assert len(asked) == 1
    assert any("payments:waiting" in key for key in asked[0])
    before = client.get(url).content.decode()
    ClaimFactory(participation=ParticipationFactory(activity=activity, status="attended"), submitted=True)
    after = client.get(url).content.decode()
    assert ("Claims to check" in before, _nav_count(before), _nav_count(after)) == (True, 0, 1)


def _nav_count(page: str) -> int:
    """The number beside "Claims to check" in the navigation (0 when none is shown)."""
    import re

    found = re.search(r'Claims to check(?: <span class="portal-nav-count">(\d+))?', page)
    return int(found.group(1) or 0)
