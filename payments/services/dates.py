"""UK tax years."""

from datetime import date


def tax_year_start(on: date) -> date:
    """The 6 April on or before `on`: UK tax years run 6 April to 5 April."""
    start = date(on.year, 4, 6)
    return start if on >= start else date(on.year - 1, 4, 6)


def tax_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 6), date(start_year + 1, 4, 5)
