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

from dataclasses import dataclass

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
