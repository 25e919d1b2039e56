"""Opportunities: listing, showing, editing, approving and closing them, and expressions of interest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.errors import PortalError, show_error

from .. import forms, permissions, selectors, services
from ..models import Contributor, ExpressionOfInterest, InterestStatus, Opportunity, OpportunityStatus
from ._common import _get_project, _own_profile, _render


def _get_opportunity(request, public_id) -> Opportunity:
    opportunities = Opportunity.objects.visible_to(request.user).select_related("project")
    return get_object_or_404(opportunities, public_id=public_id)


@login_required
def opportunity_list(request):
    user = request.user
    live = Opportunity.objects.live().select_related("project")
    topics = sorted(set(live.values_list("topic", flat=True)))
    form = forms.OpportunityFilterForm(request.GET or None, topics=topics)
    if form.is_valid():
        for name in ("topic", "mode", "time_commitment"):
            if form.cleaned_data.get(name):
                live = live.filter(**{name: form.cleaned_data[name]})
    mine = set(
        ExpressionOfInterest.objects.filter(contributor=user)
        .exclude(status=InterestStatus.WITHDRAWN)
        .values_list("opportunity_id", flat=True)
    )
    managed = (
        Opportunity.objects.managed_by(user)
        .select_related("project")
        .annotate(waiting=Count("interests", filter=Q(interests__status=InterestStatus.INTERESTED)))
        .order_by("-closes_on")
    )
    pending = (
        Opportunity.objects.filter(status=OpportunityStatus.PENDING).select_related("project")
        if permissions.can_approve_opportunity(user)
        else []
    )
    return render(
        request,
        "contributors/opportunity_list.html",
        {"opportunities": live, "form": form, "mine": mine, "managed": managed, "pending": pending},
    )


@login_required
def opportunity_detail(request, public_id):
    opportunity = _get_opportunity(request, public_id)
    interest = ExpressionOfInterest.objects.filter(opportunity=opportunity, contributor=request.user).first()
    can_express = permissions.can_express_interest(request.user, opportunity, request.user) and (
        interest is None or interest.status == InterestStatus.WITHDRAWN
    )
    return render(
        request,
        "contributors/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "interest": interest,
            "form": forms.InterestForm() if can_express else None,
            "can_manage": permissions.can_manage_opportunity(request.user, opportunity),
            "can_approve": opportunity.status == OpportunityStatus.PENDING
            and permissions.can_approve_opportunity(request.user, opportunity),
        },
    )


@login_required
@require_POST
def interest_express(request, public_id):
    opportunity = _get_opportunity(request, public_id)
    if not request.user.is_contributor:
        raise PermissionDenied
    if _own_profile(request) is None:
        messages.error(request, "Please complete your profile first, so we know how to reach you.")
        return redirect("contributors:profile_complete")
    form = forms.InterestForm(request.POST)
    if form.is_valid():
        try:
            services.express_interest(
                actor=request.user, opportunity=opportunity, contributor=request.user, **form.cleaned_data
            )
            messages.success(request, "Thank you. The coordinator will let you know the outcome.")
        except PortalError as exc:
            show_error(request, exc)
    return redirect("contributors:opportunity_detail", public_id=opportunity.public_id)


@login_required
@require_POST
def interest_withdraw(request, public_id):
    interest = get_object_or_404(
        ExpressionOfInterest.objects.select_related("opportunity", "contributor"), public_id=public_id
    )
    if interest.contributor_id != request.user.pk:
        profile = Contributor.objects.profile_of(interest.contributor)
        if not (profile and permissions.can_act_for(request.user, profile)):
            raise Http404
    try:
        services.withdraw_interest(actor=request.user, interest=interest)
        messages.success(request, "Interest withdrawn.")
    except PortalError as exc:
        show_error(request, exc)
    return redirect("contributors:opportunity_detail", public_id=interest.opportunity.public_id)


@login_required
def opportunity_create(request, project_id):
    project = _get_project(request, project_id)
    if not permissions.can_publish_opportunity(request.user, project):
        raise PermissionDenied
    form = forms.OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.publish_opportunity(
                actor=request.user, project=project, **form.cleaned_data
            )
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            if opportunity.status == OpportunityStatus.PENDING:
                messages.success(request, "Opportunity saved. A manager will approve it before it goes live.")
            else:
                messages.success(request, "Opportunity published.")
            return redirect("contributors:opportunity_detail", public_id=opportunity.public_id)
    return _render(request, "contributors/opportunity_form.html", {"form": form, "project": project}, form)


@login_required
def opportunity_edit(request, public_id):
    opportunity = _get_opportunity(request, public_id)
    if not permissions.can_manage_opportunity(request.user, opportunity):
        raise PermissionDenied
    initial = {f: getattr(opportunity, f) for f in services.OPPORTUNITY_FIELDS}
    form = forms.OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_opportunity(actor=request.user, opportunity=opportunity, **form.cleaned_data)
        messages.success(request, "Opportunity saved.")
        return redirect("contributors:opportunity_detail", public_id=opportunity.public_id)
    return _render(
        request,
        "contributors/opportunity_form.html",
        {"form": form, "project": opportunity.project, "opportunity": opportunity},
        form,
    )


@login_required
@require_POST
def opportunity_approve(request, public_id):
    opportunity = _get_opportunity(request, public_id)
    if not permissions.can_approve_opportunity(request.user, opportunity):
        raise PermissionDenied
    try:
        services.approve_opportunity(actor=request.user, opportunity=opportunity)
        messages.success(request, "Opportunity approved: contributors can now see it.")
    except PortalError as exc:
        show_error(request, exc)
    return redirect("contributors:opportunity_detail", public_id=opportunity.public_id)


@login_required
@require_POST
def opportunity_close(request, public_id):
    opportunity = _get_opportunity(request, public_id)
    if not permissions.can_manage_opportunity(request.user, opportunity):
        raise PermissionDenied
    services.close_opportunity(actor=request.user, opportunity=opportunity)
    messages.success(request, "Opportunity closed.")
    return redirect("contributors:opportunity_detail", public_id=opportunity.public_id)


@login_required
def opportunity_interests(request, public_id):
    """The people who expressed interest, an anonymous diversity picture, and the choice."""
    opportunity = _get_opportunity(request, public_id)
    if not permissions.can_manage_opportunity(request.user, opportunity):
        raise PermissionDenied
    interests = opportunity.interests.select_related("contributor", "contributor__contributor", "entered_by")
    waiting = interests.filter(status=InterestStatus.INTERESTED)
    form = forms.SelectCandidatesForm(
        request.POST or None,
        interests=waiting,
        initial={
            "starts_on": timezone.localdate(),
            "payment_offered": opportunity.payment_offered,
            "frequency": opportunity.time_commitment_detail or opportunity.get_time_commitment_display(),
            "expectations": opportunity.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        selected = list(data.pop("selected"))
        try:
            assignments = services.select_candidates(
                actor=request.user, opportunity=opportunity, selected=selected, **data
            )
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(
                request,
                f"{len(assignments)} chosen. Everyone who expressed interest has been told the outcome.",
            )
            return redirect("portal:project_detail", public_id=opportunity.project.public_id)
    pool = [i.contributor for i in interests.exclude(status=InterestStatus.WITHDRAWN)]
    comparison = selectors.diversity_comparison(
        pool=pool, group=selectors.current_group(opportunity.project), key=str(opportunity.public_id)
    )
    interests = list(interests)
    # What each person still waiting lacks for the role (a DBS check, say), shown beside them.
    missing = selectors.role_warnings(
        people=[i.contributor for i in interests if i.status == InterestStatus.INTERESTED],
        project=opportunity.project,
        role_type=opportunity.role_type,
    )
    for i in interests:
        i.missing_checks = missing.get(i.contributor_id, []) if i.status == InterestStatus.INTERESTED else []
    return _render(
        request,
        "contributors/opportunity_interests.html",
        {
            "opportunity": opportunity,
            "interests": interests,
            "form": form if waiting else None,
            "comparison": comparison,
        },
        form,
    )
