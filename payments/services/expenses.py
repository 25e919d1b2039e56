"""Expenses on a claim: receipts, expense and mileage rates, and expense lines."""

import hashlib
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from portal.models import User
from portal.money import to_money

from ..models import MILEAGE_KINDS, Claim, ClaimStatus, ExpenseKind, ExpenseLine, ExpenseRate
from ._common import ClaimError, _check_edit, _check_fits, _lock, _recalculate
from .dates import tax_year_start

TEN_THOUSAND = Decimal("10000")
RECEIPT_TYPES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


def check_receipt(upload) -> str | None:
    """Why a receipt file is refused, or None. The content is checked, not just the name."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in RECEIPT_TYPES:
        return "The receipt must be a PDF, JPEG or PNG file."
    if upload.size > settings.PORTAL_RECEIPT_MAX_BYTES:
        limit = settings.PORTAL_RECEIPT_MAX_BYTES // (1024 * 1024)
        return f"The receipt must be smaller than {limit} MB."
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in RECEIPT_TYPES[extension]):
        return "The receipt file is not a real PDF, JPEG or PNG. Try saving or scanning it again."
    return None


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def expense_rate(code: str, on: date) -> Decimal:
    rate = ExpenseRate.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
    if rate is None:
        raise ClaimError("Mileage rates are not set up. Please tell the involvement team.")
    return rate.amount


def car_miles_before(*, contributor: User, on: date, exclude_claim: Claim | None = None) -> Decimal:
    """Car miles already claimed in the tax year of `on`, for the 10,000-mile step."""
    start = tax_year_start(on)
    lines = ExpenseLine.objects.filter(
        claim__contributor=contributor,
        claim__work_on__gte=start,
        claim__work_on__lt=date(start.year + 1, 4, 6),
        kind=ExpenseKind.MILEAGE_CAR,
    ).exclude(claim__status__in=[ClaimStatus.WITHDRAWN, ClaimStatus.REJECTED])
    return lines.aggregate(s=Sum("miles"))["s"] or Decimal("0")


def mileage_amount(
    *, kind: str, miles: Decimal, passengers: int, prior_miles: Decimal, on: date
) -> tuple[Decimal, str]:
    """HMRC mileage: the car rate drops after 10,000 miles in a tax year; passengers add 5p each."""
    vehicle = MILEAGE_KINDS[ExpenseKind(kind)]
    if vehicle == "car":
        low = max(Decimal("0"), min(miles, TEN_THOUSAND - prior_miles))
        high = miles - low
        amount = low * expense_rate("car", on) + high * expense_rate("car_over_10k", on)
        note = f"{low.normalize()} miles at £{expense_rate('car', on)}"
        if high:
            note += f", {high.normalize()} miles over 10,000 at £{expense_rate('car_over_10k', on)}"
    else:
        rate = expense_rate(vehicle, on)
        amount = miles * rate
        note = f"{miles.normalize()} miles at £{rate}"
    if passengers and vehicle != "bicycle":
        passenger_rate = expense_rate("passenger", on)
        amount += miles * passengers * passenger_rate
        note += f", {passengers} passenger{'s' if passengers != 1 else ''} at £{passenger_rate}"
    return to_money(amount), note


@transaction.atomic
def add_expense_line(
    *,
    actor: User,
    claim: Claim,
    kind: str,
    amount: Decimal | None = None,
    miles: Decimal | None = None,
    passengers: int = 0,
    description: str = "",
    receipt=None,
    token: str = "",
) -> tuple[ExpenseLine, list[str]]:
    """An expense at cost, or mileage at HMRC rates. Returns the line and any warnings.

    The same form `token` twice (a double click) returns the line the first one added: the
    claim's row lock makes the second wait until the first is saved."""
    claim = _lock(claim)
    _check_edit(actor, claim)
    if token and (already := claim.expense_lines.filter(form_token=token).first()):
        return already, []
    kind = ExpenseKind(kind)
    line = ExpenseLine(claim=claim, kind=kind, description=description[:300], form_token=token[:32])
    if kind in MILEAGE_KINDS:
        if miles is None or miles <= 0:
            raise ClaimError("Enter how many miles you travelled.")
        prior = car_miles_before(contributor=claim.contributor, on=claim.work_on)
        line.miles, line.passengers = miles, passengers
        line.amount, line.rate_note = mileage_amount(
            kind=kind, miles=miles, passengers=passengers, prior_miles=prior, on=claim.work_on
        )
    else:
        if amount is None or amount <= 0:
            raise ClaimError("Enter the amount you spent, in pounds.")
        line.amount = to_money(amount)
    _check_fits(line.amount, "this line")
    warnings = []
    if receipt is not None:
        problem = check_receipt(receipt)
        if problem:
            raise ClaimError(problem)
        line.receipt_sha256 = _sha256(receipt)
        line.receipt_name = (receipt.name or "receipt")[-200:]
        duplicate = (
            ExpenseLine.objects.filter(receipt_sha256=line.receipt_sha256).exclude(claim=claim).exists()
        )
        if duplicate:
            warnings.append(
                "This receipt file has already been used on another claim. "
                "The coordinator will check it before approving."
            )
        line.receipt.save(receipt.name, receipt, save=False)
    elif not line.is_mileage and line.amount > settings.PORTAL_RECEIPT_REQUIRED_ABOVE:
        raise ClaimError(
            f"Add a receipt for expenses over £{settings.PORTAL_RECEIPT_REQUIRED_ABOVE}: "
            "a photo or scan is fine."
        )
    line.save()
    _recalculate(claim)
    return line, warnings


@transaction.atomic
def remove_expense_line(*, actor: User, line: ExpenseLine) -> Claim:
    claim = _lock(line.claim)
    _check_edit(actor, claim)
    ExpenseLine.objects.filter(pk=line.pk, claim=claim).delete()
    _recalculate(claim)
    return claim


def duplicate_receipt_lines(claim: Claim) -> list[ExpenseLine]:
    """Lines of this claim whose receipt file (by content) is also on another claim."""
    lines = [line for line in claim.expense_lines.all() if line.receipt_sha256]
    used = set(
        ExpenseLine.objects.filter(receipt_sha256__in=[line.receipt_sha256 for line in lines])
        .exclude(claim=claim)
        .values_list("receipt_sha256", flat=True)
    )
    return [line for line in lines if line.receipt_sha256 in used]
