from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payments import selectors as payments_selectors
from payments.models import ClaimStatus
from portal.downloads import csv_download, pdf_response
from portal.errors import PortalError, show_error
from portal.lookups import get_by_public_id_or_404, public_ids
from portal.models import Project
from portal.pagination import PAGE_SIZE, paginate
from portal.pdf import render_pdf

from . import permissions, selectors, services
from .forms import (
    AnswerForm,
    ContactForm,
    FeedbackForm,
    IntroductionForm,
    InvoiceDecisionForm,
    InvoiceForm,
    LinkForm,
    PartnerForm,
    PayRunForm,
    StartAssessmentForm,
)
from .models import (
    Assessment,
    Introduction,
    Partner,
    PartnerContact,
    PartnerFeedback,
    PartnerInvoice,
    PartnerLink,
    PartnerPayRun,
)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _get_partner(request, public_id) -> Partner:
    """Partners the user may not see are a 404, not a 403: don't reveal they exist."""
    if not permissions.can_view_partners(request.user):
        raise PermissionDenied
    return get_object_or_404(Partner.objects.visible_to(request.user), public_id=public_id)


def _managing(request) -> None:
    if not permissions.can_manage_partners(request.user):
        raise PermissionDenied


# --- Partners ----------------------------------------------------------------------------------


@login_required
def partner_list(request):
    if not permissions.can_view_partners(request.user):
        raise PermissionDenied
    partners = Partner.objects.visible_to(request.user)
    return render(
        request,
        "partners/partner_list.html",
        {
            "page": _page(request, partners),
            "can_manage": permissions.can_manage_partners(request.user),
            "can_see_reach": permissions.can_view_organisation_reach(request.user),
            "can_pay": permissions.can_pay_claims(request.user),
        },
    )


@login_required
def partner_create(request):
    _managing(request)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.create_partner(actor=request.user, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form, field="name")
        else:
            messages.success(request, f"{partner} added.")
            return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(request, "partners/partner_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def partner_edit(request, public_id):
    partner = _get_partner(request, public_id)
    _managing(request)
    initial = {f: getattr(partner, f) for f in services.PARTNER_FIELDS}
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner(actor=request.user, partner=partner, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form, field="name")
        else:
            messages.success(request, "Partner saved.")
            return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
def partner_detail(request, public_id):
    partner = _get_partner(request, public_id)
    user = request.user
    # managed_by is every project for a manager and a coordinator's own.
    links = partner.links.select_related("project", "activity").filter(
        project__in=Project.objects.managed_by(user)
    )
    invoices = PartnerInvoice.objects.visible_to(user).filter(partner=partner).select_related("project")
    feedback = (
        PartnerFeedback.objects.visible_to(user)
        .filter(partner=partner)
        .select_related("project", "written_by")
    )
    reach = selectors.reach_by_partner(partners=Partner.objects.filter(pk=partner.pk))[0]
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "links": links,
            "invoices": invoices[:10],
            "feedback": feedback[:10],
            "reach": reach,
            "can_manage": permissions.can_manage_partners(user),
            # Links are already limited to projects this person runs; the service checks again.
            "can_invoice": permissions.can_enter_invoices(user) and links.exists(),
        },
    )


@login_required
def contact_add(request, public_id):
    partner = _get_partner(request, public_id)
    _managing(request)
    form = ContactForm(request.POST or None, initial={"receives_feedback": True})
    if request.method == "POST" and form.is_valid():
        services.add_contact(actor=request.user, partner=partner, **form.cleaned_data)
        messages.success(request, "Contact added.")
        return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def contact_remove(request, public_id):
    _managing(request)
    contact = get_object_or_404(PartnerContact.objects.select_related("partner"), public_id=public_id)
    partner = services.remove_contact(actor=request.user, contact=contact)
    messages.success(request, "Contact removed.")
    return redirect("partners:partner_detail", public_id=partner.public_id)


