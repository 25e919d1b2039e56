"""Cheap requests (issue 12): a bare signed-in page costs at most 3 queries, the session row is
not rewritten on every request, and cached roles follow a change at once."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.models import Role
from tests.mfa import pass_mfa


def _bare(client) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:reminder_settings"))
    assert response.status_code == 200
    return queries


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["cara", "fatima", "morgan"])
def test_a_bare_signed_in_page_costs_at_most_three_queries(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    client.get(reverse("portal:reminder_settings"))  # the first request pushes the expiry
    queries = _bare(client)
    assert len(queries) <= 3, [q["sql"][:150] for q in queries.captured_queries]
    assert not any(q["sql"].startswith(("UPDATE", "INSERT")) for q in queries.captured_queries)


def test_a_session_that_used_mfa_does_not_look_it_up_again(client, fatima, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client.force_login(fatima)
    pass_mfa(client, fatima)
    client.get(reverse("portal:reminder_settings"))
    queries = _bare(client)
    assert "mfa_authenticator" not in " ".join(q["sql"] for q in queries.captured_queries)
    assert len(queries) <= 3, [q["sql"][:150] for q in queries.captured_queries]


def test_the_idle_expiry_still_slides_forward(client, cara, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(cara)
    client.get(reverse("portal:reminder_settings"))
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    time_machine.shift(timedelta(seconds=30))
    client.get(reverse("portal:reminder_settings"))
    assert Session.objects.get(pk=key).expire_date == first  # not rewritten within a minute
    time_machine.shift(timedelta(minutes=50))
    client.get(reverse("portal:reminder_settings"))
    pushed = Session.objects.get(pk=key).expire_date
    assert pushed == timezone.now() + timedelta(minutes=settings.PORTAL_SESSION_IDLE_MINUTES)
    # Still signed in 50 minutes after the last push, though 100 after signing in.
    time_machine.shift(timedelta(minutes=50))
    assert client.get(reverse("portal:reminder_settings")).status_code == 200


def test_an_idle_session_ends(client, cara, settings, time_machine):
    # The database backend checks the expiry against the (travelled) clock; with Redis the
    # cache's own TTL ends the session in real time, which time travel cannot move.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(cara)
    client.get(reverse("portal:reminder_settings"))
    time_machine.shift(timedelta(minutes=settings.PORTAL_SESSION_IDLE_MINUTES + 1))
    assert client.get(reverse("portal:reminder_settings")).status_code == 302


def test_a_role_taken_away_counts_on_the_next_request(client, fatima, morgan):
    client.force_login(fatima)
    assert client.get(reverse("payments:claim_queue")).status_code == 200
    services.revoke_role(actor=morgan, user=fatima, role=Role.COORDINATOR)
    assert client.get(reverse("payments:claim_queue")).status_code == 403


@pytest.mark.django_db
def test_a_staff_pages_roles_and_permissions_are_one_round_trip_to_the_cache(client, fatima, project):
    """The roles, the permissions and their generation come in one get_many (User._read_access):
    a page that checks a permission asked for the generation and then the permissions after the
    roles, two round trips more."""
    from unittest import mock

    from django.core.cache import cache

    from tests.factories import ActivityFactory

    url = reverse("portal:activity_detail", args=[ActivityFactory(project=project).public_id])
    client.force_login(fatima)
    client.get(url)
    with (
        mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        mock.patch.object(cache, "get_or_set", wraps=cache.get_or_set) as get_or_set,
    ):
        assert client.get(url).status_code == 200
    about_access = [
        sorted(k.split(":")[1] for k in c.args[0])
        for c in get_many.call_args_list
        if any(k.startswith(("portal:roles:", "portal:perms:")) for k in c.args[0])
    ]
    assert about_access == [["perms", "perms", "roles"]]
    assert not get_or_set.called


@pytest.mark.django_db
def test_a_groups_permission_taken_away_counts_on_the_next_request(client, fatima, project):
    """Permissions are kept with the generation they were read in: a group's permissions
    changing starts a new one, and the next request reads them again."""
    from django.contrib.auth.models import Group, Permission

    from tests.factories import ActivityFactory

    url = reverse("portal:activity_edit", args=[ActivityFactory(project=project).public_id])
    client.force_login(fatima)
    assert client.get(url).status_code == 200
    coordinators = Group.objects.get(name=Role.COORDINATOR)
    kept = list(coordinators.permissions.all())
    coordinators.permissions.remove(*Permission.objects.filter(codename="change_project"))
    assert client.get(url).status_code == 403
    coordinators.permissions.set(kept)
    assert client.get(url).status_code == 200
