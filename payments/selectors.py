"""Reads that aggregate: project spend, tax-year statements, time to pay."""

import statistics
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, DurationField, ExpressionWrapper, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from portal import figures
from portal.compiled import Compiled
from portal.models import Project, User, display_name
from portal.money import ZERO, percentage, round_half_up

from .models import Claim, ClaimStatus, PaymentChoice, days_waited
from .services import tax_year_bounds, tax_year_start
from .spend import COUNTED, other_totals, spend_sums


def _sum(qs, field_name="total") -> Decimal:
    return qs.aggregate(
        s=Coalesce(Sum(field_name), Value(ZERO), output_field=DecimalField(max_digits=12, decimal_places=2))
    )["s"]


def project_spend(
    *, project: Project | None = None, start: date | None = None, end: date | None = None
) -> dict:
    """Budget, committed (approved or paid claims, by work date) and paid (by payment date),
    with what else is spent against the budget (payments.spend: partners' invoices).

    `project=None` is the whole organisation. Committed includes what is already paid, so
    remaining = budget - committed."""
    claims = Claim.objects.all() if project is None else Claim.objects.filter(project=project)
    # Only the statuses summed below: the sums then read the (status, project, total) index
    # alone instead of every claim (docs/performance.md).
    # One query for the three sums rather than one each.
    sums = claims.filter(status__in=COUNTED).aggregate(
        **spend_sums(amount="total", work_date="work_on", start=start, end=end)
    )
    if project is None:
        budget = _sum(Project.objects.all(), "involvement_budget")
    else:
        budget = project.involvement_budget
    others = other_totals(project=project, start=start, end=end)
    committed_total, paid_total = sums["committed"] + others["committed"], sums["paid"] + others["paid"]
    return {
        "budget": budget,
        "committed": committed_total,
        "paid": paid_total,
        "approved_unpaid": committed_total - paid_total,
        "remaining": budget - committed_total,
        "awaiting_decision": sums["waiting"] + others["waiting"],
    }


def would_exceed_budget(project: Project, amount: Decimal, spend: dict | None = None) -> bool:
    """Approving `amount` more (a claim's total, a partner's invoice) would take the project's
    committed spend past its budget. `spend` is project_spend's, if the caller has it."""
    spend = spend or project_spend(project=project)
    return spend["committed"] + amount > spend["budget"]


def time_to_pay(claims=None) -> dict:
    """Days from first submission to payment: the median and the longest, over paid claims.
    In SQL (a count and the longest, then the one or two middle rows), not over every row."""
    claims = Claim.objects.filter(status=ClaimStatus.PAID) if claims is None else claims
    # The same expression as the index claim_status_days_waited, which PostgreSQL then walks.
    paid = claims.filter(paid_on__isnull=False, first_submitted_at__isnull=False).annotate(
        waited=days_waited()
    )
    totals = paid.aggregate(count=Count("pk"), longest=Max("waited"))
    count = totals["count"]
    if not count:
        return {"count": 0, "median": None, "longest": None}
    middle = [
        (c.paid_on - c.first_submitted_at.date()).days
        for c in paid.order_by("waited", "pk").only("paid_on", "first_submitted_at")[
            (count - 1) // 2 : count // 2 + 1
        ]
    ]
    return {"count": count, "median": statistics.median(middle), "longest": totals["longest"].days}


def organisation_time_to_pay() -> dict:
    """time_to_pay() over every paid claim, cached (portal.figures): the paying page and the
    manager home both show it, and at 200,000 claims it reads 120,000 of them (60 ms)."""
    return figures.cached("payments:time_to_pay", time_to_pay)


def organisation_spend() -> dict:
    """project_spend() for the whole organisation, cached like organisation_time_to_pay."""
    return figures.cached("payments:spend", project_spend)


def paying_counts(today: date) -> dict:
    """The approved claims the paying page counts, in one pass over them rather than three:
    `payable` (owe money and may be paid today: the page's rows), `zero` (£0.00) and `later`
    (the contributor asked to be paid after today). Cached for the day's figures."""

    def count() -> dict:
        owed = Q(total__gt=0)
        return Claim.objects.filter(status=ClaimStatus.APPROVED).aggregate(
            payable=Count("pk", filter=owed & (Q(pay_after__isnull=True) | Q(pay_after__lte=today))),
            zero=Count("pk", filter=Q(total=0)),
            later=Count("pk", filter=owed & Q(pay_after__gt=today)),
        )

    return figures.cached("payments:paying_counts", count, scope=today.isoformat())


