"""Contributors' (and coordinators' on their behalf) claims: starting, filling in, submitting, withdrawing."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.compiled import Compiled, batch
from portal.confirm import confirm_first
from portal.errors import PortalError, show_error
from portal.models import Participation, Project, offline_q
from portal.pagination import compiled_page, numbered_page, page_bounds
from portal.storage import private_file_response

from .. import benefits, permissions, selectors, services
from ..forms import (
    AdHocClaimForm,
    ChoicesForm,
    ClaimAdjustForm,
    DecisionForm,
    ExpenseLineForm,
    FeeLineForm,
    StartClaimForm,
    SubmitForm,
)
from ..models import Claim, ClaimStatus, ExpenseLine, FeeLine
from . import rows as row_markup
from ._common import _get_claim

# What a row of a person's claims shows, read as values (payments.selectors.listed).
_ROW = (
    "pk",
    *selectors.LISTED,
    *selectors.person_columns("contributor"),
    "work_on",
    "paid_on",
    "pay_after",
)


def _claim_page(*, person, bottom, top):
    mine = Claim.objects.filter(Q(contributor=person) | Q(entered_by=person))
    return numbered_page(mine, (F("created_at").desc(), F("pk").desc()), _ROW, bottom=bottom, top=top)


def _anything_claimable(*, person):
    return selectors.claimable_participations(person).values_list("pk")[:1]


# Asked on every visit, never cached (the person's own claims), so built and compiled once a
# process (portal.compiled), prepared, and sent in one round trip: building them was more than
# PostgreSQL answering them.
_CLAIM_PAGE = Compiled(_claim_page)
_ANYTHING_CLAIMABLE = Compiled(_anything_claimable)


@login_required
def claim_list(request):
    user = request.user
    # The page's claims and their count in one query (portal.pagination.compiled_page), only the
    # page's claims joined to what they show: sorting every claim of a busy person joined to
    # their activities made PostgreSQL hash the people and participations tables first
    # (docs/performance.md). As values rather than claims with their participation, activity
    # and contributor: the model instances were a fifth of the page.
    asked = [(_ANYTHING_CLAIMABLE, {"person": user.pk})]
    if bounds := page_bounds(request):
        asked.append((_CLAIM_PAGE, {"person": user.pk, **bounds}))
    with batch(asked):
        claimable = bool(_ANYTHING_CLAIMABLE.rows(person=user.pk))
        page, query = compiled_page(request, _CLAIM_PAGE, person=user.pk)
    page.object_list = selectors.listed(dict(zip(_ROW, row, strict=True)) for row in page.object_list)
    today = timezone.localdate()
    for claim in page.object_list:
        claim["status_label"] = ClaimStatus(claim["status"]).label
        claim["mine"] = claim["contributor_id"] == user.pk
        claim["expected_on"] = benefits.expected_payment_on(SimpleNamespace(**claim), today)
    # The form reads the participations it offers itself; most people have none to offer.
    participations = selectors.claimable_participations(user) if claimable else None
    return render(
        request,
        "payments/claim_list.html",
        {
            "claims": page,
            "rows_html": row_markup.claim_rows(page.object_list),
            "query": query,
            "start_form": StartClaimForm(participations=participations) if claimable else None,
            "can_enter": user.is_coordinator,
        },
    )


def _enterable_participations(user):
    """Attended participations in the coordinator's projects, not yet claimed, for someone else."""
    live = Claim.objects.live().filter(participation__isnull=False)
    candidates = (
        Participation.objects.filter(
            activity__project__in=Project.objects.coordinated_by(user), status="attended"
        )
        .exclude(contributor=user)
        .exclude(pk__in=live.values("participation_id"))
        .filter(offline_q(path="contributor"))
        .select_related("activity", "contributor")
        .order_by("-activity__starts_at")
    )
    return candidates


@login_required
@require_POST
def claim_start(request):
    user = request.user
    participations = Participation.objects.filter(
        Q(contributor=user) | Q(activity__project__in=Project.objects.coordinated_by(user))
    ).select_related("activity__project", "contributor")
    form = StartClaimForm(request.POST, participations=participations)
    if not form.is_valid():
        messages.error(request, "Choose the activity you are claiming for.")
        return redirect("payments:claim_list")
    try:
        claim = services.start_claim(actor=user, participation=form.cleaned_data["participation"])
    except PortalError as exc:
        show_error(request, exc)
        return redirect("payments:claim_list")
    return redirect("payments:claim_detail", public_id=claim.public_id)


@login_required
def claim_enter(request):
    """A coordinator enters a claim for a contributor who is not online."""
    user = request.user
    if not user.is_coordinator:
        raise PermissionDenied
    adhoc = AdHocClaimForm(request.POST or None, user=user)
    if request.method == "POST" and adhoc.is_valid():
        data = adhoc.cleaned_data
        try:
            claim = services.start_ad_hoc_claim(
                actor=user,
                contributor=data["contributor"],
                project=data["project"],
                description=data["description"],
                work_on=data["work_on"],
            )
        except PortalError as exc:
            show_error(request, exc, form=adhoc, field="contributor")
        else:
            messages.success(request, "Claim started. Add the fee and expenses, then submit it.")
            return redirect("payments:claim_detail", public_id=claim.public_id)
    participations = _enterable_participations(user)
    return render(
        request,
        "payments/claim_enter.html",
        {
            "start_form": StartClaimForm(participations=participations, for_others=True)
            if participations
            else None,
            "adhoc": adhoc,
        },
        status=400 if adhoc.errors else 200,
    )


