"""Small-number suppression: every small cell is hidden, and no hidden cell can be worked out."""

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from impact.suppression import suppress

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
