"""The one place numbers are rounded: money (GBP, Decimal, two places) and percentages.

Everything rounds half up, as people do by hand: 12.25% is 12.3%, never 12.2%."""

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount a money column (8 digits, 2 after the point) holds. Anything bigger must be
# refused before it is saved: PostgreSQL refuses it with an error, SQLite stores it and then
# every page that reads it back fails.
MONEY_MAX = Decimal("999999.99")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to whole pence, half up. Refuses floats: they cannot hold 0.1 exactly."""
    if isinstance(value, float):
        raise TypeError("money must be Decimal, int or str, never float")
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | int | str | None) -> str:
    """'£1,234.50' for display; negative amounts as '-£5.00'."""
    if value is None or value == "":
        return ""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def round_half_up(value: Decimal | int | str, places: int = 1) -> Decimal:
    """A figure shown to people (a mean, a ratio) to `places` decimals, half up. No floats."""
    if isinstance(value, float):
        value = str(value)  # database averages arrive as floats; their shortest repr is what was meant
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percentage(part: Decimal | int, whole: Decimal | int, places: int = 1) -> Decimal | None:
    """`part` as a percentage of `whole`, half up; None when there is no whole to share."""
    if not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), places)


def fits_money_column(value: Decimal) -> bool:
    return abs(Decimal(value)) <= MONEY_MAX
