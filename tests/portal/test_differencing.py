"""No differencing of equality data: the attack replayed. Add one person, ask twice, learn
nothing about them; change the period by a day to drop one person: nothing shown."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from contributors import selectors as contributor_selectors
from contributors.models import DiversityRecord, ParticipationDiversity
from impact import reports
from impact import selectors as impact_selectors
from portal.models import AggregateRelease
from portal.suppression import guard_population, population_digest
from tests.factories import ActivityFactory, ParticipationFactory, UserFactory

TODAY = timezone.localdate()
START, END = TODAY - timedelta(days=365), TODAY


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.PORTAL_SMALL_NUMBER_THRESHOLD = 5


def _attend(activity, sex):
    p = ParticipationFactory(activity=activity, contributor=UserFactory(), status="attended")
    ParticipationDiversity.objects.create(participation=p, has_answers=True, sex=sex)
    return p


def _sex(data):
    q = next(q for q in data["questions"] if q["key"] == "sex")
    return {r["code"]: r["count"] for r in q["rows"]}


@pytest.mark.django_db
def test_one_more_person_then_the_same_report_again_tells_nothing_about_them():
    meeting = ActivityFactory(starts_at=timezone.now() - timedelta(days=30))
    for _ in range(10):
        _attend(meeting, "female")
    for _ in range(6):
        _attend(meeting, "male")
    before = impact_selectors.diversity_report(start=START, end=END)
    assert _sex(before)["male"] == 6
    # The attacker's target takes part, and the report is asked for again.
    _attend(ActivityFactory(starts_at=timezone.now() - timedelta(days=2)), "male")
    after = impact_selectors.diversity_report(start=START, end=END)
    assert _sex(after) == _sex(before)
    assert after["people"] == before["people"] == 16
    assert after["held_since"] is not None
    assert "first made on" in reports.diversity_csv(after)


@pytest.mark.django_db
def test_a_period_one_day_shorter_that_drops_one_person_shows_nothing():
    meeting = ActivityFactory(starts_at=timezone.now() - timedelta(days=30))
    for _ in range(10):
        _attend(meeting, "female")
    for _ in range(6):
        _attend(meeting, "male")
    _attend(ActivityFactory(starts_at=timezone.now() - timedelta(days=2)), "male")
    full = impact_selectors.diversity_report(start=START, end=END)
    assert _sex(full)["male"] == 7
    shorter = impact_selectors.diversity_report(start=START, end=END - timedelta(days=3))
    assert shorter["withheld"]
    assert set(_sex(shorter).values()) == {None}
    assert shorter["people"] is None
    assert "No figures" in reports.diversity_csv(shorter)


@pytest.mark.django_db
def test_figures_move_on_once_enough_people_have_changed():
    meeting = ActivityFactory(starts_at=timezone.now() - timedelta(days=30))
    for _ in range(10):
        _attend(meeting, "female")
    impact_selectors.diversity_report(start=START, end=END)
    for _ in range(5):
        _attend(meeting, "male")
    data = impact_selectors.diversity_report(start=START, end=END)
    assert data["held_since"] is None
    assert _sex(data) == {"female": 10, "male": 5, "prefer_not_to_say": 0, "not_answered": 0}


@pytest.mark.django_db
def test_choosing_people_picture_does_not_show_the_one_new_person(client, fatima, project):
    pool = []
    for i in range(12):
        person = UserFactory()
        DiversityRecord.objects.create(user=person, sex="female" if i < 7 else "male")
        pool.append(person)
    before = contributor_selectors.diversity_comparison(pool=pool, group=[], key="opp")
    newcomer = UserFactory()
    DiversityRecord.objects.create(user=newcomer, sex="male")
    after = contributor_selectors.diversity_comparison(pool=[*pool, newcomer], group=[], key="opp")
    assert after["rows"] == before["rows"]
    assert after["pool_size"] == before["pool_size"] == 12
    assert after["held_since"] is not None


@pytest.mark.django_db
def test_the_guard_counts_people_added_and_people_gone_separately():
    first = set(range(1, 21))
    assert guard_population(kind="t", key="a", population=first, threshold=5).population == first
    # Same size, one swapped: one person in, one out. Held.
    swapped = (first - {1}) | {99}
    assert guard_population(kind="t", key="a", population=swapped, threshold=5).population == first
    # Ten more and one fewer: the one gone would be given away.
    mixed = (first - {2}) | set(range(100, 110))
    assert guard_population(kind="t", key="b", population=mixed, threshold=5).population is None
    # Tables too small to show anything are not recorded.
    assert guard_population(kind="t", key="c", population={1, 2}, threshold=5).population == {1, 2}
    assert AggregateRelease.objects.filter(kind="t").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_close_tables_asked_for_at_once_are_not_both_shown(monkeypatch):
    import threading
    import time

    from django.db import connection

    from portal import suppression

    check = suppression._guard

    def slow_check(**kwargs):
        time.sleep(0.3)  # both requests are past the door before either has recorded its table
        return check(**kwargs)

    monkeypatch.setattr(suppression, "_guard", slow_check)

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    # Two tables that differ by one person, neither close to anything shown before: shown one
    # after the other, the second is withheld. Asked for at the same moment, the same.
    first, second = set(range(1, 21)), set(range(1, 22))
    barrier, results = threading.Barrier(2), {}

    def ask(name, population):
        barrier.wait()
        try:
            results[name] = guard_population(kind="race", key=name, population=population, threshold=5)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=args) for args in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shown = [name for name, guarded in results.items() if guarded.population is not None]
    assert len(shown) == 1, results
    assert AggregateRelease.objects.filter(kind="race").count() == 1


@pytest.mark.django_db
def test_the_same_table_again_with_the_same_people_reads_no_earlier_population(django_assert_num_queries):
    first = set(range(1, 21))
    guard_population(kind="t", key="a", population=first, threshold=5)
    # Many earlier tables of the kind, none of them needed to answer the same question again.
    for key in "bcd":
        guard_population(
            kind="t", key=key, population=set(range(100 * ord(key), 100 * ord(key) + 20)), threshold=5
        )
    with django_assert_num_queries(1) as queries:
        again = guard_population(kind="t", key="a", population=set(first), threshold=5)
    assert again.population == first
    assert again.held_since is None
    assert "population" not in queries.captured_queries[0]["sql"]
    assert AggregateRelease.objects.filter(kind="t").count() == 4
    # The same people under another key, or other people under this one, still go the long way:
    # the first is shown and recorded (it differs from "a" by nobody), the second is held.
    assert guard_population(kind="t", key="e", population=set(first), threshold=5).population == first
    assert AggregateRelease.objects.filter(kind="t", key="e").count() == 1
    held = guard_population(kind="t", key="a", population=first | {99}, threshold=5)
    assert held.population == first
    assert held.held_since is not None


@pytest.mark.django_db
def test_a_table_recorded_before_digests_is_found_by_its_people():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    fill = next(
        op.code
        for (app, _), migration in loader.disk_migrations.items()
        if app == "portal"
        for op in migration.operations
        if getattr(getattr(op, "code", None), "__name__", "") == "fill_digests"
    )
    release = AggregateRelease.objects.create(
        kind="t", key="a", population=list(range(1, 21)), digest="", size=20
    )
    fill(apps, None)
    release.refresh_from_db()
    assert release.digest == population_digest(set(range(1, 21)))
    assert guard_population(kind="t", key="a", population=set(range(1, 21)), threshold=5).population
    assert AggregateRelease.objects.filter(kind="t").count() == 1
    assert population_digest({3, 1, 2}) == population_digest([1, 2, 3]) != population_digest([1, 2, 4])