def _detail(request, claim, status=200, **forms):
    user = request.user
    editable = permissions.can_edit_claim(user, claim)
    can_decide = claim.status == ClaimStatus.SUBMITTED and permissions.can_decide_claim(user, claim)
    rows = []
    if editable:
        card = services.rate_card_in_force(claim.work_on)
        rows = list(card.rows.all()) if card else []
    spend = selectors.project_spend(project=claim.project) if can_decide else None
    ctx = {
        "claim": claim,
        "fee_lines": claim.fee_lines.all(),
        "expense_lines": claim.expense_lines.all(),
        "events": claim.events.select_related("actor"),
        "editable": editable,
        "can_decide": can_decide,
        "can_withdraw": editable,
        "is_own": claim.contributor_id == user.pk,
        "needs_public_sector": services.needs_public_sector_confirmation(claim.contributor),
        "duplicates": services.duplicate_receipt_lines(claim) if (can_decide or editable) else [],
        "over_budget": can_decide and selectors.would_exceed_budget(claim.project, claim.total, spend),
        "spend": spend,
        "second_needed": can_decide and claim.awaiting_second_approval,
        "rows": rows,
        "expected_on": benefits.expected_payment_on(claim, timezone.localdate()),
        "statement_year": selectors.current_tax_year(claim.paid_on or claim.work_on),
        "can_statement": claim.contributor_id != user.pk
        and permissions.can_view_statement_of(user, claim.contributor),
        "return_note": claim.events.filter(to_status=ClaimStatus.RETURNED).last()
        if claim.status == ClaimStatus.RETURNED
        else None,
        "choices_form": None,
        "fee_form": None,
        "expense_form": None,
        "decision_form": None,
    }
    if editable:
        ctx["choices_form"] = forms.get("choices_form") or ChoicesForm(
            initial={
                "payment_choice": claim.payment_choice,
                "reduced_amount": claim.reduced_amount,
                "public_sector_confirmed": claim.public_sector_confirmed,
            }
        )
        ctx["fee_form"] = forms.get("fee_form") or FeeLineForm(rows=rows)
        ctx["expense_form"] = forms.get("expense_form") or ExpenseLineForm()
    if can_decide:
        ctx["decision_form"] = forms.get("decision_form") or DecisionForm()
    ctx["has_errors"] = any(f.errors for f in forms.values())
    return render(request, "payments/claim_detail.html", ctx, status=status)


@login_required
def claim_detail(request, public_id):
    return _detail(request, _get_claim(request, public_id))


def _editable_claim(request, public_id) -> Claim:
    claim = _get_claim(request, public_id)
    if not permissions.can_edit_claim(request.user, claim):
        raise PermissionDenied
    return claim


def _done(request, claim):
    return redirect("payments:claim_detail", public_id=claim.public_id)


@login_required
@require_POST
def claim_choices(request, public_id):
    claim = _editable_claim(request, public_id)
    form = ChoicesForm(request.POST)
    if not form.is_valid():
        return _detail(request, claim, status=400, choices_form=form)
    try:
        services.update_claim_choices(actor=request.user, claim=claim, **form.cleaned_data)
    except PortalError as exc:
        show_error(request, exc)
        return _done(request, claim)
    return redirect("payments:claim_check", public_id=claim.public_id)


def _check_answers(request, claim, form=None, status=200, adjust_form=None):
    """GOV.UK "Check your answers": what will be claimed, each with a way to change it, then
    the declaration. Later checks before submitting (such as benefits limits) add to
    `notices` here rather than to the template's logic."""
    today = timezone.localdate()
    notices = []
    # The benefit answer is the contributor's own: never shown to a coordinator entering a claim.
    check = benefits.limit_check(claim, today) if claim.contributor_id == request.user.pk else None
    if check is not None:
        notices.append(
            {
                "template": "payments/partials/notice_benefit_limit.html",
                "check": check,
                "adjust_form": adjust_form
                or ClaimAdjustForm(
                    initial={
                        "reduced_amount": check.room,
                        "pay_after": claim.pay_after or check.next_period_starts_on,
                    }
                ),
            }
        )
    return render(
        request,
        "payments/claim_check.html",
        {
            "claim": claim,
            "fee_lines": claim.fee_lines.all(),
            "expense_lines": claim.expense_lines.all(),
            "needs_public_sector": services.needs_public_sector_confirmation(claim.contributor),
            "notices": notices,
            "expected_on": benefits.expected_payment_on(claim, today),
            "submit_form": form or SubmitForm.for_claim(claim),
        },
        status=status,
    )