def paying_page_figures(today: date) -> dict:
    """The paying page's figures (`counts`: paying_counts, `timing`, `spend`) in one cache read
    rather than three: each figure is two round trips to the cache, about a millisecond each on
    a busy machine. The same generation as the figures in it, so forgotten with them."""
    return figures.cached(
        "payments:paying_page",
        lambda: {
            "counts": paying_counts(today),
            "timing": organisation_time_to_pay(),
            "spend": organisation_spend(),
        },
        scope=today.isoformat(),
    )


def waiting_by_project() -> dict[int, int]:
    """Each project's waiting (submitted) claims, by project key: the approval queue's count
    when nothing narrows it but the project, from the (status, project) index. Not the
    navigation's "claims to check" (payments.panels.waiting_count): that leaves out the
    person's own claims and those they entered, which the queue lists, and adds the claims
    routed to managers. The same for everyone, so a figure; any claim or project saved starts
    a new generation (payments.panels.register)."""

    def count() -> dict[int, int]:
        return dict(
            Claim.objects.filter(status=ClaimStatus.SUBMITTED)
            .order_by()
            .values_list("project")
            .annotate(n=Count("pk"))
        )

    return figures.cached("payments:waiting_by_project", count)


def queue_figures() -> dict:
    """The approval queue's figures (`waiting`: waiting_by_project, `committed`:
    committed_by_project, for the budget warnings) in one cache read, as paying_page_figures."""
    from .models import committed_by_project

    return figures.cached(
        "payments:queue", lambda: {"waiting": waiting_by_project(), "committed": committed_by_project()}
    )


# The columns a list of claims shows (`listed`), read as values: a page of model instances
# with their contributor, participation and activity was most of these pages' Python time.
LISTED = (
    "public_id",
    "reference",
    "status",
    "total",
    "participation_id",
    "ad_hoc_description",
    "participation__activity__title",
)


def person_columns(path: str) -> tuple[str, ...]:
    """The columns `listed` needs to name the person at `path` ("contributor", "entered_by")."""
    return (f"{path}_id", f"{path}__name", f"{path}__email", f"{path}__public_id")


def listed(rows, *, people=("contributor",), hints=()) -> list[dict]:
    """Rows of LISTED (and `person_columns` of each of `people`) with what the list shows:
    `title` as Claim.title gives it, each person's name as User's str gives it (None when
    there is nobody there) and for each of `hints`, `<path>_hint` as the person_hint filter
    gives it."""
    from types import SimpleNamespace

    from portal.people import hint

    from .models import claim_title

    rows = list(rows)
    for row in rows:
        row["title"] = claim_title(row["participation__activity__title"], row["ad_hoc_description"])
        for path in people:
            if row[f"{path}_id"] is None:
                row[path] = None
                continue
            name, email, public_id = row[f"{path}__name"], row[f"{path}__email"], row[f"{path}__public_id"]
            row[path] = display_name(name, email, public_id)
            if path in hints:
                row[f"{path}_hint"] = hint(SimpleNamespace(email=email, public_id=public_id))
    return rows


def _timeliness() -> dict:
    """Paid claims' on-time count and the average length of each step, as SQL aggregates."""
    from django.db.models import Avg, Count

    approved_at = Coalesce("second_approved_at", "decided_at")
    return {
        "paid_count": Count("pk"),
        "on_time": Count("pk", filter=Q(paid_on__lte=F("pay_by"))),
        "to_approve": Avg(
            ExpressionWrapper(approved_at - F("first_submitted_at"), output_field=DurationField())
        ),
        "to_pay": Avg(ExpressionWrapper(F("paid_on") - TruncDate(approved_at), output_field=DurationField())),
    }


def _timed_claims():
    return Claim.objects.filter(
        status=ClaimStatus.PAID,
        pay_by__isnull=False,
        first_submitted_at__isnull=False,
        decided_at__isnull=False,
    )


def _days(duration) -> Decimal | None:
    return None if duration is None else round_half_up(Decimal(duration.total_seconds()) / 86400, 1)


def _row(values: dict) -> dict:
    count = values["paid_count"]
    to_approve, to_pay = values["to_approve"], values["to_pay"]
    values["share"] = percentage(values["on_time"], count, 0)
    values["days_to_approve"] = _days(to_approve)
    values["days_to_pay"] = _days(to_pay)
    if to_approve is not None and to_pay is not None:
        values["slowest"] = "submitted → approved" if to_approve >= to_pay else "approved → paid"
    else:
        values["slowest"] = ""
    return values


def on_time_by_project() -> list[dict]:
    """Per project, over paid claims: the share paid by their target date and the average days
    of each step (submitted → approved, approved → paid), lowest share first. One query."""
    rows = (
        _timed_claims()
        .order_by()
        .values("project__title", "project__public_id")
        .annotate(**_timeliness())
        .order_by("project__title")
    )
    return sorted((_row(r) for r in rows), key=lambda r: (r["share"] is None, r["share"]))


