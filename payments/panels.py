"""What payments adds to the spine: home and project panels, navigation, reminder kinds and
the reminder sweep, and the payments section of a person's data download."""

import functools
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from contributors import data_export
from portal import dashboard, figures, reminders
from portal.compiled import Compiled, batch
from portal.links import base_url
from portal.pagination import PAGE_SIZE, compiled_page, numbered_keys, numbered_page, page_bounds

DECISION_KIND = "payments_claim_decision"
DRAFT_KIND = "payments_draft_claim"
LATE_KIND = "payments_late_payment"


def _claimable(*, person):
    from . import selectors

    # Only the columns the panel shows (rows, not model instances joined three deep): building
    # and reading the full objects was most of this panel's time on every home page.
    return selectors.claimable_participations(person).values_list("activity__title", "activity__starts_at")[
        :5
    ]


def _open_claims(*, person):
    from .models import Claim, ClaimStatus

    open_claims = Claim.objects.filter(contributor=person).exclude(
        status__in=[ClaimStatus.PAID, ClaimStatus.WITHDRAWN, ClaimStatus.REJECTED]
    )
    # The newest five picked first, then joined to their activities: joined before the limit,
    # PostgreSQL hashed every participation to sort a busy person's open claims.
    return Claim.objects.filter(pk__in=open_claims.values("pk")[:5]).values_list(
        "public_id", "status", "participation__activity__title", "ad_hoc_description"
    )


# The person's own claims, never cached, but the queries compiled once a process
# (portal.compiled.Compiled): they run on every contributor's home.
_CLAIMABLE = Compiled(_claimable)
_OPEN_CLAIMS = Compiled(_open_claims)


def _contributor_rows(request) -> list:
    from contributors.selectors import request_profile

    from . import selectors

    user = request.user
    year = selectors.current_tax_year(timezone.localdate())
    return [
        selectors.statement_summary_query(contributor=user, year=year, profile=request_profile(request)),
        (_CLAIMABLE, {"person": user.pk}),
        (_OPEN_CLAIMS, {"person": user.pk}),
    ]


def _contributor_panel(request):
    from contributors.selectors import request_profile

    from . import selectors
    from .models import ClaimStatus, claim_title

    user = request.user
    today = timezone.localdate()
    statement = selectors.statement_summary(
        contributor=user, year=selectors.current_tax_year(today), profile=request_profile(request)
    )
    return {
        "claimable": [
            {"title": title, "on": timezone.localdate(starts_at)}
            for title, starts_at in _CLAIMABLE.rows(person=user.pk)
        ],
        "open_claims": [
            {
                "public_id": public_id,
                "status": status,
                "status_label": ClaimStatus(status).label,
                "title": claim_title(activity_title, ad_hoc),
            }
            for public_id, status, activity_title, ad_hoc in _OPEN_CLAIMS.rows(person=user.pk)
        ],
        "s": statement,
    }


def _coordinator_panel(request):
    return {"waiting": waiting_count(request)}


def waiting_for(request) -> tuple[str, object]:
    """The figure (name, scope) of `waiting_count`, for a page that prefetches its figures."""
    return "payments:waiting", figures.person(request.user)


def waiting_count(request) -> int:
    """Claims waiting for this person's decision: the coordinator's panel and the navigation
    both show it, so it is asked once a request, and kept a minute for the person
    (portal.figures): at 200,000 claims it was 30 ms on every staff page. A decision, a claim
    submitted or withdrawn, or a change to a project's coordinators saves a row that starts a
    new generation, so it is never stale after a change made in the portal."""
    from .models import Claim

    if not hasattr(request, "_payments_waiting"):
        user = request.user
        name, scope = waiting_for(request)
        request._payments_waiting = figures.cached(
            name, lambda: Claim.objects.awaiting_decision_by(user).count(), scope=scope
        )
    return request._payments_waiting


def _manager_figures() -> dict:
    from . import selectors
    from .models import Claim, ClaimStatus

    return {
        "routed": Claim.objects.routed_to_managers().count(),
        "to_pay": Claim.objects.filter(status=ClaimStatus.APPROVED).count(),
        "timing": selectors.organisation_time_to_pay(),
        "spend": selectors.organisation_spend(),
        "on_time": selectors.on_time_by_project()[:10],
        "on_time_all": selectors.on_time_overall(),
    }


