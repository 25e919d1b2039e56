"""The one place money is rounded. GBP only; amounts are Decimal with two places."""

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


def fits_money_column(value: Decimal) -> bool:
    return abs(Decimal(value)) <= MONEY_MAX
