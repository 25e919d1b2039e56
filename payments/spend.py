"""Spend against a project's budget that is not a contributor's claim: a partner organisation's
invoices (issue 13). Apps that come after payments register a source here, since payments
cannot import them, and the budget figures add every source to the claims' own sums, so the
queue's over-budget warning, the project's spend panel and the reports agree."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
_sources: list[Callable] = []


def register_source(source: Callable) -> None:
    """`source(*, project, start, end)` returns {project pk: {"committed", "paid", "waiting"}}:
    committed (approved or paid) by the date of the work, paid by the date paid, waiting for a
    decision; `project=None` is every project."""
    if source not in _sources:
        _sources.append(source)


def other_spend(*, project=None, start: date | None = None, end: date | None = None) -> dict[int, dict]:
    totals: dict[int, dict] = {}
    for source in _sources:
        for pk, sums in source(project=project, start=start, end=end).items():
            mine = totals.setdefault(pk, {"committed": ZERO, "paid": ZERO, "waiting": ZERO})
            for key in mine:
                mine[key] += sums[key]
    return totals


def other_totals(**scope) -> dict[str, Decimal]:
    """other_spend's sums over every project in the scope."""
    totals = {"committed": ZERO, "paid": ZERO, "waiting": ZERO}
    for sums in other_spend(**scope).values():
        for key in totals:
            totals[key] += sums[key]
    return totals
