"""Small-number suppression: every small cell is hidden, and no hidden cell can be worked out,
in the algorithm and in every aggregate of people a person can see (the callers below)."""

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from portal.suppression import SUPPRESSED, suppress

# Hypothesis caches what it learns in .hypothesis/ in the working tree; keep it out of the repo.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "portal-hypothesis")

THRESHOLD = 5


def consistent_values(shown: dict[str, int], hidden: list[str], total: int, threshold: int, cap: int):
    """Every assignment of the hidden cells an attacker could not rule out: counts that add up
    to the total, where a primary-suppressed cell would be 1..threshold-1 and others anything."""
    remaining = total - sum(shown.values())
    for values in itertools.product(range(cap + 1), repeat=len(hidden)):
        if sum(values) == remaining:
            yield dict(zip(hidden, values, strict=True))


def assert_safe(counts: dict[str, int], threshold: int) -> None:
    cells, total_hidden = suppress(counts, threshold)
    total = sum(counts.values())
    hidden = [k for k, c in cells.items() if c.hidden]
    shown = {k: c.count for k, c in cells.items() if not c.hidden}
    # 1. Every count from 1 to threshold - 1 is hidden.
    assert all(not (0 < v < threshold) for v in shown.values()), (counts, shown)
    # 2. Never exactly one hidden cell: it would be the total minus the others.
    assert len(hidden) != 1, (counts, hidden)
    # 3. The hidden cells together are never a small number.
    hidden_sum = sum(counts[k] for k in hidden)
    assert hidden_sum == 0 or hidden_sum >= threshold or total_hidden, (counts, hidden)
    # 4. A small table hides its total as well.
    if 0 < total < threshold:
        assert total_hidden
        assert not shown
    # 5. Brute force: for each hidden small cell, more than one value fits what is shown.
    if not total_hidden and hidden and len(hidden) <= 4:
        cap = min(hidden_sum, 40)
        for key in hidden:
            if 0 < counts[key] < threshold:
                possible = {v[key] for v in consistent_values(shown, hidden, total, threshold, cap)}
                assert len(possible) > 1, (counts, key, possible)


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        # One small cell: the next smallest is hidden too.
        ({"a": 20, "b": 10, "c": 3, "pnts": 0, "na": 7}, {"c", "na"}),
        # Two small cells that add up to less than the threshold: a third goes.
        ({"a": 20, "b": 10, "c": 1, "d": 1, "na": 7}, {"c", "d", "na"}),
        # Two small cells adding up to the threshold: enough on their own.
        ({"a": 20, "b": 10, "c": 2, "d": 3, "na": 7}, {"c", "d"}),
        # Nothing small: nothing hidden, zeros shown.
        ({"a": 20, "b": 10, "c": 0, "na": 5}, set()),
        # Whole table under the threshold: all hidden.
        ({"a": 2, "b": 1, "c": 0}, {"a", "b", "c"}),
        # A single small cell next to zeros only: a zero is not enough, the big cell goes too.
        ({"a": 30, "b": 4, "c": 0}, {"a", "b"}),
    ],
)
def test_suppression_table(counts, hidden):
    cells, _ = suppress(counts, THRESHOLD)
    assert {k for k, c in cells.items() if c.hidden} == hidden
    assert_safe(counts, THRESHOLD)


@settings(max_examples=400, deadline=None, database=None)
@given(
    st.dictionaries(
        st.sampled_from("abcdefghij"), st.integers(min_value=0, max_value=60), min_size=2, max_size=8
    ),
    st.integers(min_value=2, max_value=11),
)
def test_no_small_cell_is_shown_or_can_be_worked_out(counts, threshold):
    assert_safe(counts, threshold)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.dictionaries(st.sampled_from("abcdef"), st.integers(min_value=0, max_value=6), min_size=2, max_size=6)
)
def test_tables_of_small_numbers_are_safe_too(counts):
    assert_safe(counts, THRESHOLD)


# --- Every caller ---------------------------------------------------------------------------------
# Each caller builds a real population with the given answers to "sex" and returns what a person
# would read: code -> count (None where hidden), and the total as shown (None where hidden).


def _impact_diversity_report(counts):
    from datetime import timedelta

    from django.utils import timezone

    from contributors.models import ParticipationDiversity
    from impact import selectors
    from tests.factories import ActivityFactory, ParticipationFactory, UserFactory

    meeting = ActivityFactory(starts_at=timezone.now() - timedelta(days=20))
    for code, n in counts.items():
        for _ in range(n):
            p = ParticipationFactory(activity=meeting, contributor=UserFactory(), status="attended")
            answers = {} if code == "not_answered" else {"sex": code}
            ParticipationDiversity.objects.create(participation=p, has_answers=bool(answers), **answers)
    data = selectors.diversity_report(projects=None)
    sex = next(q for q in data["questions"] if q["key"] == "sex")
    return {r["code"]: r["count"] for r in sex["rows"]}, data["people"]


def _contributors_pool_picture(counts):
    from contributors import selectors
    from contributors.models import DiversityRecord
    from tests.factories import UserFactory

    labels = {"female": "Female", "male": "Male", "not_answered": selectors.NOT_ANSWERED}
    pool = []
    for code, n in counts.items():
        for _ in range(n):
            person = UserFactory()
            if code != "not_answered":
                DiversityRecord.objects.create(user=person, sex=code)
            pool.append(person)
    data = selectors.diversity_comparison(pool=pool, group=[], key="test")
    sex = {c["label"]: c["pool"] for c in next(r for r in data["rows"] if r["name"] == "Sex")["categories"]}
    shown = {}
    for code, label in labels.items():
        text = sex.get(label, SUPPRESSED)
        shown[code] = None if text in (SUPPRESSED, "–") else int(text)
    # The heading shows how many are in the pool.
    return shown, data["pool_size"]


CALLERS = [_impact_diversity_report, _contributors_pool_picture]


@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.__name__.lstrip("_"))
@pytest.mark.parametrize(
    "counts",
    [
        {"female": 20, "male": 1, "not_answered": 1},  # the picture issue 10 found broken
        {"female": 12, "male": 3, "not_answered": 7},
        {"female": 12, "male": 2, "not_answered": 2},
        {"female": 6, "male": 0, "not_answered": 0},
        {"female": 3, "male": 1, "not_answered": 0},
    ],
)
def test_every_aggregate_of_people_is_safe(caller, counts, settings):
    settings.PORTAL_SMALL_NUMBER_THRESHOLD = THRESHOLD
    shown, total = caller(counts)
    true = {code: counts.get(code, 0) for code in shown}
    visible = {k: v for k, v in shown.items() if v is not None}
    hidden = [k for k, v in shown.items() if v is None]
    assert all(true[k] == v for k, v in visible.items()), (shown, counts)
    assert all(not (0 < v < THRESHOLD) for v in visible.values()), shown
    if total is None:
        return
    assert total == sum(counts.values())
    assert len(hidden) != 1, shown
    cap = min(sum(true[k] for k in hidden), 40)
    for key in hidden:
        if 0 < true[key] < THRESHOLD:
            possible = {v[key] for v in consistent_values(visible, hidden, total, THRESHOLD, cap)}
            assert len(possible) > 1, (counts, key, possible)
