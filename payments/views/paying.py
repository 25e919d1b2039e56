"""Managers: paying approved claims and the finance export."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import compiled, dashboard
from portal.downloads import csv_download
from portal.errors import PortalError, show_error
from portal.lookups import public_ids
from portal.mfa import mfa_this_session
from portal.models import display_name
from portal.money import ZERO
from portal.pagination import PAGE_SIZE, paginate

from .. import permissions, selectors, services
from ..forms import PayForm
from ..models import Claim, ClaimStatus, PaymentBatch, PaymentChoice, PaymentMethod
from . import rows as row_markup


class _CountedPages(Paginator):
    """Pages of the payable claims, counted by selectors.paying_counts (one pass over the
    approved claims for the page's three counts, cached) rather than by a COUNT of their own."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count


def _payable_claims(today=None):
    """Approved claims that owe money: £0.00 claims never join a run, nor a claim whose
    contributor asked not to be paid before a later date."""
    today = today or timezone.localdate()
    return Claim.objects.filter(status=ClaimStatus.APPROVED, total__gt=0).filter(
        Q(pay_after__isnull=True) | Q(pay_after__lte=today)
    )


def _payable():
    """The payable claims with how each is paid."""
    return (
        _payable_claims()
        .with_payment_route()
        .select_related("contributor", "project", "participation__activity")
    )


# What a row of the paying page shows, read as values (payments.selectors.listed) rather than as
# a claim, its contributor, participation, activity and project per row.
_ROW = (
    *selectors.LISTED,
    *selectors.person_columns("contributor"),
    "payment_choice",
    "fee_total",
    "expense_total",
    "pays_by_vouchers",
    "has_bank_details",
)
_CHOICES = dict(PaymentChoice.choices)


def _listed(*, today):
    """The payable claims as the page lists them, longest-approved first."""
    return (
        _payable_claims(today)
        .with_payment_route()
        .order_by(F("decided_at").asc(nulls_first=True), "pk")
        .values_list(*_ROW)
    )


# The first page, compiled once a process and prepared once a connection (portal.compiled):
# the ORM building and compiling it (four joins, the payment route's Case and Exists) cost more
# than PostgreSQL answering it. Later pages go through the ORM.
_FIRST_PAGE = compiled.Compiled(lambda *, today: _listed(today=today)[:PAGE_SIZE])
# The newest payment runs, compiled likewise and fetched with the first page in one round trip.
_BATCH_COLUMNS = ("public_id", "paid_on", "reference", "method", *selectors.person_columns("created_by"))
# One more than the page shows, to know whether to link to every run (batch_list).
NEWEST_BATCHES = 20
_BATCHES = compiled.Compiled(lambda: PaymentBatch.objects.values_list(*_BATCH_COLUMNS)[: NEWEST_BATCHES + 1])
_METHODS = dict(PaymentMethod.choices)


def _batch_rows(found=None) -> list[dict]:
    """Payment runs as the list shows them: the newest (compiled), or `found` (rows of
    _BATCH_COLUMNS)."""
    rows = [
        dict(zip(_BATCH_COLUMNS, row, strict=True)) for row in (_BATCHES.rows() if found is None else found)
    ]
    for row in rows:
        row["method_label"] = _METHODS.get(row["method"], row["method"])
        row["created_by"] = display_name(
            row["created_by__name"], row["created_by__email"], row["created_by__public_id"]
        )
    return rows


@login_required
def payment_list(request):
    """Approved claims, longest-approved first, a page at a time. Nothing is ticked until the
    person ticks it (or asks to select the whole page); the next step shows what was chosen."""
    user = request.user
    if not permissions.can_pay_claims(user):
        raise PermissionDenied
    today = timezone.localdate()
    # The page's figures and the navigation's count in one round trip to the cache.
    with dashboard.page_figures(request, [("payments:paying_page", today.isoformat())]):
        figures = selectors.paying_page_figures(today)
    counts = figures["counts"]
    page = _CountedPages((), PAGE_SIZE, count=counts["payable"]).get_page(request.GET.get("page"))
    # The rows as Paginator.page would slice them, the first page (most visits) compiled.
    bottom = (page.number - 1) * PAGE_SIZE
    first = page.number == 1 and page.paginator.count
    with compiled.batch([(_BATCHES, {}), *([(_FIRST_PAGE, {"today": today})] if first else [])]):
        if not page.paginator.count:
            found = []
        elif first:
            found = _FIRST_PAGE.rows(today=today)
        else:
            found = _listed(today=today)[bottom : min(bottom + PAGE_SIZE, page.paginator.count)]
        batches = _batch_rows()
    more_batches = len(batches) > NEWEST_BATCHES
    batches = batches[:NEWEST_BATCHES]
    select_all = request.GET.get("select") == "all"
    rows = selectors.listed(dict(zip(_ROW, row, strict=True)) for row in found)
    for c in rows:
        c["choice_label"] = _CHOICES.get(c["payment_choice"], c["payment_choice"])
        c["payable"] = c["pays_by_vouchers"] or c["has_bank_details"]
        c["checked"] = select_all and c["payable"]
    return render(
        request,
        "payments/payment_list.html",
        {
            "rows": rows,
            "rows_html": row_markup.paying_rows(rows),
            "page": page,
            "select_all": select_all,
            "zero_claims": counts["zero"],
            "later_claims": counts["later"],
            "batches": batches,
            "more_batches": more_batches,
            # Other things paid from this page's role (a partner organisation's invoices).
            "paying_links": dashboard.links_for(user, "paying"),
            # The organisation's figures, the same for every manager: cached (portal.figures).
            "timing": figures["timing"],
            "spend": figures["spend"],
        },
    )


@login_required
def batch_list(request):
    """Every payment run, newest first, a page at a time, each with its finance export: the
    paying page shows the newest twenty."""
    if not permissions.can_pay_claims(request.user):
        raise PermissionDenied
    page, query = paginate(request, PaymentBatch.objects.values_list(*_BATCH_COLUMNS))
    page.object_list = _batch_rows(page.object_list)
    return render(request, "payments/batch_list.html", {"page": page, "query": query})


@login_required
@require_POST
def claims_pay(request):
    """Step 2 of a payment run. Without `confirm`: show the count and total of what was ticked,
    split into bank transfers and vouchers, and ask for the date and references. With it:
    record the run."""
    user = request.user
    if not permissions.can_pay_claims(user):
        raise PermissionDenied
    chosen = list(_payable().filter(public_id__in=public_ids(request.POST.getlist("claims"))).order_by("pk"))
    if not chosen:
        messages.error(request, "Select at least one claim to pay.")
        return redirect("payments:payment_list")
    groups = {}
    for claim in chosen:
        method = "vouchers" if claim.pays_by_vouchers else "bank_transfer"
        group = groups.setdefault(
            method, {"method": method, "label": PaymentMethod(method).label, "claims": [], "total": ZERO}
        )
        group["claims"].append(claim)
        group["total"] += claim.total
    confirming = "confirm" in request.POST
    form = PayForm(
        request.POST if confirming else None,
        methods=groups,
        initial={"paid_on": timezone.localdate()},
    )
    if confirming and form.is_valid():
        try:
            batches = services.pay_run(actor=user, claims=chosen, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc)
            return redirect("payments:payment_list")
        for batch in batches:
            messages.success(
                request,
                f"{batch.get_method_display()} run {batch.reference}: {batch.claims.count()} "
                f"claim{'s' if batch.claims.count() != 1 else ''} marked paid.",
            )
        return redirect("payments:payment_list")
    return render(
        request,
        "payments/payment_confirm.html",
        {
            "form": form,
            "claims": chosen,
            "groups": list(groups.values()),
            "count": len(chosen),
            "total": sum((c.total for c in chosen), ZERO),
        },
        status=400 if form.errors else 200,
    )


@login_required
def batch_export(request, public_id):
    """The finance CSV with bank details: needs this session to have passed MFA and a fresh
    password check."""
    if not permissions.can_export_finance(request.user):
        raise PermissionDenied
    batch = get_object_or_404(PaymentBatch, public_id=public_id)
    return _export_csv(request, batch)


@mfa_this_session()
@reauthentication_required
def _export_csv(request, batch):
    response, writer = csv_download(f"payment-run-{batch.paid_on:%Y-%m-%d}.csv")
    writer.writerow(services.FINANCE_EXPORT_COLUMNS)
    writer.writerows(services.finance_export_rows(actor=request.user, batch=batch))
    return response
