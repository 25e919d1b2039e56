"""Races that only a real database with row locks can show (run in `make test`'s PostgreSQL phase)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from contributors import services
from contributors.models import InterestStatus, RoleAssignment
from tests.factories import OpportunityFactory, ProjectFactory, UserFactory


def _run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        from django.db import connections

        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except services.ContributorError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_choosing_at_once_fill_the_place_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    lead, second = UserFactory(coordinator=True), UserFactory(coordinator=True)
    opportunity = OpportunityFactory(project=ProjectFactory(lead=lead, coordinators=[second]), places=1)
    interests = []
    for _ in range(2):
        person = UserFactory(contributor=True)
        interests.append(services.express_interest(actor=person, opportunity=opportunity, contributor=person))

    def choose(user, interest):
        return lambda: services.select_candidates(
            actor=user, opportunity=opportunity, selected=[interest], starts_on=timezone.localdate()
        )

    assert _run_together(choose(lead, interests[0]), choose(second, interests[1])) == ["done", "refused"]
    assert RoleAssignment.objects.count() == 1
    assert opportunity.interests.filter(status=InterestStatus.SELECTED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_expresses_interest_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    opportunity = OpportunityFactory()
    person = UserFactory(contributor=True)

    def express():
        services.express_interest(actor=person, opportunity=opportunity, contributor=person, message="Keen")

    assert _run_together(express, express) == ["done", "refused"]
    assert opportunity.interests.count() == 1