@login_required
@require_POST
def claim_adjust(request, public_id):
    """A way to stay within a benefit limit, chosen on the check-answers page."""
    claim = _editable_claim(request, public_id)
    form = ClaimAdjustForm(request.POST)
    if not form.is_valid():
        return _check_answers(request, claim, status=400, adjust_form=form)
    try:
        services.adjust_for_limit(actor=request.user, claim=claim, **form.cleaned_data)
    except PortalError as exc:
        show_error(request, exc, form=form)
        return _check_answers(request, claim, status=400, adjust_form=form)
    messages.success(request, "Your claim is updated. Check the totals below.")
    return redirect("payments:claim_check", public_id=claim.public_id)


@login_required
def claim_check(request, public_id):
    return _check_answers(request, _editable_claim(request, public_id))


@login_required
@require_POST
def claim_fee_add(request, public_id):
    claim = _editable_claim(request, public_id)
    card = services.rate_card_in_force(claim.work_on)
    form = FeeLineForm(request.POST, rows=card.rows.all() if card else [])
    if not form.is_valid():
        return _detail(request, claim, status=400, fee_form=form)
    try:
        services.add_fee_line(actor=request.user, claim=claim, **form.cleaned_data)
        messages.success(request, "Fee added.")
    except PortalError as exc:
        show_error(request, exc)
    return _done(request, claim)


@login_required
@require_POST
def claim_expense_add(request, public_id):
    claim = _editable_claim(request, public_id)
    form = ExpenseLineForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, claim, status=400, expense_form=form)
    data = form.cleaned_data
    try:
        _, warnings = services.add_expense_line(
            actor=request.user,
            claim=claim,
            kind=data["kind"],
            amount=data.get("amount"),
            miles=data.get("miles"),
            passengers=data.get("passengers") or 0,
            description=data.get("description", ""),
            receipt=data.get("receipt"),
            token=data.get("token", ""),
        )
        messages.success(request, "Expense added.")
        for warning in warnings:
            messages.warning(request, warning)
    except PortalError as exc:
        show_error(request, exc)
    return _done(request, claim)


@login_required
@require_POST
def claim_fee_remove(request, public_id, line_id):
    claim = _editable_claim(request, public_id)
    line = get_object_or_404(FeeLine, claim=claim, pk=line_id)
    services.remove_fee_line(actor=request.user, line=line)
    messages.success(request, "Fee removed.")
    return _done(request, claim)


@login_required
@require_POST
def claim_expense_remove(request, public_id, line_id):
    claim = _editable_claim(request, public_id)
    line = get_object_or_404(ExpenseLine, claim=claim, public_id=line_id)
    services.remove_expense_line(actor=request.user, line=line)
    messages.success(request, "Expense removed.")
    return _done(request, claim)


@login_required
@require_POST
def claim_submit(request, public_id):
    claim = _editable_claim(request, public_id)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _check_answers(request, claim, form=form, status=400)
    try:
        services.submit_claim(actor=request.user, claim=claim, declaration=True, **form.choice())
    except PortalError as exc:
        show_error(request, exc)
        return redirect("payments:claim_check", public_id=claim.public_id)
    messages.success(
        request, f"Claim {claim.reference} submitted. We will tell you when it has been checked."
    )
    return _done(request, claim)


@login_required
@require_POST
def claim_withdraw(request, public_id):
    claim = _editable_claim(request, public_id)
    asking = confirm_first(
        request,
        title="Withdraw this claim?",
        warning="A withdrawn claim cannot be submitted again.",
        consequences=[f"{claim.title}: nothing will be paid for it unless you start a new claim."],
        button="Yes, withdraw the claim",
        cancel_url=reverse("payments:claim_detail", args=[claim.public_id]),
    )
    if asking:
        return asking
    try:
        services.withdraw_claim(actor=request.user, claim=claim)
        messages.success(request, "Claim withdrawn.")
    except PortalError as exc:
        show_error(request, exc)
    return _done(request, claim)


@login_required
@require_POST
def claim_decide(request, public_id):
    claim = _get_claim(request, public_id)
    if not permissions.can_decide_claim(request.user, claim):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, claim, status=400, decision_form=form)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    try:
        if decision == "return":
            services.return_claim(claim=claim, actor=request.user, reason=reason)
            messages.success(request, "Claim returned to the contributor.")
        else:
            claim = services.decide_claim(
                claim=claim, approver=request.user, approve=decision == "approve", note=reason
            )
            messages.success(request, f"Claim {claim.get_status_display().lower()}.")
    except PortalError as exc:
        show_error(request, exc)
    return _done(request, claim)


@login_required
def receipt(request, line_id):
    """Receipts are private: only people who may see the claim get the file; others a 404.
    Always a download, never shown in the browser, so an uploaded file cannot run as a page of
    the portal."""
    line = get_object_or_404(
        ExpenseLine.objects.filter(claim__in=Claim.objects.visible_to(request.user)), public_id=line_id
    )
    if not line.receipt:
        raise Http404
    return private_file_response(line.receipt, filename=line.receipt_name or "receipt", as_attachment=True)