def on_time_overall() -> dict:
    """The same, for the whole organisation."""
    return _row(_timed_claims().aggregate(**_timeliness()))


@dataclass
class Statement:
    contributor: User
    year: int
    start: date
    end: date
    claims: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    fees: Decimal = ZERO
    vouchers: Decimal = ZERO
    expenses: Decimal = ZERO
    weeks: list = field(default_factory=list)
    allowance: Decimal = ZERO
    receives_benefits: bool = False
    # The person's own benefit answer (only on their own statement) and its periods.
    benefit: str = ""
    benefit_label: str = ""
    periods: list = field(default_factory=list)

    @property
    def income(self) -> Decimal:
        return self.fees + self.vouchers

    @property
    def allowance_left(self) -> Decimal:
        return max(ZERO, self.allowance - self.income)

    @property
    def over_allowance(self) -> bool:
        return self.income > self.allowance

    @property
    def near_allowance(self) -> bool:
        return not self.over_allowance and self.income >= settings.PORTAL_ALLOWANCE_WARNING_AT

    @property
    def periods_over_limit(self) -> list:
        return [p for p in self.periods if p["over"]]

    @property
    def label(self) -> str:
        return f"{self.year}–{str(self.year + 1)[-2:]}"


def current_tax_year(today: date) -> int:
    return tax_year_start(today).year


_ASK = object()


def statement(*, contributor: User, year: int, with_benefit: bool = True, profile=_ASK) -> Statement:
    """What a contributor was paid in the tax year starting 6 April `year`: fees and vouchers
    (income) apart from expenses (not income), by activity, by week (Monday to Sunday) of
    payment and by the person's benefit period with the limit in force then, against the
    trading allowance. `with_benefit=False` leaves the benefit out (anyone but the person).
    `profile`: the person's `contributors.selectors.own_profile`, if the caller has it."""
    from contributors.models import Benefit
    from contributors.selectors import own_profile
    from contributors.services.benefits import benefit_of

    from .benefits import periods_for

    start, end = tax_year_bounds(year)
    if profile is _ASK:  # the home page passes the one its other panels share
        profile = own_profile(contributor)
    result = Statement(
        contributor=contributor,
        year=year,
        start=start,
        end=end,
        allowance=settings.PORTAL_TRADING_ALLOWANCE,
        receives_benefits=bool(profile and profile.receives_benefits),
    )
    benefit = None
    if with_benefit:
        benefit = profile.benefit_answer if profile is not None else benefit_of(user=contributor)
    # Paid in the year and still waiting, in one query.
    paid_in_year = Q(status=ClaimStatus.PAID, paid_on__gte=start, paid_on__lte=end)
    waiting = Q(status__in=[ClaimStatus.APPROVED, ClaimStatus.SUBMITTED])
    rows = list(
        Claim.objects.filter(contributor=contributor)
        .filter(paid_in_year | waiting)
        .select_related("participation__activity", "project")
    )
    result.claims = sorted((c for c in rows if c.status == ClaimStatus.PAID), key=lambda c: (c.paid_on, c.pk))
    result.pending = sorted(
        (c for c in rows if c.status != ClaimStatus.PAID), key=lambda c: (c.work_on, c.pk)
    )
    _add_totals(result, result.claims)
    weeks: OrderedDict[date, dict] = OrderedDict()
    for claim in result.claims:
        monday = claim.paid_on - timedelta(days=claim.paid_on.weekday())
        week = weeks.setdefault(
            monday,
            {
                "starts_on": monday,
                "ends_on": monday + timedelta(days=6),
                "fees": ZERO,
                "vouchers": ZERO,
                "income": ZERO,
                "expenses": ZERO,
            },
        )
        week["vouchers" if claim.payment_choice == PaymentChoice.VOUCHERS else "fees"] += claim.fee_total
        week["income"] += claim.fee_total
        week["expenses"] += claim.expense_total
    result.weeks = list(weeks.values())
    if benefit:
        result.benefit, result.benefit_label = benefit, Benefit(benefit).label
        result.periods = periods_for(benefit, result.claims)
    return result


def _add_totals(result: Statement, paid: list) -> None:
    for claim in paid:
        if claim.payment_choice == PaymentChoice.VOUCHERS:
            result.vouchers += claim.fee_total
        else:
            result.fees += claim.fee_total
        result.expenses += claim.expense_total


@dataclass(frozen=True)
class _PaidDay:
    """What a person was paid on one day by one choice: the figures of a paid claim that
    `_add_totals` and `benefits.periods_for` read (no day when only the totals are asked)."""

    paid_on: date | None
    payment_choice: str
    fee_total: Decimal
    expense_total: Decimal


