"""Benefit periods, limits by date, when a claim will be paid, and what it does to a period.

The rules (NIHR's and DWP's): what counts is what is *paid* in a week or month, not what is
claimed or when the work was done; fees and vouchers count, repaid expenses never do; the
limit is the one in force on the first day of the period (benefits are uprated from the first
period that starts on or after the new rate's date, so a period keeps one limit)."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from portal.models import User
from portal.money import ZERO

from .models import BenefitPeriod, BenefitRule, Claim, ClaimStatus


def period_bounds(period: str, on: date) -> tuple[date, date]:
    """The week (Monday to Sunday) or calendar month that contains `on`."""
    if period == BenefitPeriod.MONTH:
        last = calendar.monthrange(on.year, on.month)[1]
        return date(on.year, on.month, 1), date(on.year, on.month, last)
    monday = on - timedelta(days=on.weekday())
    return monday, monday + timedelta(days=6)


def add_working_days(start: date, days: int) -> date:
    """`days` working days (Monday to Friday) after `start`. Bank holidays are not counted out:
    the target is a promise to people, and erring early is the safe side."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def next_run_on_or_after(on: date) -> date:
    """The organisation's usual payment day on or after `on`."""
    return on + timedelta(days=(settings.PORTAL_PAYMENT_RUN_WEEKDAY - on.weekday()) % 7)


def expected_payment_on(claim: Claim, today: date) -> date | None:
    """When the claim will (probably) be paid: the paid date once paid; otherwise the first
    payment day after it could be decided (PORTAL_CLAIM_DECISION_REMINDER_DAYS for a claim
    not yet approved), and never before its "do not pay before" date."""
    if claim.status == ClaimStatus.PAID:
        return claim.paid_on
    if claim.status in (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN):
        return None
    earliest = today
    if claim.status != ClaimStatus.APPROVED:
        earliest = today + timedelta(days=settings.PORTAL_CLAIM_DECISION_REMINDER_DAYS)
    if claim.pay_after and claim.pay_after > earliest:
        earliest = claim.pay_after
    return next_run_on_or_after(earliest)


def _pick(rules: list[BenefitRule], on: date) -> BenefitRule | None:
    """From one benefit's rules, newest first, the one in force on `on` (no query)."""
    return next((r for r in rules if r.applies_from <= on), None)


def rules_for(benefit: str) -> list[BenefitRule]:
    return list(BenefitRule.objects.filter(benefit=benefit).order_by("-applies_from", "-pk"))


def rule_for_period(rules: list[BenefitRule], on: date) -> tuple[BenefitRule | None, date, date]:
    """The rule for the period containing `on`, and that period: the period comes from the rule
    in force on `on`, the limit from the rule in force on the period's first day."""
    current = _pick(rules, on)
    # Before the first rule there is no limit, but the benefit's period still shapes the rows.
    shape = current or (rules[-1] if rules else None)
    start, end = period_bounds(shape.period if shape else BenefitPeriod.WEEK, on)
    return _pick(rules, start) or current, start, end


@dataclass
class LimitCheck:
    benefit: str
    benefit_label: str
    rule: BenefitRule | None
    starts_on: date
    ends_on: date
    expected_on: date
    paid_already: Decimal
    expected_others: Decimal
    this_claim: Decimal

    @property
    def limit(self) -> Decimal | None:
        return self.rule.limit if self.rule else None

    @property
    def total(self) -> Decimal:
        return self.paid_already + self.expected_others + self.this_claim

    @property
    def over(self) -> bool:
        return self.limit is not None and self.total > self.limit

    @property
    def over_by(self) -> Decimal:
        return self.total - self.limit if self.over else ZERO

    @property
    def room(self) -> Decimal:
        """How much of a fee this claim could take and stay within the limit."""
        if self.limit is None:
            return self.this_claim
        return max(ZERO, min(self.this_claim, self.limit - self.paid_already - self.expected_others))

    @property
    def next_period_starts_on(self) -> date:
        return self.ends_on + timedelta(days=1)

    @property
    def period_label(self) -> str:
        return "month" if self.rule and self.rule.period == BenefitPeriod.MONTH else "week"


def _income_in(contributor: User, start: date, end: date, exclude: Claim, today: date) -> tuple:
    """Fees and vouchers already paid in the period, and those of other open claims expected
    to be paid in it (one query: the person's own claims)."""
    paid, others = ZERO, ZERO
    claims = (
        Claim.objects.filter(contributor=contributor)
        .exclude(pk=exclude.pk)
        .filter(
            Q(status=ClaimStatus.PAID, paid_on__gte=start, paid_on__lte=end)
            | Q(status__in=(ClaimStatus.SUBMITTED, ClaimStatus.APPROVED))
        )
        .only("status", "paid_on", "pay_after", "fee_total")
    )
    for claim in claims:
        if claim.status == ClaimStatus.PAID:
            paid += claim.fee_total
        elif start <= expected_payment_on(claim, today) <= end:
            others += claim.fee_total
    return paid, others


def limit_check(claim: Claim, today: date) -> LimitCheck | None:
    """What this claim does to the contributor's totals for the benefit period it will be paid
    in, for people who told us which benefit applies; None for everyone else."""
    from contributors.models import Benefit
    from contributors.services.benefits import benefit_of

    benefit = benefit_of(user=claim.contributor)
    if not benefit:
        return None
    expected = expected_payment_on(claim, today)
    rule, start, end = rule_for_period(rules_for(benefit), expected)
    paid, others = _income_in(claim.contributor, start, end, claim, today)
    return LimitCheck(
        benefit=benefit,
        benefit_label=Benefit(benefit).label,
        rule=rule,
        starts_on=start,
        ends_on=end,
        expected_on=expected,
        paid_already=paid,
        expected_others=others,
        this_claim=claim.fee_total,
    )


def periods_for(benefit: str, claims: list[Claim]) -> list[dict]:
    """Paid claims grouped by the benefit's period of their payment date: fees, vouchers and
    expenses apart, each period with the limit that applied then."""
    from .models import PaymentChoice

    rules = rules_for(benefit)
    periods: dict[date, dict] = {}
    for claim in claims:
        rule, start, end = rule_for_period(rules, claim.paid_on)
        row = periods.setdefault(
            start,
            {
                "starts_on": start,
                "ends_on": end,
                "fees": ZERO,
                "vouchers": ZERO,
                "expenses": ZERO,
                "limit": rule.limit if rule else None,
                "period": rule.get_period_display() if rule else "",
            },
        )
        if claim.payment_choice == PaymentChoice.VOUCHERS:
            row["vouchers"] += claim.fee_total
        else:
            row["fees"] += claim.fee_total
        row["expenses"] += claim.expense_total
    out = []
    for row in sorted(periods.values(), key=lambda r: r["starts_on"]):
        row["income"] = row["fees"] + row["vouchers"]
        row["over"] = row["limit"] is not None and row["income"] > row["limit"]
        out.append(row)
    return out
