"""Coordinators: the approval queue and deciding claims."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal import dashboard
from portal.compiled import Compiled
from portal.lookups import public_ids
from portal.models import Project
from portal.pagination import PAGE_SIZE
from portal.selectors import coordinated_projects

from .. import permissions, selectors, services
from ..forms import QueueFilterForm
from ..models import Claim, ClaimStatus, awaiting_second_approval, committed_by_project, over_budget
from . import rows as row_markup

# What a row of the queue shows and needs to decide whether it may be ticked: read as values
# (payments.selectors.listed), not as five model instances per row with every column.
_ROW = (
    "pk",
    *selectors.LISTED,
    *selectors.person_columns("contributor"),
    *selectors.person_columns("entered_by"),
    "project_id",
    "decided_by_id",
    "submitted_at",
    "has_duplicate_receipt",
)


def _in_queue_order(claims):
    """Oldest waiting first, with the duplicate-receipt flag each row shows: every page of the
    queue, compiled or not."""
    return claims.with_duplicate_receipt().order_by(F("submitted_at").asc(nulls_last=True), "pk")


def _first_page(*, projects=None):
    """The queue's first page as most visits ask for it (waiting claims, nothing narrowed but
    the projects), for `_FIRST_PAGE`: the query `_claims` builds for those filters."""
    claims = Claim.objects.all() if projects is None else Claim.objects.filter(project__in=projects)
    return _in_queue_order(claims.filter(status=ClaimStatus.SUBMITTED)).values_list(*_ROW)[:PAGE_SIZE]


# Compiled once a process and prepared once a connection (portal.compiled): building and
# compiling the page's five joins and the duplicate-receipt subquery cost the ORM about 3 ms,
# PostgreSQL planning it 2 ms, and running it 0.5 ms. Other pages and filters go through the ORM.
_FIRST_PAGE = Compiled(_first_page)


# Every project, for a manager (Project.objects.managed_by), compiled likewise: every visit reads them.
_EVERY_PROJECT = Compiled(lambda: Project.objects.values_list("pk", "title"))


def _managed_projects(user) -> dict[int, str]:
    """Project.objects.managed_by(user) as {key: title}, in its order (tests hold them equal)."""
    if user.is_manager:
        return dict(_EVERY_PROJECT.rows())
    if user.is_coordinator:
        return coordinated_projects(user)
    return {}


def _claims(user, coordinated: set | None, status: str, project, chosen: dict):
    """The queue's rows (as values) for any filters, through the ORM."""
    if coordinated is None:
        claims = Claim.objects.visible_to(user)
    else:
        claims = Claim.objects.filter(project__in=sorted(coordinated))
    if project:
        claims = claims.filter(project=project)
    if chosen.get("person"):
        claims = claims.filter(contributor__name__icontains=chosen["person"])
    if chosen.get("waiting_for_me"):
        claims = claims.filter(pk__in=Claim.objects.awaiting_decision_by(user).values("pk"))
    if status != "all":
        claims = claims.filter(status=status)
    return _in_queue_order(claims).values(*_ROW)


@login_required
def claim_queue(request):
    """Waiting claims, oldest first, a page at a time; flags and the right to decide are worked
    out once per page, not once per row."""
    user = request.user
    if not permissions.can_view_queue(user):
        raise PermissionDenied
    # The person's projects, read once: the filter's choices, each row's project title and, for
    # a coordinator, the list the claims are narrowed to. A list, not a subquery: with the
    # rows' joins PostgreSQL spent 6 ms planning the subquery's version of the page's query,
    # 2 ms this one (docs/performance.md). A manager manages every project, so there is nothing
    # to narrow. A coordinator's claims in those projects are all visible to them, so
    # visible_to's "or their own, or entered by them" adds nothing but makes the page's count
    # read every waiting claim's row (30 ms at 200,000 claims) instead of the (status, project)
    # index (docs/performance.md).
    projects = _managed_projects(user)
    form = QueueFilterForm(request.GET or None, user=user, projects=projects)
    coordinated = None if user.is_manager else set(projects)
    status, project, chosen = "", None, {}
    if form.is_valid():
        chosen = form.cleaned_data
        status, project = chosen["status"], chosen["project"]
    if status != "all":
        status = status or ClaimStatus.SUBMITTED
    figures = None
    if status == ClaimStatus.SUBMITTED and not (chosen.get("person") or chosen.get("waiting_for_me")):
        # The count of the page links from each project's waiting claims (a figure, the same
        # for everyone) rather than a COUNT of this person's: 3-5 ms at 200,000 claims. Asked
        # with the navigation's count in one round trip to the cache.
        with dashboard.page_figures(request, [("payments:queue", "")]):
            figures = selectors.queue_figures()
        waiting = figures["waiting"]
        scope = [project.pk] if project else (coordinated if coordinated is not None else waiting)
        paginator = Paginator((), PAGE_SIZE)
        paginator.count = sum(waiting.get(pk, 0) for pk in scope)
        page = paginator.get_page(request.GET.get("page"))
        # The rows as Paginator.page would slice them, the first page (most visits) compiled.
        bottom = (page.number - 1) * PAGE_SIZE
        if not paginator.count:
            page.object_list = []
        elif page.number > 1:
            claims = _claims(user, coordinated, status, project, chosen)
            page.object_list = claims[bottom : min(bottom + PAGE_SIZE, paginator.count)]
        elif project or coordinated is not None:
            found = _FIRST_PAGE.rows(projects=(project.pk,) if project else tuple(sorted(coordinated)))
            page.object_list = [dict(zip(_ROW, row, strict=True)) for row in found]
        else:
            page.object_list = [dict(zip(_ROW, row, strict=True)) for row in _FIRST_PAGE.rows()]
    else:
        page = Paginator(_claims(user, coordinated, status, project, chosen), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    page.object_list = selectors.listed(
        page.object_list, people=("contributor", "entered_by"), hints=("contributor",)
    )
    spend = {}
    if any(c["status"] == ClaimStatus.SUBMITTED for c in page.object_list):
        spend = figures["committed"] if figures else committed_by_project()
    for c in page.object_list:
        c["project"] = projects.get(c["project_id"], "")
        c["status_label"] = ClaimStatus(c["status"]).label
        c["second_approval"] = awaiting_second_approval(c["status"], c["decided_by_id"])
        c["over_budget"] = over_budget(spend, c["project_id"], c["status"], c["total"])
        c["flagged"] = c["has_duplicate_receipt"] or c["over_budget"]
    # Only a waiting claim with no warning can be ticked, so only those are asked about.
    tickable = [c for c in page.object_list if c["status"] == ClaimStatus.SUBMITTED and not c["flagged"]]
    decidable = permissions.decidable_claim_ids(user, tickable, coordinated=coordinated)
    select_all = request.GET.get("select") == "all"
    for c in page.object_list:
        c["selectable"] = c["pk"] in decidable
        c["checked"] = c["selectable"] and select_all
    query = request.GET.copy()
    query.pop("select", None)
    filters = query.copy()
    filters.pop("page", None)
    return render(
        request,
        "payments/claim_queue.html",
        {
            "form": form,
            "rows": page.object_list,
            "rows_html": row_markup.queue_rows(page.object_list),
            "page": page,
            "query": query.urlencode(),
            "filters": filters.urlencode(),
            "any_selectable": any(c["selectable"] for c in page.object_list),
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