def _manager_panel(request):
    # The same for every manager and a scan of every claim each: cached (portal.figures).
    return {
        **figures.cached("payments:manager", _manager_figures),
        "target_days": settings.PORTAL_PAYMENT_TARGET_WORKING_DAYS,
    }


def _project_panel(request, project):
    from . import permissions, selectors

    if not permissions.can_view_budget(request.user, project):
        return None
    spend = selectors.project_spend(project=project)
    return {"project": project, "spend": spend, "over": spend["remaining"] < 0}


def _activity_panel(request, activity):
    """On an activity page: the contributor's claim for it, or a button to start one."""
    from .models import Claim

    user = request.user
    if not user.is_contributor:  # roles are cached: staff who take no part ask nothing
        return None
    participation = activity.participations.filter(contributor=user).first()
    if participation is None:
        return None
    claim = Claim.objects.live_for(participation)
    if claim is None and participation.status != "attended":
        return None
    return {"participation": participation, "claim": claim}


def decision_sweep(*, now, dry_run: bool) -> list[str]:
    """One weekly digest per coordinator of claims waiting for a decision too long, and one
    reminder per draft claim left unsubmitted."""
    from .models import Claim, ClaimStatus

    lines = []
    cutoff = now - timedelta(days=settings.PORTAL_CLAIM_DECISION_REMINDER_DAYS)
    waiting = list(
        Claim.objects.awaiting_decision()
        .filter(submitted_at__lt=cutoff)
        .select_related("project__lead", "contributor", "participation__activity")
    )
    from .services import deciders_for

    by_person: dict = {}
    for claim in waiting:
        for person in deciders_for(claim):
            by_person.setdefault(person, []).append(claim)
    year, week, _ = timezone.localtime(now).isocalendar()
    period = f"{year}-W{week:02d}"
    for person, claims in by_person.items():
        outcome = reminders.send_reminder_once(
            kind=DECISION_KIND,
            object_key="digest",
            recipient=person,
            period=period,
            template="payments_decision_digest",
            context={
                "claims": claims,
                "days": settings.PORTAL_CLAIM_DECISION_REMINDER_DAYS,
                "base_url": base_url(),
            },
            dry_run=dry_run,
        )
        if outcome.sent:
            lines.append(f"decision digest to {person} ({len(claims)} claims)")
    lines += _late_payment_digest(now=now, period=period, dry_run=dry_run)
    draft_cutoff = now - timedelta(days=settings.PORTAL_DRAFT_CLAIM_REMINDER_DAYS)
    drafts = Claim.objects.filter(status=ClaimStatus.DRAFT, created_at__lt=draft_cutoff).select_related(
        "contributor", "participation__activity"
    )
    for claim in drafts:
        outcome = reminders.send_reminder_once(
            kind=DRAFT_KIND,
            object_key=str(claim.public_id),
            recipient=claim.contributor,
            template="payments_draft_reminder",
            context={"claim": claim, "base_url": base_url()},
            dry_run=dry_run,
        )
        if outcome.sent:
            lines.append(f"draft reminder to {claim.contributor} for claim {claim.public_id}")
    return lines


def _late_payment_digest(*, now, period: str, dry_run: bool) -> list[str]:
    """One weekly digest per manager of approved claims past the on-time target (first
    submission + PORTAL_PAYMENT_TARGET_WORKING_DAYS). A claim the contributor asked to be paid
    later is not late while it waits for that date."""
    from django.db.models import Q

    from portal.models import User

    from .models import Claim, ClaimStatus

    today = timezone.localtime(now).date()
    late = list(
        Claim.objects.filter(status=ClaimStatus.APPROVED, pay_by__lt=today)
        .filter(Q(pay_after__isnull=True) | Q(pay_after__lte=today))
        .select_related("contributor", "participation__activity")
        .order_by("pay_by", "pk")
    )
    if not late:
        return []
    lines = []
    for manager in User.objects.with_role("Manager"):
        outcome = reminders.send_reminder_once(
            kind=LATE_KIND,
            object_key="digest",
            recipient=manager,
            period=period,
            template="payments_late_digest",
            context={
                "claims": late,
                "days": settings.PORTAL_PAYMENT_TARGET_WORKING_DAYS,
                "base_url": base_url(),
            },
            dry_run=dry_run,
        )
        if outcome.sent:
            lines.append(f"late payment digest to {manager} ({len(late)} claims)")
    return lines