# Compiled once a process (portal.compiled.Compiled): it runs on every contributor's home.
def _paid_in(*, contributor, start, end, by: tuple[str, ...]):
    return (
        Claim.objects.filter(
            contributor=contributor, status=ClaimStatus.PAID, paid_on__gte=start, paid_on__lte=end
        )
        .values_list(*by)
        .annotate(fee_total=Sum("fee_total"), expense_total=Sum("expense_total"))
        .order_by(*by)
    )


# Compiled once a process (portal.compiled.Compiled): one of them runs on every contributor's home.
_PAID_DAYS = Compiled(lambda **values: _paid_in(**values, by=("paid_on", "payment_choice")))
_PAID_TOTALS = Compiled(lambda **values: _paid_in(**values, by=("payment_choice",)))


def _paid_query(contributor: User, start: date, end: date, benefit) -> tuple[Compiled, dict]:
    values = {"contributor": contributor.pk, "start": start, "end": end}
    # Without a benefit only the totals: summed per choice in SQL, a row or two. With one,
    # summed per payment day and choice: the benefit periods group by those, so a day's
    # claims count as one row (a person paid for 600 claims made 300 objects here on every
    # home page).
    return (_PAID_DAYS if benefit else _PAID_TOTALS), values


def statement_summary_query(*, contributor: User, year: int, profile) -> tuple[Compiled, dict]:
    """The query `statement_summary` will run with this profile (a HomeProfile or None), for
    a page that fetches its queries together (portal.compiled.batch)."""
    start, end = tax_year_bounds(year)
    return _paid_query(contributor, start, end, profile.benefit_answer if profile is not None else None)


def statement_summary(*, contributor: User, year: int, profile=_ASK) -> Statement:
    """The person's own `statement` as far as the home page shows it (income and expenses in
    the tax year, the allowance and benefit-period warnings), without its lines: the paid
    claims' four figures in one light query, nothing joined and nothing waiting. A person
    with hundreds of claims made the full statement the home page's slowest part."""
    from contributors.models import Benefit
    from contributors.selectors import own_profile
    from contributors.services.benefits import benefit_of

    from .benefits import periods_for

    start, end = tax_year_bounds(year)
    if profile is _ASK:
        profile = own_profile(contributor)
    result = Statement(
        contributor=contributor,
        year=year,
        start=start,
        end=end,
        allowance=settings.PORTAL_TRADING_ALLOWANCE,
        receives_benefits=bool(profile and profile.receives_benefits),
    )
    benefit = profile.benefit_answer if profile is not None else benefit_of(user=contributor)
    query, values = _paid_query(contributor, start, end, benefit)
    if not benefit:
        _add_totals(result, [_PaidDay(None, *row) for row in query.rows(**values)])
        return result
    paid = [_PaidDay(*row) for row in query.rows(**values)]
    _add_totals(result, paid)
    result.benefit, result.benefit_label = benefit, Benefit(benefit).label
    result.periods = periods_for(benefit, paid)
    return result


def tax_years_with_claims(contributor: User, today: date) -> list[int]:
    """Every tax year from the person's first payment to now, newest first (one row read, not
    every payment). Years in between with no payment are offered too: a statement saying
    "nothing was paid" is evidence a benefits assessor may ask for."""
    now = current_tax_year(today)
    first = (
        Claim.objects.filter(contributor=contributor, paid_on__isnull=False)
        .order_by("paid_on")
        .values_list("paid_on", flat=True)
        .first()
    )
    start = min(now, current_tax_year(first)) if first else now
    return list(range(now, start - 1, -1))


def organisation_contact() -> dict:
    """Who to ask about a statement: it ends every statement, on screen and on paper."""
    return {
        "name": settings.PORTAL_ORGANISATION_NAME,
        "email": settings.PORTAL_CONTACT_EMAIL,
        "phone": settings.PORTAL_CONTACT_PHONE,
        "address": [line.strip() for line in settings.PORTAL_CONTACT_ADDRESS.split(",") if line.strip()],
    }


def claimable_participations(user: User):
    """Activities the person attended that have no live claim yet."""
    from django.db.models import Exists, OuterRef

    from portal.models import Participation, ParticipationStatus

    # NOT EXISTS per participation (the claim's participation index), not NOT IN over every
    # live claim in the organisation, which PostgreSQL hashes on each call.
    live = Claim.objects.live().filter(participation=OuterRef("pk"))
    return (
        Participation.objects.filter(contributor=user, status=ParticipationStatus.ATTENDED)
        .exclude(Exists(live))
        .select_related("activity__project")
        .order_by("-activity__starts_at")
    )
