"""Coordinators: the approval queue and deciding claims."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.lookups import public_ids
from portal.models import Project
from portal.pagination import PAGE_SIZE

from .. import permissions, selectors, services
from ..forms import QueueFilterForm
from ..models import Claim, ClaimStatus


@login_required
def claim_queue(request):
    """Waiting claims, oldest first, a page at a time; flags and the right to decide are worked
    out once per page, not once per row."""
    user = request.user
    if not permissions.can_view_queue(user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None, user=user)
    # The projects as a list, not a subquery: with the rows' five joins PostgreSQL spent 6 ms
    # planning the subquery's version of this query, 2 ms this one (docs/performance.md). A
    # manager manages every project, so there is nothing to narrow. A coordinator's claims in
    # those projects are all visible to them, so visible_to's "or their own, or entered by
    # them" adds nothing but makes the page's count read every waiting claim's row (30 ms at
    # 200,000 claims) instead of the (status, project) index (docs/performance.md).
    coordinated = None
    if user.is_manager:
        claims = Claim.objects.visible_to(user)
    else:
        coordinated = set(Project.objects.managed_by(user).values_list("pk", flat=True))
        claims = Claim.objects.filter(project__in=sorted(coordinated))
    claims = claims.with_flags().select_related(
        "contributor", "project", "participation__activity", "entered_by"
    )
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
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    decidable = permissions.decidable_claim_ids(user, page.object_list, coordinated=coordinated)
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
    claims = list(Claim.objects.visible_to(user).filter(public_id__in=public_ids(ids)))
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