# What _claim_record says of a claim, read as values: the claims joined to their projects and
# activities as model instances, and their lines through three prefetches, were most of each
# "Your data: Payments" page (docs/performance.md).
_EXPORTED = (
    "pk",
    "public_id",
    "reference",
    "project__title",
    "participation__activity__title",
    "ad_hoc_description",
    "work_on",
    "status",
    "payment_choice",
    "fee_total",
    "expense_total",
    "total",
    "paid_on",
    "payment_reference",
)


def _exported_claims(person):
    from .models import Claim

    return Claim.objects.filter(contributor=person)


def _exported_order():
    from django.db.models import F

    return (F("work_on").desc(), F("pk").desc())  # Claim's Meta.ordering, as the download's


def _exported_page(*, person, bottom, top):
    return numbered_page(_exported_claims(person), _exported_order(), _EXPORTED, bottom=bottom, top=top)


def _page_lines(model, columns: tuple):
    """The lines of the claims on a page (numbered_keys), `columns` of `model`."""

    def build(*, person, bottom, top):
        keys = numbered_keys(_exported_claims(person), _exported_order(), bottom=bottom, top=top)
        return model.objects.filter(claim__in=keys).order_by().values_list(*columns)

    return build


def _page_line_queries():
    from .models import ClaimEvent, ExpenseLine, FeeLine

    return (
        Compiled(
            _page_lines(
                FeeLine, ("claim", "id", "is_preparation", "description", "unit_amount", "quantity", "amount")
            )
        ),
        Compiled(
            _page_lines(
                ExpenseLine, ("claim", "id", "description", "amount", "miles", "kind", "receipt_name")
            )
        ),
        Compiled(_page_lines(ClaimEvent, ("claim", "id", "created_at", "note", "to_status"))),
    )


# The section's page is read on every visit of "Your data: Payments" (never cached: the
# person's own claims): the page with its count, and its claims' lines, compiled once a process
# as prepared statements sent in one round trip (portal.compiled), instead of a paged query
# with a subquery and a count that the ORM built each time, then the lines.
_EXPORTED_PAGE = Compiled(_exported_page)
_FEES, _EXPENSES, _EVENTS = _page_line_queries()


def _exported(request, param: str, user) -> tuple:
    size = PAGE_SIZE
    values = {"person": user.pk, **page_bounds(request, param, size)}
    asked = (
        [(query, values) for query in (_EXPORTED_PAGE, _FEES, _EXPENSES, _EVENTS)] if len(values) > 1 else []
    )
    with batch(asked):
        page, query = compiled_page(request, _EXPORTED_PAGE, param=param, person=user.pk)
        # The page shown's lines: the page asked for (fetched with it) unless it was past the end.
        shown = {"person": user.pk, "bottom": (page.number - 1) * size, "top": page.number * size}
        # As _line_rows gives them (kind, claim, pk, is_preparation, created_at, description or
        # note, rate, quantity, amount, miles, expense kind or status, receipt name).
        lines = [
            *(
                ("fee", c, i, prep, None, d, rate, q, a, None, None, None)
                for c, i, prep, d, rate, q, a in _FEES.rows(**shown)
            ),
            *(
                ("expense", c, i, None, None, d, None, None, a, m, k, r)
                for c, i, d, a, m, k, r in _EXPENSES.rows(**shown)
            ),
            *(
                ("event", c, i, None, w, n, None, None, None, None, st, None)
                for c, i, w, n, st in _EVENTS.rows(**shown)
            ),
        ]
    page.object_list = [dict(zip(_EXPORTED, row, strict=True)) for row in page.object_list]
    _attach_lines(page.object_list, lines)
    return page, query


def data_export_section(user) -> dict:
    """A person's claims and lines, for their subject access download (Decimals as strings)."""
    from .models import Claim

    return {
        "claims": data_export.Records(
            Claim.objects.filter(contributor=user).values(*_EXPORTED),
            _claim_record,
            title="for",
            fetched=_add_lines,
            paged=lambda request, param: _exported(request, param, user),
        )
    }


