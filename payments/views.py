from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import dashboard
from portal.confirm import confirm_first
from portal.downloads import csv_download, pdf_response
from portal.errors import PortalError, show_error
from portal.mfa import mfa_this_session
from portal.models import Participation, Project, offline_q
from portal.money import ZERO
from portal.pagination import paginate
from portal.people import hint as person_hint
from portal.storage import private_file_response

from . import benefits, permissions, selectors, services
from .forms import (
    AdHocClaimForm,
    BenefitRuleForm,
    ChoicesForm,
    ClaimAdjustForm,
    DecisionForm,
    ExpenseLineForm,
    FeeLineForm,
    PayForm,
    QueueFilterForm,
    RateCardForm,
    RetireForm,
    StartClaimForm,
    SubmitForm,
    UpliftForm,
)
from .models import (
    BenefitRule,
    Claim,
    ClaimStatus,
    ExpenseLine,
    FeeLine,
    PaymentBatch,
    PaymentMethod,
    RateCard,
)
from .pdf import render_jobcentre_letter_pdf, render_statement_pdf


def _get_claim(request, public_id) -> Claim:
    """Claims the user may not see are a 404, not a 403: don't reveal they exist."""
    claims = Claim.objects.visible_to(request.user).select_related(
        "contributor", "project", "participation__activity", "entered_by", "decided_by"
    )
    return get_object_or_404(claims, public_id=public_id)


# --- Contributors: their claims -----------------------------------------------------------------


CLAIMS_PAGE = 25


