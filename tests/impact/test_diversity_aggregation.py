"""The diversity report's one-query aggregation counts exactly what the per-question queries it
replaced counted, over a world with every kind of answer, blank and missing snapshot."""

import random
import zoneinfo
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count, F, Q, Window
from django.db.models.functions import ExtractYear, RowNumber
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contributors import equality as eq
from contributors.models import ParticipationDiversity
from impact import selectors
from portal.models import Participation, Project
from tests.factories import ActivityFactory, ParticipationFactory, ProjectFactory, UserFactory

TODAY = timezone.localdate()
START, END = TODAY - timedelta(days=365), TODAY


def _old_answer_counts(snapshots) -> dict[str, dict[str, int]]:
    """The per-question GROUP BYs the report ran before (issue 12), kept as the reference."""
    out: dict[str, dict[str, int]] = {}
    for field in ("ethnic_group", "sex", "gender_same_as_birth", "sexual_orientation", "religion", "carer"):
        counts: dict[str, int] = defaultdict(int)
        for row in snapshots.exclude(**{field: ""}).values(field).annotate(n=Count("pk")):
            code = row[field]
            if field == "ethnic_group" and code != eq.PREFER_NOT_TO_SAY:
                code = eq.ETHNIC_GROUP_OF.get(code, code)
            counts[code] += row["n"]
        out[field] = counts
    disability: dict[str, int] = defaultdict(int)
    for row in snapshots.values("long_term_condition", "condition_reduces_ability").annotate(n=Count("pk")):
        cond, reduces = row["long_term_condition"], row["condition_reduces_ability"]
        category = eq.disability_category(cond, reduces)
        if not category and eq.PREFER_NOT_TO_SAY in (cond, reduces):
            category = eq.PREFER_NOT_TO_SAY
        if category:
            disability[category] += row["n"]
    out["disability"] = disability
    ages: dict[str, int] = defaultdict(int)
    rows = (
        snapshots.filter(Q(year_of_birth__isnull=False) | Q(year_of_birth_prefer_not_to_say=True))
        .annotate(age=ExtractYear("participation__activity__starts_at") - F("year_of_birth"))
        .values("age", "year_of_birth_prefer_not_to_say")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        if row["age"] is None:
            ages[eq.PREFER_NOT_TO_SAY] += row["n"]
            continue
        for label, low, high in eq.AGE_BANDS:
            if row["age"] >= low and (high is None or row["age"] <= high):
                ages[label] += row["n"]
    out["age"] = ages
    return out


def _window_firsts(projects, start, end) -> set[int]:
    """Each person's first attended participation in the period by the window function the
    report used before (issue 12), kept as the reference for who counts."""
    base = Participation.objects.filter(
        status="attended", activity__starts_at__date__gte=start, activity__starts_at__date__lte=end
    )
    if projects is not None:
        base = base.filter(activity__project__in=projects)
    numbered = base.annotate(
        n=Window(RowNumber(), partition_by=F("contributor"), order_by=[F("activity__starts_at"), F("pk")])
    )
    return {p.pk for p in numbered if p.n == 1}


def _codes(choices) -> list[str]:
    return [c for c, _ in choices.choices] + [""]


@pytest.fixture
def varied_world(fatima):
    rng = random.Random(12)
    projects = [ProjectFactory(lead=fatima) for _ in range(3)]
    # Some activities before the period, so a person's first participation may fall outside it.
    activities = [
        ActivityFactory(
            project=rng.choice(projects), starts_at=timezone.now() - timedelta(days=rng.randint(1, 500))
        )
        for _ in range(12)
    ]
    ethnic = [code for code, _ in eq.EthnicGroup.choices] + [""]
    for _ in range(80):
        person = UserFactory(contributor=True)
        for activity in rng.sample(activities, rng.randint(1, 4)):
            status = rng.choice(["attended", "attended", "attended", "confirmed"])
            participation = ParticipationFactory(activity=activity, contributor=person, status=status)
            if rng.random() < 0.1:
                continue  # no snapshot: counted as a person who did not answer
            pnts_year = rng.random() < 0.1
            ParticipationDiversity.objects.create(
                participation=participation,
                has_answers=True,
                ethnic_group=rng.choice(ethnic),
                sex=rng.choice(_codes(eq.Sex)),
                gender_same_as_birth=rng.choice(_codes(eq.YesNo)),
                sexual_orientation=rng.choice(_codes(eq.SexualOrientation)),
                long_term_condition=rng.choice(_codes(eq.YesNo)),
                condition_reduces_ability=rng.choice(_codes(eq.ConditionReduces)),
                religion=rng.choice(_codes(eq.Religion)),
                carer=rng.choice(_codes(eq.Carer)),
                year_of_birth=None if pnts_year or rng.random() < 0.1 else rng.randint(1930, 2012),
                year_of_birth_prefer_not_to_say=pnts_year,
            )
    return projects


@pytest.mark.parametrize("scope", ["organisation", "one project"])
def test_one_query_counts_what_the_per_question_queries_counted(varied_world, scope):
    projects = None if scope == "organisation" else Project.objects.filter(pk=varied_world[0].pk)
    firsts = selectors._first_attended(projects, START, END)
    old_ids = set(firsts.values_list("pk", flat=True))
    old = _old_answer_counts(ParticipationDiversity.objects.filter(participation__in=old_ids))
    with CaptureQueriesContext(connection) as queries:
        ids, rows = selectors._tally(firsts)
    assert len(queries) == 1
    assert ids == old_ids
    new = selectors._answer_counts(rows, eq)
    assert {k: dict(v) for k, v in new.items()} == {k: dict(v) for k, v in old.items()}
    assert sum(new["sex"].values()) > 20  # the world is big enough to say something


@pytest.mark.parametrize("scope", ["organisation", "one project"])
def test_the_first_participations_are_the_windows_first_rows(varied_world, scope):
    projects = None if scope == "organisation" else Project.objects.filter(pk=varied_world[0].pk)
    # Two activities at the same moment: the earlier participation (by id) is the first.
    person = UserFactory(contributor=True)
    moment = timezone.now() - timedelta(days=30)
    for _ in range(2):
        activity = ActivityFactory(project=varied_world[0], starts_at=moment)
        ParticipationFactory(activity=activity, contributor=person, status="attended")
    reference = _window_firsts(projects, START, END)
    assert set(selectors._first_attended(projects, START, END).values_list("pk", flat=True)) == reference
    assert len(reference) > 20


def test_the_period_is_whole_local_days(fatima):
    """An activity late on the last day counts and one just after midnight does not, in
    British Summer Time (an hour from UTC) as in winter."""
    project = ProjectFactory(lead=fatima)
    start, end = date(2026, 6, 1), date(2026, 6, 30)
    london = zoneinfo.ZoneInfo("Europe/London")
    inside = [datetime(2026, 6, 1, 0, 10, tzinfo=london), datetime(2026, 6, 30, 23, 50, tzinfo=london)]
    outside = [datetime(2026, 5, 31, 23, 50, tzinfo=london), datetime(2026, 7, 1, 0, 10, tzinfo=london)]
    counted = set()
    for when in inside + outside:
        activity = ActivityFactory(project=project, starts_at=when)
        p = ParticipationFactory(
            activity=activity, contributor=UserFactory(contributor=True), status="attended"
        )
        if when in inside:
            counted.add(p.pk)
    assert set(selectors._first_attended(None, start, end).values_list("pk", flat=True)) == counted
    assert _window_firsts(None, start, end) == counted


def test_an_earlier_population_shown_again_is_counted_by_its_own_answers(varied_world):
    """When the guard shows an earlier table's people again, they are counted as before."""
    first = selectors.diversity_report(start=START, end=END)
    # One more person takes part: too few to show a new table, so the old one is shown again.
    newcomer = UserFactory(contributor=True)
    activity = ActivityFactory(project=varied_world[0], starts_at=timezone.now() - timedelta(days=2))
    participation = ParticipationFactory(activity=activity, contributor=newcomer, status="attended")
    ParticipationDiversity.objects.create(participation=participation, has_answers=True, sex="male")
    again = selectors.diversity_report(start=START, end=END)
    assert again["held_since"] is not None
    assert again["questions"] == first["questions"]
    assert (
        again["people"]
        == first["people"]
        == Participation.objects.filter(
            pk__in=selectors._first_attended(None, START, END).values("pk")
        ).count()
        - 1
    )


def _plain_python_counts(projects, start, end) -> tuple[int, dict[str, dict[str, int]]]:
    """Who counts and their answers, worked out row by row in Python from every participation:
    each person's first attended one in the period and scope (by activity start, then id)."""
    first: dict[int, Participation] = {}
    for p in Participation.objects.select_related("activity", "diversity_snapshot"):
        when = timezone.localtime(p.activity.starts_at)
        in_scope = projects is None or p.activity.project_id in {project.pk for project in projects}
        if p.status != "attended" or not start <= when.date() <= end or not in_scope:
            continue
        earlier = first.get(p.contributor_id)
        if earlier is None or (p.activity.starts_at, p.pk) < (earlier.activity.starts_at, earlier.pk):
            first[p.contributor_id] = p
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in first.values():
        s = getattr(p, "diversity_snapshot", None)
        if s is None:
            continue
        for field in (
            "ethnic_group",
            "sex",
            "gender_same_as_birth",
            "sexual_orientation",
            "religion",
            "carer",
        ):
            code = getattr(s, field)
            if field == "ethnic_group":
                code = eq.ETHNIC_GROUP_OF.get(code, code)
            if code:
                counts[field][code] += 1
        category = eq.disability_category(s.long_term_condition, s.condition_reduces_ability)
        if not category and eq.PREFER_NOT_TO_SAY in (s.long_term_condition, s.condition_reduces_ability):
            category = eq.PREFER_NOT_TO_SAY
        if category:
            counts["disability"][category] += 1
        if s.year_of_birth is not None:
            age = timezone.localtime(p.activity.starts_at).year - s.year_of_birth
            for label, low, high in eq.AGE_BANDS:
                if age >= low and (high is None or age <= high):
                    counts["age"][label] += 1
        elif s.year_of_birth_prefer_not_to_say:
            counts["age"][eq.PREFER_NOT_TO_SAY] += 1
    return len(first), counts


@pytest.mark.parametrize("scope", ["organisation", "one project"])
def test_the_report_counts_what_plain_python_counts(varied_world, scope, settings):
    # Threshold 1: nothing is hidden or held back, so every count the report shows is the raw one.
    settings.PORTAL_SMALL_NUMBER_THRESHOLD = 1
    projects = None if scope == "organisation" else list(Project.objects.filter(pk=varied_world[0].pk))
    # Two activities at the same moment: the participation with the lower id is the first.
    person = UserFactory(contributor=True)
    moment = timezone.now() - timedelta(days=30)
    for sex in ("male", "female"):
        activity = ActivityFactory(project=varied_world[0], starts_at=moment)
        p = ParticipationFactory(activity=activity, contributor=person, status="attended")
        ParticipationDiversity.objects.create(participation=p, has_answers=True, sex=sex)
    people, counts = _plain_python_counts(projects, START, END)
    report = selectors.diversity_report(projects=projects, start=START, end=END)
    assert report["people"] == people > 20
    for question in report["questions"]:
        expected = counts[question["key"]]
        shown = {row["code"]: row["count"] for row in question["rows"]}
        answered = {code: n for code, n in shown.items() if code != "not_answered"}
        assert answered == {code: expected.get(code, 0) for code in answered}, question["key"]
        assert shown["not_answered"] == people - sum(answered.values())


def test_a_period_nobody_took_part_in_counts_nobody(varied_world):
    ids, rows = selectors._tally(selectors._first_attended(None, date(1990, 1, 1), date(1990, 12, 31)))
    assert ids == set()
    assert rows == []
    report = selectors.diversity_report(start=date(1990, 1, 1), end=date(1990, 12, 31))
    assert report["people"] == 0
    assert not report["too_small"]