def _add_lines(claims: list[dict]) -> None:
    """Each claim's fee lines, expense lines and timeline (`lines`), each in its model's order,
    read for all the claims together (a page's in one query), unless read with the page."""
    from django.db import connection

    claims = [claim for claim in claims if "lines" not in claim]
    ids = [claim["pk"] for claim in claims]
    # The download of a busy person's claims is a query per thousand, each claim's key once
    # per table within the database's limit on parameters.
    per_query = min(1000, (connection.features.max_query_params or 3000) // 3)
    rows = []
    for start in range(0, len(ids), per_query):
        rows += _line_rows(ids[start : start + per_query])
    _attach_lines(claims, rows)


def _attach_lines(claims: list[dict], rows) -> None:
    """The rows of _line_rows, each claim's as its `lines` in its model's order."""
    lines = {claim["pk"]: {"fee": [], "expense": [], "event": []} for claim in claims}
    for row in rows:
        lines[row[1]][row[0]].append(row)
    for claim in claims:
        found = lines[claim["pk"]]
        # Meta.ordering: fee lines by (is_preparation, pk), expense lines by pk, events by
        # (created_at, pk).
        found["fee"].sort(key=lambda row: (row[3], row[2]))
        found["expense"].sort(key=lambda row: row[2])
        found["event"].sort(key=lambda row: (row[4], row[2]))
        claim["lines"] = found


# The columns of _line_rows' UNION ALL after the kind of row: the field each of FeeLine,
# ExpenseLine and ClaimEvent puts there (None: NULL). One field's values a column, so that each
# keeps its type and decimal places.
_LINE_COLUMNS = (
    ("claim", "claim", "claim"),
    ("id", "id", "id"),
    ("is_preparation", None, None),
    (None, None, "created_at"),
    ("description", "description", "note"),
    ("unit_amount", None, None),
    ("quantity", None, None),
    ("amount", "amount", None),
    (None, "miles", None),
    (None, "kind", "to_status"),
    (None, "receipt_name", None),
)


def _line_rows(claim_ids: list[int]) -> list[tuple]:
    """("fee" | "expense" | "event", claim, pk, is_preparation, created_at, description or
    note, rate, quantity, amount, miles, expense kind or status, receipt name) for each line and
    event of the claims, converted as the ORM converts each field. Written as SQL: the same
    UNION ALL built by the ORM took longer to build and compile (1.5 ms) than the three queries
    it replaces took to run; the claims are the person's own, read by the ORM."""
    from django.db import connection

    from .models import ClaimEvent, ExpenseLine, FeeLine

    quote = connection.ops.quote_name
    tables = (("fee", FeeLine), ("expense", ExpenseLine), ("event", ClaimEvent))
    fields = [
        [
            model._meta.get_field(name) if name else None
            for (_, model), name in zip(tables, names, strict=True)
        ]
        for names in _LINE_COLUMNS
    ]
    # Each column's type and conversion are its field's (PostgreSQL needs a typed NULL).
    typed = [next(field for field in column if field) for column in fields]
    marks = ", ".join(["%s"] * len(claim_ids))
    parts = []
    for i, (kind, model) in enumerate(tables):
        table = quote(model._meta.db_table)
        columns = ", ".join(
            f"{table}.{quote(column[i].column)}"
            if column[i]
            else f"CAST(NULL AS {field.db_type(connection)})"
            for column, field in zip(fields, typed, strict=True)
        )
        parts.append(
            f"SELECT '{kind}', {columns} FROM {table} WHERE {table}.{quote(fields[0][i].column)} IN ({marks})"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), claim_ids * len(tables))
        rows = cursor.fetchall()
    converters = []
    for position, field in enumerate(typed, start=1):
        col = field.get_col(field.model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((position, col, found))
    if not converters:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for position, col, found in converters:
            for convert in found:
                row[position] = convert(row[position], col, connection)
        out.append(tuple(row))
    return out


@functools.cache
def _labels() -> tuple[dict, dict, dict]:
    """Each expense kind's, claim status's and payment choice's label, by value."""
    from .models import ClaimStatus, ExpenseKind, PaymentChoice

    return dict(ExpenseKind.choices), dict(ClaimStatus.choices), dict(PaymentChoice.choices)


def _claim_record(claim: dict) -> dict:
    from .models import claim_title

    lines = claim["lines"]
    # As get_FOO_display says them: the label, or the stored value if it has none.
    kinds, statuses, choices = _labels()
    claim_status, choice = claim["status"], claim["payment_choice"]
    return {
        "for": claim_title(claim["participation__activity__title"], claim["ad_hoc_description"]),
        "reference": claim["reference"],
        "claim": str(claim["public_id"]),
        "project": claim["project__title"],
        "date_of_work": claim["work_on"].isoformat(),
        "status": str(statuses.get(claim_status, claim_status)),
        "payment_choice": str(choices.get(choice, choice)),
        "fee_total": str(claim["fee_total"]),
        "expense_total": str(claim["expense_total"]),
        "total": str(claim["total"]),
        "paid_on": claim["paid_on"].isoformat() if claim["paid_on"] else None,
        "payment_reference": claim["payment_reference"],
        "fees": [
            {
                "description": description,
                "rate": str(rate),
                "quantity": str(quantity),
                "amount": str(amount),
            }
            for _, _, _, _, _, description, rate, quantity, amount, _, _, _ in lines["fee"]
        ],
        "expenses": [
            {
                "type": str(kinds.get(kind, kind)),
                "description": description,
                "miles": str(miles or ""),
                "amount": str(amount),
                "receipt": receipt,
            }
            for _, _, _, _, _, description, _, _, amount, miles, kind, receipt in lines["expense"]
        ],
        "timeline": [
            {"when": when.isoformat(), "status": str(statuses.get(status, status)), "note": note}
            for _, _, _, _, when, note, _, _, _, _, status, _ in lines["event"]
        ],
    }


def _rate_codes(on):
    from .models import RateUnit
    from .services import rate_card_in_force

    card = rate_card_in_force(on)
    if card is None:
        return []
    return [
        (row.code, f"{row.activity}: £{row.amount} per {RateUnit(row.unit).label.lower()} ({row.code})")
        for row in card.rows.all()
    ]


def register() -> None:
    from django.db.models.signals import m2m_changed

    from portal.models import Project

    from .models import Claim

    figures.forget_on_change("payments", Claim, Project)
    # Who coordinates a project decides whose "claims to check" count a claim is in; adding or
    # removing a coordinator saves no Project.
    m2m_changed.connect(
        figures.receiver("payments"),
        sender=Project.coordinators.through,
        weak=False,
        dispatch_uid="portal.figures.payments.project_coordinators",
    )
    dashboard.register_rate_codes(_rate_codes)
    dashboard.register_panel(
        role="Contributor",
        template="payments/panels/home_contributor.html",
        context=_contributor_panel,
        order=30,
        rows=_contributor_rows,
    )
    dashboard.register_panel(
        role="Coordinator",
        template="payments/panels/home_coordinator.html",
        context=_coordinator_panel,
        order=30,
        figures=lambda request: [("payments:waiting", figures.person(request.user))],
    )
    dashboard.register_panel(
        role="Manager",
        template="payments/panels/home_manager.html",
        context=_manager_panel,
        order=30,
        figures=lambda request: [("payments:manager", "")],
    )
    dashboard.register_panel(
        role="project", template="payments/panels/project.html", context=_project_panel, order=20
    )
    dashboard.register_panel(
        role="activity", template="payments/panels/activity.html", context=_activity_panel, order=20
    )
    dashboard.register_nav(
        label="Claims",
        url_name="payments:claim_list",
        roles=("Contributor",),
        order=30,
        match_prefix="/payments/claims/",
    )
    dashboard.register_nav(
        label="Claims to check",
        url_name="payments:claim_queue",
        roles=("Coordinator", "Manager"),
        order=31,
        match_prefix="/payments/claims/queue/",
        count=waiting_count,
        figures=lambda request: [waiting_for(request)],
    )
    dashboard.register_nav(label="Paying", url_name="payments:payment_list", roles=("Manager",), order=32)
    dashboard.register_nav(
        label="Rate cards", url_name="payments:ratecard_list", roles=("Manager",), order=33
    )
    dashboard.register_nav(
        label="Benefit limits", url_name="payments:benefitrule_list", roles=("Manager",), order=34
    )
    reminders.register_kind(DECISION_KIND, "Weekly list of claims waiting for your decision")
    reminders.register_kind(DRAFT_KIND, "A claim you started but did not submit")
    reminders.register_kind(LATE_KIND, "Weekly list of approved claims past the payment target")
    reminders.register_sweep("payments", decision_sweep)
    data_export.register_section(
        "payments",
        data_export_section,
        title="Payments",
        about="Your claims for fees and expenses: each line, what happened to each claim and when "
        "it was paid.",
    )