@login_required
def claim_list(request):
    user = request.user
    claims = Claim.objects.filter(Q(contributor=user) | Q(entered_by=user)).select_related(
        "participation__activity", "project", "contributor"
    )
    participations = selectors.claimable_participations(user)
    claims, query = paginate(request, claims.order_by("-created_at", "-pk"), per_page=CLAIMS_PAGE)
    today = timezone.localdate()
    for claim in claims:
        claim.expected_on = benefits.expected_payment_on(claim, today)
    return render(
        request,
        "payments/claim_list.html",
        {
            "claims": claims,
            "query": query,
            "start_form": StartClaimForm(participations=participations) if participations else None,
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
        "over_budget": can_decide and selectors.would_exceed_budget(claim),
        "spend": selectors.project_spend(project=claim.project) if can_decide else None,
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
    except services.ClaimError as exc:
        form.add_error(None, str(exc))
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


# --- Coordinators: the approval queue ------------------------------------------------------------


QUEUE_PAGE = 50


@login_required
def claim_queue(request):
    """Waiting claims, oldest first, a page at a time; flags and the right to decide are worked
    out once per page, not once per row."""
    user = request.user
    if not permissions.can_view_queue(user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None, user=user)
    claims = (
        Claim.objects.visible_to(user)
        .with_flags()
        .select_related("contributor", "project", "participation__activity", "entered_by")
    )
    claims = claims.filter(project__in=Project.objects.managed_by(user))
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["project"]:
            claims = claims.filter(project=form.cleaned_data["project"])
        if form.cleaned_data["person"]:
            claims = claims.filter(contributor__name__icontains=form.cleaned_data["person"])
        if form.cleaned_data["waiting_for_me"]:
            claims = claims.filter(pk__in=Claim.objects.awaiting_decision_by(user).values("pk"))
    if status != "all":
        claims = claims.filter(status=status or ClaimStatus.SUBMITTED)
    claims = claims.order_by(F("submitted_at").asc(nulls_last=True), "pk")
    page = Paginator(claims, QUEUE_PAGE).get_page(request.GET.get("page"))
    decidable = permissions.decidable_claim_ids(user, page.object_list)
    select_all = request.GET.get("select") == "all"
    rows = []
    for c in page.object_list:
        flagged = c.has_duplicate_receipt or c.is_over_budget
        selectable = c.pk in decidable and c.status == ClaimStatus.SUBMITTED and not flagged
        rows.append(
            {"claim": c, "selectable": selectable, "flagged": flagged, "checked": selectable and select_all}
        )
    query = request.GET.copy()
    query.pop("select", None)
    filters = query.copy()
    filters.pop("page", None)
    return render(
        request,
        "payments/claim_queue.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filters": filters.urlencode(),
            "any_selectable": any(r["selectable"] for r in rows),
            "select_all": select_all,
        },
    )


@login_required
@require_POST
def claim_bulk_approve(request):
    user = request.user
    if not permissions.can_view_queue(user):
        raise PermissionDenied
    ids = request.POST.getlist("claims")
    claims = list(Claim.objects.visible_to(user).filter(public_id__in=_uuids(ids)))
    if not claims:
        messages.error(request, "Choose at least one claim to approve.")
        return redirect("payments:claim_queue")
    done, problems = services.bulk_approve(approver=user, claims=claims)
    if done:
        messages.success(request, f"{len(done)} claim{'s' if len(done) != 1 else ''} approved.")
    for project in {c.project for c in done}:
        if selectors.project_spend(project=project)["remaining"] < 0:
            messages.warning(request, f"{project.title} is now over its involvement budget.")
    for problem in problems:
        messages.error(request, problem)
    return redirect("payments:claim_queue")


def _uuids(values):
    import uuid

    out = []
    for v in values:
        try:
            out.append(uuid.UUID(v))
        except ValueError:
            continue
    return out


# --- Managers: paying and the finance export ----------------------------------------------------


PAYING_PAGE = 50


def _payable():
    """Approved claims that owe money, with how each is paid; £0.00 claims never join a run,
    nor a claim whose contributor asked not to be paid before a later date."""
    today = timezone.localdate()
    return (
        Claim.objects.filter(status=ClaimStatus.APPROVED, total__gt=0)
        .filter(Q(pay_after__isnull=True) | Q(pay_after__lte=today))
        .with_payment_route()
        .select_related("contributor", "project", "participation__activity")
    )


@login_required
def payment_list(request):
    """Approved claims, longest-approved first, a page at a time. Nothing is ticked until the
    person ticks it (or asks to select the whole page); the next step shows what was chosen."""
    user = request.user
    if not permissions.can_pay_claims(user):
        raise PermissionDenied
    claims = _payable().order_by(F("decided_at").asc(nulls_first=True), "pk")
    page = Paginator(claims, PAYING_PAGE).get_page(request.GET.get("page"))
    select_all = request.GET.get("select") == "all"
    rows = [
        {
            "claim": c,
            "payable": c.pays_by_vouchers or c.has_bank_details,
            "checked": select_all and (c.pays_by_vouchers or c.has_bank_details),
        }
        for c in page.object_list
    ]
    return render(
        request,
        "payments/payment_list.html",
        {
            "rows": rows,
            "page": page,
            "select_all": select_all,
            "zero_claims": Claim.objects.filter(status=ClaimStatus.APPROVED, total=0).count(),
            "later_claims": Claim.objects.filter(
                status=ClaimStatus.APPROVED, total__gt=0, pay_after__gt=timezone.localdate()
            ).count(),
            "batches": PaymentBatch.objects.select_related("created_by")[:20],
            # Other things paid from this page's role (a partner organisation's invoices).
            "paying_links": dashboard.links_for(user, "paying"),
            "timing": selectors.time_to_pay(),
            "spend": selectors.project_spend(),
        },
    )


@login_required
@require_POST
def claims_pay(request):
    """Step 2 of a payment run. Without `confirm`: show the count and total of what was ticked,
    split into bank transfers and vouchers, and ask for the date and references. With it:
    record the run."""
    user = request.user
    if not permissions.can_pay_claims(user):
        raise PermissionDenied
    chosen = list(_payable().filter(public_id__in=_uuids(request.POST.getlist("claims"))).order_by("pk"))
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
    from contributors.models import Contributor
    from contributors.services import reveal_bank_details_many

    claims = batch.claims.select_related("contributor", "project").order_by("contributor__name", "pk")
    response, writer = csv_download(f"payment-run-{batch.paid_on:%Y-%m-%d}.csv")
    writer.writerow(
        [
            "payee",
            # Tells two payees with the same name apart (portal.people.hint).
            "payee_hint",
            "claim",
            "project",
            "method",
            "fee",
            "expenses",
            "total",
            "account_name",
            "sort_code",
            "account_number",
            "paid_on",
            "reference",
        ]
    )
    claims = list(claims)
    # One query for the profiles and one for the bank details of the whole run, not per claim.
    profiles = {
        c.user_id: c
        for c in Contributor.objects.filter(
            user__in={claim.contributor_id for claim in claims}
        ).select_related("user")
    }
    # Vouchers if chosen on the claim or the profile; otherwise a bank transfer, which also
    # repays the expenses of someone who declined the fee.
    method = batch.method
    banks = {}
    if method == "bank_transfer":
        banks = reveal_bank_details_many(
            actor=request.user,
            contributors=list({p.pk: p for p in profiles.values()}.values()),
            reason=f"finance export {batch.reference}",
        )
    for claim in claims:
        profile = profiles.get(claim.contributor_id)
        bank = banks.get(profile.pk, {}) if profile else {}
        writer.writerow(
            [
                claim.contributor.name,
                person_hint(claim.contributor),
                claim.reference,
                claim.project.title,
                method,
                f"{claim.fee_total:.2f}",
                f"{claim.expense_total:.2f}",
                f"{claim.total:.2f}",
                bank.get("account_name", ""),
                bank.get("sort_code", ""),
                bank.get("account_number", ""),
                batch.paid_on.isoformat(),
                batch.reference,
            ]
        )
    services.record_finance_export(actor=request.user, batch=batch, rows=len(claims))
    return response


# --- Managers: rate cards ------------------------------------------------------------------------


def _require_ratecards(request):
    if not permissions.can_manage_ratecards(request.user):
        raise PermissionDenied


@login_required
def ratecard_list(request):
    _require_ratecards(request)
    today = timezone.localdate()
    return render(
        request,
        "payments/ratecard_list.html",
        {
            "cards": RateCard.objects.prefetch_related("rows"),
            "in_force": services.rate_card_in_force(today),
            "today": today,
        },
    )


@login_required
def ratecard_create(request):
    _require_ratecards(request)
    form = RateCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = services.create_rate_card(actor=request.user, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Rate card saved.")
            return redirect("payments:ratecard_detail", public_id=card.public_id)
    return render(request, "payments/ratecard_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def ratecard_detail(request, public_id, uplift=None, retire=None, status=200):
    _require_ratecards(request)
    card = get_object_or_404(RateCard, public_id=public_id)
    return render(
        request,
        "payments/ratecard_detail.html",
        {
            "card": card,
            "rows": card.rows.all(),
            "uplift": uplift or UpliftForm(),
            "retire": retire or RetireForm(),
            "has_errors": bool((uplift and uplift.errors) or (retire and retire.errors)),
        },
        status=status,
    )


@login_required
@require_POST
def ratecard_uplift(request, public_id):
    _require_ratecards(request)
    card = get_object_or_404(RateCard, public_id=public_id)
    form = UpliftForm(request.POST)
    if form.is_valid():
        try:
            new = services.uplift_rate_card(actor=request.user, card=card, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form, field="effective_from")
        else:
            messages.success(request, "Uplifted card saved.")
            return redirect("payments:ratecard_detail", public_id=new.public_id)
    return ratecard_detail(request, public_id, uplift=form, status=400)


@login_required
@require_POST
def ratecard_retire(request, public_id):
    _require_ratecards(request)
    card = get_object_or_404(RateCard, public_id=public_id)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.retire_rate_card(actor=request.user, card=card, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form, field="retired_on")
        else:
            messages.success(request, "Rate card retired.")
            return redirect("payments:ratecard_detail", public_id=card.public_id)
    return ratecard_detail(request, public_id, retire=form, status=400)


# --- Managers: benefit limits -------------------------------------------------------------------


BENEFIT_RULES_PAGE = 50


def _require_benefit_rules(request):
    if not permissions.can_manage_benefit_rules(request.user):
        raise PermissionDenied


@login_required
def benefitrule_list(request):
    """Every dated limit, a page at a time, and which one is in force today for each benefit."""
    _require_benefit_rules(request)
    today = timezone.localdate()
    rules = BenefitRule.objects.select_related("created_by").order_by("benefit", "-applies_from", "-pk")
    page = Paginator(rules, BENEFIT_RULES_PAGE).get_page(request.GET.get("page"))
    in_force = {}
    for rule in BenefitRule.objects.filter(applies_from__lte=today).order_by("benefit", "-applies_from"):
        in_force.setdefault(rule.benefit, rule.pk)
    return render(
        request,
        "payments/benefitrule_list.html",
        {"page": page, "in_force": set(in_force.values()), "today": today},
    )


@login_required
def benefitrule_create(request):
    """Add a limit from a date; `?from=<rule>` starts from an existing row (a new April figure)."""
    _require_benefit_rules(request)
    initial = {}
    based_on = request.GET.get("from")
    if based_on:
        base = BenefitRule.objects.filter(public_id__in=_uuids([based_on])).first()
        if base is not None:
            initial = {
                "benefit": base.benefit,
                "period": base.period,
                "limit": base.limit,
                "source": base.source,
            }
    form = BenefitRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_benefit_rule(actor=request.user, **form.cleaned_data)
        except services.BenefitRuleError as exc:
            form.add_error("applies_from", str(exc))
        else:
            messages.success(request, "Benefit limit saved.")
            return redirect("payments:benefitrule_list")
    return render(
        request, "payments/benefitrule_form.html", {"form": form}, status=400 if form.errors else 200
    )


# --- The Jobcentre letter -----------------------------------------------------------------------


@login_required
def jobcentre_letter(request):
    """A letter for the contributor's work coach about what they were paid this tax year."""
    if not request.user.is_contributor:
        raise PermissionDenied
    return _letter_pdf(request.user)


@login_required
def jobcentre_letter_for(request, person_id):
    """The same letter, printed by the coordinator who claims for an offline contributor."""
    from portal.models import User

    person = get_object_or_404(User, public_id=person_id)
    if not permissions.can_view_statement_of(request.user, person):
        raise Http404
    return _letter_pdf(person)


def _letter_pdf(person):
    today = timezone.localdate()
    data = selectors.statement(contributor=person, year=selectors.current_tax_year(today), with_benefit=False)
    return pdf_response(
        render_jobcentre_letter_pdf(data, today=today, contact=selectors.organisation_contact()),
        f"letter-about-payments-{today:%Y-%m-%d}.pdf",
    )


# --- Statements ---------------------------------------------------------------------------------


def _year(request, year=None) -> int:
    today = timezone.localdate()
    value = year if year is not None else request.GET.get("year")
    try:
        chosen = int(value) if value else selectors.current_tax_year(today)
    except ValueError:
        chosen = selectors.current_tax_year(today)
    if not 2000 <= chosen <= today.year + 1:
        raise Http404
    return chosen


@login_required
def statement(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    year = _year(request)
    today = timezone.localdate()
    return render(
        request,
        "payments/statement.html",
        {
            "s": selectors.statement(contributor=request.user, year=year),
            "years": selectors.tax_years_with_claims(request.user, today),
            "today": today,
            "contact": selectors.organisation_contact(),
        },
    )


@login_required
def statement_pdf(request, year):
    if not request.user.is_contributor:
        raise PermissionDenied
    return _statement_pdf(request.user, _year(request, year))


@login_required
def statement_for(request, person_id, year):
    """A contributor's statement PDF for a manager, or for the coordinator who claims for an
    offline contributor and posts it to them."""
    from portal.models import User

    person = get_object_or_404(User, public_id=person_id)
    if not permissions.can_view_statement_of(request.user, person):
        raise Http404
    return _statement_pdf(person, _year(request, year), with_benefit=False)


def _statement_pdf(person, year, with_benefit=True):
    data = selectors.statement(contributor=person, year=year, with_benefit=with_benefit)
    return pdf_response(render_statement_pdf(data, person=person), f"payment-statement-{data.label}.pdf")
