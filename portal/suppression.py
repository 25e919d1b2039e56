"""Small-number suppression for aggregate tables of people.

A question's cells (every answer, "prefer not to say" and "not answered") add up to the
number of people, which the report shows. So hiding one small cell is not enough: it could be
worked out as the total minus the others. The rules, applied to each question on its own:

1. Primary: any count from 1 to threshold - 1 is hidden.
2. Secondary: while exactly one cell is hidden, or the hidden cells add up to less than the
   threshold, also hide the smallest cell still shown (non-zero cells first). Then the hidden
   cells can only be worked out as a group, and that group is never a small number.
3. If the whole table is under the threshold, everything is hidden, the total too.

Zero is shown: nobody can be picked out of an empty cell.

This is the only suppression in the portal: every table of people anyone sees (the impact
diversity report, the pool and group picture when choosing people) goes through `suppress`, and
every hidden cell is shown the same way, as `SUPPRESSED`.
"""

import hashlib
import sys
from array import array
from dataclasses import dataclass

from django.db import connection, transaction

SUPPRESSED = "[c]"  # the ONS marker for a number hidden to protect people


@dataclass
class Cell:
    key: str
    count: int
    hidden: bool = False
    primary: bool = False


def suppress(counts: dict[str, int], threshold: int) -> tuple[dict[str, Cell], bool]:
    """Apply the rules to one question's cells. Returns the cells and whether the total is hidden."""
    cells = {key: Cell(key, count) for key, count in counts.items()}
    total = sum(counts.values())
    if 0 < total < threshold:
        for cell in cells.values():
            cell.hidden = True
            cell.primary = cell.count > 0
        return cells, True
    for cell in cells.values():
        if 0 < cell.count < threshold:
            cell.hidden = cell.primary = True

    def hidden():
        return [c for c in cells.values() if c.hidden]

    while hidden() and (len(hidden()) == 1 or sum(c.count for c in hidden()) < threshold):
        shown = [c for c in cells.values() if not c.hidden]
        if not shown:
            break
        # Smallest non-zero cell first; a zero only when nothing else is left.
        shown.sort(key=lambda c: (c.count == 0, c.count, c.key))
        shown[0].hidden = True
    total_hidden = bool(hidden()) and not [c for c in cells.values() if not c.hidden] and total < threshold
    return cells, total_hidden


def suppressed_text(counts: dict[str, int], threshold: int) -> dict[str, str]:
    """The cells as text for a table: the count, or `SUPPRESSED` where it is hidden."""
    cells, _ = suppress(counts, threshold)
    return {key: SUPPRESSED if cell.hidden else str(cell.count) for key, cell in cells.items()}


# --- Differencing -------------------------------------------------------------------------------
# Suppression protects one table. Two tables of nearly the same people protect nobody: the same
# report asked again after one more person took part, or for a period one day shorter, differs by
# exactly that person, and subtracting one table from the other gives their answers. So every
# table that shows anything is recorded (the ids it counted), and a new one must differ from each
# earlier one of its kind by nobody or by at least `threshold` people on each side (people added
# and people gone, counted separately). When it does not, the table asked for again (same key)
# shows its earlier population again; a different table is withheld.


@dataclass
class Guarded:
    population: set[int] | None  # the ids to count; None: withhold the whole table
    held_since: object = None  # when the earlier figures shown again were first made


def _close(a: set[int], b: set[int], threshold: int) -> bool:
    added, gone = len(a - b), len(b - a)
    return 0 < added < threshold or 0 < gone < threshold


def population_digest(population) -> str:
    """SHA-256 of the ids in order, each as 8 little-endian bytes: equal for the same people."""
    ids = array("q", sorted(population))
    if sys.byteorder == "big":
        ids.byteswap()
    return hashlib.sha256(ids.tobytes()).hexdigest()


def guard_population(*, kind: str, key: str, population: set[int], threshold: int) -> Guarded:
    from .models import AggregateRelease

    if len(population) < threshold:
        # Everything in such a table is hidden anyway, so it reveals nothing to subtract.
        return Guarded(set(population))
    digest = population_digest(population)
    # The common case, the same table asked again with the same people, is shown as before
    # (as _guard would) from one indexed lookup instead of a read of every earlier population.
    # It needs no lock: releases are only ever added, and showing again what was shown tells
    # nobody anything new, whatever is being recorded meanwhile.
    if AggregateRelease.objects.filter(kind=kind, key=key, digest=digest).exists():
        return Guarded(population)
    # One table of a kind at a time: two asked for at once would each be checked against the
    # releases before both, and two close tables could both be shown. SQLite's writers queue
    # already (the IMMEDIATE transactions in settings); PostgreSQL takes a lock per kind.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"aggregate-release:{kind}"])
        return _guard(kind=kind, key=key, population=population, threshold=threshold, digest=digest)


def _guard(*, kind: str, key: str, population: set[int], threshold: int, digest: str) -> Guarded:
    from .models import AggregateRelease

    earlier = [(r, set(r.population)) for r in AggregateRelease.objects.filter(kind=kind)]
    for release, ids in earlier:
        if release.key == key and ids == population:
            return Guarded(population)
    close = [(r, ids) for r, ids in earlier if _close(population, ids, threshold)]
    if not close:
        AggregateRelease.objects.create(
            kind=kind, key=key, population=sorted(population), digest=digest, size=len(population)
        )
        return Guarded(population)
    same = [(r, ids) for r, ids in earlier if r.key == key]
    if same:
        # Shown before, so showing it again tells nobody anything new. Newest first.
        release, ids = same[0]
        return Guarded(ids, held_since=release.made_at)
    return Guarded(None)