@login_required
def link_add(request, public_id):
    partner = _get_partner(request, public_id)
    _managing(request)
    form = LinkForm(request.POST or None, user=request.user, initial={"project": request.GET.get("project")})
    if request.method == "POST" and form.is_valid():
        try:
            services.link_partner(actor=request.user, partner=partner, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"{partner} linked to {form.cleaned_data['project']}.")
            return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(
        request,
        "partners/link_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def link_remove(request, public_id):
    _managing(request)
    link = get_object_or_404(
        PartnerLink.objects.select_related("partner", "project", "activity"), public_id=public_id
    )
    partner = services.unlink_partner(actor=request.user, link=link)
    messages.success(request, "Link removed.")
    return redirect("partners:partner_detail", public_id=partner.public_id)


# --- Invoices ----------------------------------------------------------------------------------


def _get_invoice(request, public_id) -> PartnerInvoice:
    if not permissions.can_view_partners(request.user):
        raise PermissionDenied
    invoices = PartnerInvoice.objects.visible_to(request.user).select_related(
        "partner", "project", "activity", "submitted_by", "decided_by", "pay_run"
    )
    return get_object_or_404(invoices, public_id=public_id)


@login_required
def invoice_add(request, public_id):
    partner = _get_partner(request, public_id)
    form = InvoiceForm(request.POST or None, partner=partner, user=request.user)
    if not form.fields["project"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.enter_invoice(actor=request.user, partner=partner, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"Invoice {invoice.reference} entered. Someone else approves it.")
            return redirect("partners:invoice_detail", public_id=invoice.public_id)
    return render(
        request,
        "partners/invoice_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
def invoice_list(request):
    if not permissions.can_view_partners(request.user):
        raise PermissionDenied
    invoices = PartnerInvoice.objects.visible_to(request.user).select_related("partner", "project")
    waiting = request.GET.get("status", "submitted") != "all"
    if waiting:
        invoices = invoices.awaiting_decision()
    return render(
        request,
        "partners/invoice_list.html",
        {"page": _page(request, invoices), "waiting": waiting, "query": "" if waiting else "status=all"},
    )


@login_required
def invoice_detail(request, public_id):
    invoice = _get_invoice(request, public_id)
    can_decide = invoice.status == ClaimStatus.SUBMITTED and permissions.can_decide_invoice(
        request.user, invoice
    )
    can_correct = invoice.status == ClaimStatus.RETURNED and permissions.can_enter_invoice(
        request.user, invoice.partner, invoice.project
    )
    spend = payments_selectors.project_spend(project=invoice.project) if can_decide else None
    return render(
        request,
        "partners/invoice_detail.html",
        {
            "invoice": invoice,
            "events": invoice.events.select_related("actor"),
            "form": InvoiceDecisionForm() if can_decide else None,
            # The same warning a claim's decider sees: the invoice is spent against the budget too.
            "over_budget": can_decide
            and payments_selectors.would_exceed_budget(invoice.project, invoice.amount, spend),
            "spend": spend,
            "can_correct": can_correct,
            "returned": (
                invoice.events.filter(to_status=ClaimStatus.RETURNED).select_related("actor").last()
                if can_correct
                else None
            ),
        },
    )


@login_required
@require_POST
def invoice_decide(request, public_id):
    invoice = _get_invoice(request, public_id)
    if not permissions.can_decide_invoice(request.user, invoice):
        raise PermissionDenied
    form = InvoiceDecisionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "partners/invoice_detail.html",
            {"invoice": invoice, "events": invoice.events.select_related("actor"), "form": form},
            status=400,
        )
    decision, note = form.cleaned_data["decision"], form.cleaned_data["reason"]
    try:
        if decision == "return":
            services.return_invoice(actor=request.user, invoice=invoice, note=note)
        else:
            services.decide_invoice(
                actor=request.user, invoice=invoice, approve=decision == "approve", note=note
            )
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            f"Returned to {invoice.submitted_by} to correct."
            if decision == "return"
            else "Decision recorded.",
        )
    return redirect("partners:invoice_detail", public_id=invoice.public_id)


@login_required
def invoice_correct(request, public_id):
    """Correct a returned invoice, starting from what was entered, and send it back."""
    invoice = _get_invoice(request, public_id)
    if invoice.status != ClaimStatus.RETURNED or not permissions.can_enter_invoice(
        request.user, invoice.partner, invoice.project
    ):
        raise PermissionDenied
    initial = {
        "project": invoice.project,
        "activity": invoice.activity,
        "invoice_reference_text": invoice.invoice_reference,
        "description": invoice.description,
        "invoiced_on": invoice.invoiced_on,
        "amount": invoice.amount,
    }
    form = InvoiceForm(request.POST or None, initial=initial, partner=invoice.partner, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_invoice(actor=request.user, invoice=invoice, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(
                request, f"Invoice {invoice.reference} corrected. Someone else decides it again."
            )
            return redirect("partners:invoice_detail", public_id=invoice.public_id)
    return render(
        request,
        "partners/invoice_form.html",
        {"form": form, "partner": invoice.partner, "invoice": invoice},
        status=400 if form.errors else 200,
    )


@login_required
def paying(request):
    """Approved invoices to pay, and the organisations' runs so far with their finance export."""
    if not permissions.can_pay_claims(request.user):
        raise PermissionDenied
    approved = PartnerInvoice.objects.filter(status=ClaimStatus.APPROVED).select_related("partner", "project")
    form = PayRunForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        chosen = list(approved.filter(public_id__in=public_ids(request.POST.getlist("invoices"))))
        try:
            run = services.pay_invoices(actor=request.user, invoices=chosen, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request,
                f"Run {run.reference}: {len(chosen)} invoice{'s' if len(chosen) != 1 else ''} marked paid.",
            )
            return redirect("partners:paying")
    # Both lists page, each keeping the other's page in its links: the runs had stopped at the
    # newest twenty, so older runs' finance exports could not be reached.
    page, query = paginate(request, approved.order_by("decided_at", "pk"))
    runs, runs_query = paginate(
        request,
        # Ordered here: a model's own ordering is dropped from a query that groups (the total).
        PartnerPayRun.objects.select_related("created_by")
        .annotate(total=Sum("invoices__amount"))
        .order_by("-paid_on", "-pk"),
        param="runs_page",
    )
    return render(
        request,
        "partners/paying.html",
        {
            "page": page,
            "query": query,
            "form": form,
            "runs": runs,
            "runs_query": runs_query,
            "can_export": permissions.can_export_finance(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def run_export(request, public_id):
    """The finance export's organisations section: supplier, their invoice, our reference, amount."""
    if not permissions.can_export_finance(request.user):
        raise PermissionDenied
    run = get_object_or_404(PartnerPayRun, public_id=public_id)
    invoices = run.invoices.select_related("partner", "project").order_by("partner__name", "pk")
    response, writer = csv_download(f"organisations-run-{run.paid_on:%Y-%m-%d}.csv")
    writer.writerow(
        [
            "section",
            "supplier",
            "supplier_invoice",
            "our_reference",
            "project",
            "amount",
            "paid_on",
            "run_reference",
        ]
    )
    for i in invoices:
        writer.writerow(
            [
                "organisations",
                i.partner.name,
                i.invoice_reference,
                i.reference,
                i.project.title,
                f"{i.amount:.2f}",
                run.paid_on.isoformat(),
                run.reference,
            ]
        )
    services.record_finance_export(actor=request.user, run=run, rows=len(invoices))
    return response


# --- Feedback to partners ------------------------------------------------------------------------


@login_required
def feedback_add(request, public_id):
    partner = _get_partner(request, public_id)
    form = FeedbackForm(request.POST or None, partner=partner, user=request.user)
    if not form.fields["project"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.give_partner_feedback(
                actor=request.user, partner=partner, **form.cleaned_data
            )
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            if feedback.sent_to:
                messages.success(
                    request,
                    f"Feedback sent to {len(feedback.sent_to)} contact{'s' if len(feedback.sent_to) != 1 else ''}.",
                )
            else:
                messages.warning(
                    request, "Feedback recorded. No contact has an email address: send it another way."
                )
            return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(
        request,
        "partners/feedback_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


# --- Reach -------------------------------------------------------------------------------------


@login_required
def reach(request):
    """How many people came through each partner; for managers, how their diversity compares."""
    if not permissions.can_view_partners(request.user):
        raise PermissionDenied
    project = None
    if request.GET.get("project"):
        project = get_by_public_id_or_404(Project.objects.managed_by(request.user), request.GET["project"])
    elif not permissions.can_view_organisation_reach(request.user):
        raise PermissionDenied
    partners = Partner.objects.visible_to(request.user)
    if project is not None:
        partners = partners.filter(links__project=project).distinct()
    show_diversity = project is not None or permissions.can_view_reach_diversity(request.user)
    return render(
        request,
        "partners/reach.html",
        {
            "project": project,
            "rows": selectors.reach_by_partner(partners=partners, project=project),
            "reached": selectors.people_reached(project).count(),
            "diversity": selectors.diversity_through_partners(project) if show_diversity else None,
        },
    )


# --- A contributor: who introduced me -----------------------------------------------------------


@login_required
def introduction(request):
    if not permissions.can_say_who_introduced_me(request.user):
        raise PermissionDenied
    current = Introduction.objects.filter(user=request.user).select_related("partner").first()
    form = IntroductionForm(
        request.POST or None,
        initial={"partner": current.partner if current else None, "consent": bool(current)},
    )
    if request.method == "POST" and form.is_valid():
        services.set_introduction(
            user=request.user, partner=form.cleaned_data["partner"], consent=form.cleaned_data["consent"]
        )
        messages.success(request, "Saved.")
        return redirect("partners:introduction")
    return render(
        request,
        "partners/introduction.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


# --- Self-assessment ---------------------------------------------------------------------------


def _get_assessment(request, public_id) -> Assessment:
    if not permissions.can_view_assessments(request.user):
        raise PermissionDenied
    assessments = Assessment.objects.visible_to(request.user).select_related(
        "framework", "project", "completed_by"
    )
    return get_object_or_404(assessments, public_id=public_id)


@login_required
def assessment_list(request):
    if not permissions.can_view_assessments(request.user):
        raise PermissionDenied
    assessments = Assessment.objects.visible_to(request.user).select_related("framework", "project")
    can_manage = permissions.can_manage_assessments(request.user)
    form = StartAssessmentForm(user=request.user, initial={"year": _this_year()}) if can_manage else None
    return render(
        request, "partners/assessment_list.html", {"page": _page(request, assessments), "form": form}
    )


def _this_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


@login_required
@require_POST
def assessment_start(request):
    if not permissions.can_manage_assessments(request.user):
        raise PermissionDenied
    form = StartAssessmentForm(request.POST, user=request.user)
    if not form.is_valid():
        assessments = Assessment.objects.visible_to(request.user).select_related("framework", "project")
        return render(
            request,
            "partners/assessment_list.html",
            {"page": _page(request, assessments), "form": form},
            status=400,
        )
    assessment = services.start_assessment(actor=request.user, **form.cleaned_data)
    return redirect("partners:assessment_detail", public_id=assessment.public_id)


def _rows(assessment) -> list[dict]:
    last = selectors.last_year_answers(assessment)
    return [
        {"answer": a, "standard": a.standard, "last": last.get(a.standard_id)}
        for a in assessment.answers.select_related("standard")
    ]


@login_required
def assessment_detail(request, public_id):
    assessment = _get_assessment(request, public_id)
    return render(
        request,
        "partners/assessment_detail.html",
        {
            "assessment": assessment,
            "rows": _rows(assessment),
            "can_manage": permissions.can_manage_assessments(request.user) and not assessment.completed_at,
        },
    )


@login_required
def answer_edit(request, public_id, order):
    assessment = _get_assessment(request, public_id)
    if not permissions.can_manage_assessments(request.user):
        raise PermissionDenied
    answer = get_object_or_404(assessment.answers.select_related("standard"), standard__order=order)
    form = AnswerForm(
        request.POST or None,
        initial={"rating": answer.rating, "working": answer.working, "improve": answer.improve},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answer(actor=request.user, answer=answer, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc)
        return redirect("partners:assessment_detail", public_id=assessment.public_id)
    last = selectors.last_year_answers(assessment).get(answer.standard_id)
    return render(
        request,
        "partners/answer_form.html",
        {"assessment": assessment, "answer": answer, "form": form, "last": last},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def assessment_refresh(request, public_id):
    assessment = _get_assessment(request, public_id)
    try:
        services.refresh_evidence(actor=request.user, assessment=assessment)
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "Figures filled in again from the portal's records.")
    return redirect("partners:assessment_detail", public_id=assessment.public_id)


@login_required
@require_POST
def assessment_complete(request, public_id):
    assessment = _get_assessment(request, public_id)
    try:
        services.complete_assessment(actor=request.user, assessment=assessment)
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "Assessment completed.")
    return redirect("partners:assessment_detail", public_id=assessment.public_id)


def _filename(assessment, ext: str) -> str:
    scope = "organisation" if assessment.project_id is None else f"project-{assessment.project.pk}"
    return f"{assessment.framework.slug}-{scope}-{assessment.year}.{ext}"


@login_required
def assessment_pdf(request, public_id):
    assessment = _get_assessment(request, public_id)
    pdf = render_pdf("pdf/partners_assessment.html", {"assessment": assessment, "rows": _rows(assessment)})
    return pdf_response(pdf, _filename(assessment, "pdf"))


@login_required
def assessment_csv(request, public_id):
    assessment = _get_assessment(request, public_id)
    response, writer = csv_download(_filename(assessment, "csv"))
    writer.writerow(
        [
            "framework",
            "for",
            "year",
            "standard",
            "rating",
            "last_year_rating",
            "what_is_working",
            "what_to_improve",
            "evidence",
        ]
    )
    for row in _rows(assessment):
        a, last = row["answer"], row["last"]
        writer.writerow(
            [
                assessment.framework.name,
                assessment.scope_label,
                assessment.period_label,
                row["standard"].title,
                a.get_rating_display(),
                last.get_rating_display() if last else "",
                a.working,
                a.improve,
                "; ".join(f"{label}: {value}" for label, value in a.evidence),
            ]
        )
    return response
