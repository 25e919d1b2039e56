"""Spend against a project's budget that is not a contributor's claim: a partner organisation's
invoices (issue 13). Apps that come after payments register a source here, since payments
cannot import them, and the budget figures add every source to the claims' own sums, so the
queue's over-budget warning, the project's spend panel and the reports agree."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from .models import COMMITTED, ClaimStatus

ZERO = Decimal("0.00")
# Committed (approved or paid) and waiting for a decision: all that a budget figure counts.
COUNTED = (*COMMITTED, ClaimStatus.SUBMITTED)
_sources: list[Callable] = []


def spend_sums(*, amount: str, work_date: str, start: date | None, end: date | None) -> dict:
    """The three sums every budget figure takes, as aggregates over rows (claims, invoices)
    already filtered to COUNTED: committed (approved or paid) by the date of the work, paid by
    the date paid, and waiting for a decision whatever its date. `amount` and `work_date` name
    the rows' fields."""
    committed, paid = Q(status__in=COMMITTED), Q(status=ClaimStatus.PAID)
    if start:
        committed, paid = committed & Q(**{f"{work_date}__gte": start}), paid & Q(paid_on__gte=start)
    if end:
        committed, paid = committed & Q(**{f"{work_date}__lte": end}), paid & Q(paid_on__lte=end)
    money = DecimalField(max_digits=12, decimal_places=2)

    def total(condition):
        return Coalesce(Sum(amount, filter=condition), Value(ZERO), output_field=money)

    return {
        "committed": total(committed),
        "paid": total(paid),
        "waiting": total(Q(status=ClaimStatus.SUBMITTED)),
    }


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
