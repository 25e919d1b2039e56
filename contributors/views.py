"""Contributor pages: profile, equality monitoring, roles, opportunities, offline people, data rights."""

from itertools import groupby

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.confirm import confirm_first
from portal.dashboard import panels_for
from portal.downloads import csv_download, pdf_response
from portal.errors import PortalError, show_error
from portal.forms import limit_picker
from portal.mfa import mfa_refusal, mfa_this_session
from portal.models import Project
from portal.pagination import paginate
from portal.pdf import render_pdf

from . import equality, forms, permissions, selectors, services
from .data_export import export_for, readable
from .models import (
    AccessNeed,
    BankDetailsChange,
    BenefitAnswer,
    ContactChannel,
    ContactTask,
    Contributor,
    ErasureRequest,
    ErasureStatus,
    ExpressionOfInterest,
    InterestStatus,
    Opportunity,
    OpportunityStatus,
    PendingStatus,
    RoleAssignment,
    TakeOverInvitation,
)


def _render(request, template, context, form=None):
    """Forms with errors come back with status 400."""
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


def _own_profile(request) -> Contributor:
    return Contributor.objects.profile_of(request.user)


def _require_profile(view):
    """Pages that need the person's contributor profile send them to complete it first."""

    def wrapper(request, *args, **kwargs):
        if _own_profile(request) is None:
            if not request.user.is_contributor:
                raise PermissionDenied
            return redirect("contributors:profile_complete")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- Joining and the profile --------------------------------------------------------------------


@login_required
def profile_complete(request):
    """The step after sign-up: how to reach them, what they need, the privacy notice."""
    if not request.user.is_contributor:
        raise PermissionDenied
    if _own_profile(request) is not None:
        return redirect("contributors:profile")
    form = forms.CompleteProfileForm(request.POST or None, initial={"contact_method": "email"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "agree_privacy"}
        try:
            services.complete_profile(
                user=request.user, agree_privacy=form.cleaned_data["agree_privacy"], **data
            )
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Thank you. Your profile is ready.")
            return redirect("contributors:profile")
    return _render(request, "contributors/profile_complete.html", {"form": form}, form)


@login_required
@_require_profile
def profile(request):
    contributor = _own_profile(request)
    return render(
        request,
        "contributors/profile_detail.html",
        {
            "contributor": contributor,
            "person": contributor.user,
            "bank": getattr(contributor, "bank_account", None),
            "has_equality": hasattr(request.user, "diversity_record"),
            "is_self": True,
            "panels": panels_for(request, "person", contributor),
            "bank_change": _pending(contributor)[0],
            "can_confirm_bank": True,
        },
    )


def _profile_form_view(request, contributor, *, template, done_url):
    if not permissions.can_edit_profile(request.user, contributor):
        raise PermissionDenied
    form = forms.ProfileForm(request.POST or None, initial=forms.ProfileForm.initial_for(contributor))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=request.user, contributor=contributor, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Profile saved.")
            return redirect(done_url)
    return _render(
        request,
        template,
        {"form": form, "contributor": contributor, "is_self": contributor.user_id == request.user.pk},
        form,
    )


@login_required
@_require_profile
def profile_edit(request):
    return _profile_form_view(
        request,
        _own_profile(request),
        template="contributors/profile_form.html",
        done_url="contributors:profile",
    )


def _payment_form_view(request, contributor, *, done_url):
    if not permissions.can_edit_profile(request.user, contributor):
        raise PermissionDenied
    form = forms.PaymentPreferencesForm(
        request.POST or None,
        initial={
            "payment_method": contributor.payment_method,
            "receives_benefits": contributor.receives_benefits,
            "is_public_sector_employee": contributor.is_public_sector_employee,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.set_payment_preferences(actor=request.user, contributor=contributor, **form.cleaned_data)
        messages.success(request, "Payment preferences saved.")
        return redirect(done_url)
    return _render(
        request,
        "contributors/payment_form.html",
        {
            "form": form,
            "contributor": contributor,
            "is_self": contributor.user_id == request.user.pk,
            "done_url": done_url,
        },
        form,
    )


@login_required
@_require_profile
def payment_edit(request):
    contributor = _own_profile(request)
    if (
        request.method == "POST"
        and request.POST.get("payment_method") == "bank_transfer"
        and not hasattr(contributor, "bank_account")
    ):
        response = _payment_form_view(request, contributor, done_url=reverse("contributors:bank_details"))
    else:
        response = _payment_form_view(request, contributor, done_url=reverse("contributors:profile"))
    return response


def _bank_form_view(request, contributor, *, done_url):
    if not permissions.can_edit_profile(request.user, contributor):
        raise PermissionDenied
    form = forms.BankDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = services.set_bank_details(actor=request.user, contributor=contributor, **form.cleaned_data)
        if isinstance(saved, BankDetailsChange):
            messages.success(
                request,
                f"Bank details entered ({saved.masked}). They are used only once another member of "
                f"staff, or {contributor.user.name}, confirms them. We have told {contributor.user.name}.",
            )
        else:
            messages.success(
                request, f"Bank details saved ({saved.masked}). We have sent a message to confirm."
            )
        return redirect(done_url)
    bank = getattr(contributor, "bank_account", None)
    return _render(
        request,
        "contributors/bank_form.html",
        {
            "form": form,
            "bank": bank,
            "contributor": contributor,
            "is_self": contributor.user_id == request.user.pk,
            "done_url": done_url,
        },
        form,
    )


@login_required
@_require_profile
@reauthentication_required
def bank_details(request):
    """Changing bank details needs a recent sign-in (allauth's re-authentication)."""
    return _bank_form_view(request, _own_profile(request), done_url=reverse("contributors:profile"))


# --- Equality monitoring ------------------------------------------------------------------------


@login_required
def equality_form(request):
    """The person's own answers: shown back to them only (each read is logged)."""
    if not request.user.is_contributor:
        raise PermissionDenied
    record = services.read_own_diversity(user=request.user) if request.method == "GET" else None
    initial = record.answers() if record else {}
    form = forms.EqualityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_diversity(user=request.user, consent=True, answers=form.answers())
        messages.success(request, "Thank you. Your answers are saved.")
        return redirect("contributors:equality")
    selected = form["ethnic_group"].value() or ""
    ethnic_groups = [
        {
            "label": label,
            "choices": [{"code": c, "label": lbl, "checked": c == selected} for c, lbl in choices],
        }
        for label, choices in equality.ethnic_choices_by_group()
    ]
    return _render(
        request,
        "contributors/equality_form.html",
        {
            "form": form,
            "record": record,
            "ethnic_groups": ethnic_groups,
            "ethnic_pnts_checked": selected == equality.PREFER_NOT_TO_SAY,
            "prefer_not_to_say": equality.PREFER_NOT_TO_SAY,
        },
        form,
    )


@login_required
@require_POST
def equality_withdraw(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    asking = confirm_first(
        request,
        title="Delete your equality monitoring answers?",
        warning="Your answers are deleted straight away and cannot be brought back.",
        consequences=[
            "You withdraw your consent for us to keep them.",
            "Reports already made keep the counts they had; nothing new will include you.",
            "You can answer the questions again at any time.",
        ],
        button="Yes, delete my answers",
        cancel_url=reverse("contributors:equality"),
    )
    if asking:
        return asking
    services.withdraw_diversity(user=request.user)
    messages.success(request, "Your equality monitoring answers have been deleted.")
    return redirect("contributors:profile" if _own_profile(request) else "portal:home")


# --- Benefits -----------------------------------------------------------------------------------


@login_required
def benefit_form(request):
    """Which benefit applies: the person's own answer, used only for their own payment checks."""
    if not request.user.is_contributor:
        raise PermissionDenied
    answer = BenefitAnswer.objects.filter(user=request.user).first()
    form = forms.BenefitForm(request.POST or None, initial={"benefit": answer.benefit} if answer else {})
    if request.method == "POST" and form.is_valid():
        services.save_benefit(user=request.user, consent=True, benefit=form.cleaned_data["benefit"])
        messages.success(request, "Thank you. Your answer is saved.")
        return redirect("contributors:benefit")
    return _render(request, "contributors/benefit_form.html", {"form": form, "answer": answer}, form)


@login_required
@require_POST
def benefit_withdraw(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    services.withdraw_benefit(user=request.user)
    messages.success(request, "Your answer about benefits has been deleted.")
    return redirect("contributors:benefit")


# --- Roles --------------------------------------------------------------------------------------


@login_required
def my_roles(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    roles = RoleAssignment.objects.filter(contributor=request.user).select_related("project")
    return render(request, "contributors/my_roles.html", {"roles": roles, "today": timezone.localdate()})


@login_required
@require_POST
def role_accept(request, public_id):
    """The contributor accepts their role agreement; the coordinator sees the date."""
    assignment = _get_role(request, public_id)
    if not permissions.can_accept_role(request.user, assignment):
        raise PermissionDenied
    try:
        services.accept_role(actor=request.user, assignment=assignment)
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"Thank you. You have accepted the agreement for {assignment.role_label}.")
    return redirect("contributors:my_roles")


def _get_project(request, public_id) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user), public_id=public_id)


def _get_role(request, public_id) -> RoleAssignment:
    roles = RoleAssignment.objects.visible_to(request.user).select_related("project", "contributor")
    return get_object_or_404(roles, public_id=public_id)


@login_required
def role_create(request, project_id):
    project = _get_project(request, project_id)
    if not permissions.can_manage_roles(request.user, project):
        raise PermissionDenied
    # Searching narrows what is offered (GET); a POST chooses from everyone who may be chosen.
    find = "" if request.method == "POST" else request.GET.get("find", "").strip()
    form = forms.RoleAssignForm(
        request.POST or None, initial={"starts_on": timezone.localdate()}, user=request.user, find=find
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["contributor"]
        warnings = selectors.role_warnings(
            people=[person], project=project, role_type=form.cleaned_data["role_type"]
        ).get(person.pk, [])
        if warnings:
            form = forms.RoleAssignForm(request.POST, user=request.user, warnings=warnings)
            form.is_valid()
            if not form.cleaned_data.get("assign_anyway"):
                form.add_error(
                    "assign_anyway",
                    f"{form.cleaned_data['contributor']} does not meet this role's requirements: "
                    f"{', '.join(warnings)}. Tick the box to assign the role anyway",
                )
    if request.method == "POST" and form.is_valid():
        form.cleaned_data.pop("assign_anyway", None)
        try:
            assignment = services.assign_role(actor=request.user, project=project, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"{assignment.contributor} is now {assignment.role_label}.")
            return redirect("portal:project_detail", public_id=project.public_id)
    limit_picker(form, "contributor", form.people, find)
    return _render(
        request,
        "contributors/role_form.html",
        {"form": form, "project": project, "find": find, "warnings": warnings},
        form,
    )


@login_required
def role_edit(request, public_id):
    assignment = _get_role(request, public_id)
    if not permissions.can_change_role(request.user, assignment):
        raise PermissionDenied
    initial = {f: getattr(assignment, f) for f in services.ROLE_FIELDS}
    form = forms.RoleAgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_role(actor=request.user, assignment=assignment, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Role saved.")
            return redirect("portal:project_detail", public_id=assignment.project.public_id)
    return _render(
        request,
        "contributors/role_form.html",
        {
            "form": form,
            "project": assignment.project,
            "assignment": assignment,
            "end_form": forms.EndRoleForm(initial={"ends_on": timezone.localdate()}),
        },
        form,
    )


@login_required
@require_POST
def role_end(request, public_id):
    assignment = _get_role(request, public_id)
    if not permissions.can_change_role(request.user, assignment):
        raise PermissionDenied
    form = forms.EndRoleForm(request.POST)
    if form.is_valid():
        try:
            services.end_role(actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"])
            messages.success(
                request, f"{assignment.contributor}'s role ends on {form.cleaned_data['ends_on']:%-d %B %Y}."
            )
        except PortalError as exc:
            show_error(request, exc)
    else:
        messages.error(request, "Enter the last day in the role.")
    return redirect("portal:project_detail", public_id=assignment.project.public_id)


def _register_rows(request):
    roles = RoleAssignment.objects.select_related("contributor", "project").order_by(
        "project__title", "starts_on"
    )
    show = request.GET.get("show", "current")
    if show == "current":
        roles = roles.current()
    return roles, show


@login_required
def role_register(request):
    """Who holds which role, with dates: for managers (safeguarding, public-funds accounting)."""
    if not permissions.can_view_role_register(request.user):
        raise PermissionDenied
    roles, show = _register_rows(request)
    return render(request, "contributors/role_register.html", {"roles": roles, "show": show})


@login_required
def role_register_csv(request):
    if not permissions.can_view_role_register(request.user):
        raise PermissionDenied
    roles, _show = _register_rows(request)
    response, writer = csv_download(f"role-register-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow(
        [
            "project",
            "contributor",
            "role",
            "starts_on",
            "ends_on",
            "status",
            "feedback_arrangements",
            "involvement_level",
        ]
    )
    for r in roles:
        writer.writerow(
            [
                r.project.title,
                r.contributor.name,
                r.role_label,
                r.starts_on.isoformat(),
                r.ends_on.isoformat() if r.ends_on else "",
                r.get_status_display(),
                r.feedback_arrangements,
                r.get_involvement_level_display(),
            ]
        )
    return response


# --- Opportunities ------------------------------------------------------------------------------


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


# --- People: directory, offline contributors, letters ----------------------------------------------


@login_required
def directory(request):
    """Contributors who opted in, searchable by skill, interest and experience; and the people
    coordinators registered who do not use the portal."""
    if not permissions.can_search_directory(request.user):
        raise PermissionDenied
    form = forms.DirectorySearchForm(request.GET or None)
    people = Contributor.objects.in_directory().select_related("user").order_by("user__name")
    query = ""
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        people = people.search(query)
    offline = (
        Contributor.objects.visible_to(request.user)
        .offline()
        .filter(erased_at__isnull=True)
        .select_related("user", "registered_by")
        .order_by("user__name", "pk")
    )
    people, people_query = paginate(request, people.order_by("user__name", "pk"))
    offline, offline_query = paginate(request, offline, param="offline_page")
    return render(
        request,
        "contributors/directory.html",
        {
            "form": form,
            "people": people,
            "people_query": people_query,
            "query": query,
            "offline": offline,
            "offline_query": offline_query,
            "can_register": permissions.can_register_offline(request.user),
        },
    )


def _get_person(request, public_id) -> Contributor:
    """A person in the user's scope (portal.people): anyone else is 404."""
    if not permissions.can_view_people(request.user):
        raise PermissionDenied
    people = Contributor.objects.visible_to(request.user).select_related("user", "registered_by")
    return get_object_or_404(people, public_id=public_id)


def _pending(contributor):
    return (
        contributor.bank_changes.filter(status=PendingStatus.PENDING).select_related("entered_by").first(),
        contributor.invitations.filter(status=PendingStatus.PENDING).select_related("invited_by").first(),
    )


@login_required
def person_detail(request, public_id):
    contributor = _get_person(request, public_id)
    can_act = permissions.can_act_for(request.user, contributor)
    bank_change, invitation = _pending(contributor)
    return render(
        request,
        "contributors/person_detail.html",
        {
            "contributor": contributor,
            "person": contributor.user,
            "can_act": can_act,
            "bank_change": bank_change,
            "can_confirm_bank": bank_change
            and permissions.can_confirm_bank_change(request.user, bank_change),
            "invitation": invitation,
            "can_confirm_invitation": invitation
            and permissions.can_confirm_invitation(request.user, invitation),
            "roles": RoleAssignment.objects.filter(contributor=contributor.user).select_related("project"),
            "interests": ExpressionOfInterest.objects.filter(contributor=contributor.user).select_related(
                "opportunity"
            ),
            "tasks": contributor.contact_tasks.filter(done_at__isnull=True),
            # Staff learn only that limits matter, never which benefit (special category data).
            "check_limits": contributor.receives_benefits
            or BenefitAnswer.objects.filter(user=contributor.user).exists(),
            "panels": panels_for(request, "person", contributor),
        },
    )


@login_required
def person_edit(request, public_id):
    contributor = _get_person(request, public_id)
    return _profile_form_view(
        request,
        contributor,
        template="contributors/profile_form.html",
        done_url=reverse("contributors:person_detail", args=[contributor.public_id]),
    )


@login_required
def person_payment(request, public_id):
    """Payment preferences for someone a coordinator acts for."""
    contributor = _get_person(request, public_id)
    return _payment_form_view(
        request, contributor, done_url=reverse("contributors:person_detail", args=[contributor.public_id])
    )


@login_required
def person_bank_details(request, public_id):
    """Bank details given over the phone or by post; the coordinator signs in again first."""
    contributor = _get_person(request, public_id)
    if not permissions.can_act_for(request.user, contributor):
        raise PermissionDenied
    return _person_bank_form(request, contributor)


@mfa_this_session()
@reauthentication_required
def _person_bank_form(request, contributor):
    return _bank_form_view(
        request, contributor, done_url=reverse("contributors:person_detail", args=[contributor.public_id])
    )


@login_required
@require_POST
def bank_change_decide(request, public_id):
    """The second person confirms (or cancels) bank details someone else entered."""
    changes = BankDetailsChange.objects.filter(
        Q(contributor__user=request.user) | Q(contributor__in=Contributor.objects.visible_to(request.user))
    ).select_related("contributor__user")
    change = get_object_or_404(changes, public_id=public_id)
    if not permissions.can_confirm_bank_change(request.user, change):
        raise PermissionDenied
    confirm = request.POST.get("decision") != "cancel"
    if confirm and change.contributor.user_id != request.user.pk:
        # Staff making someone else's bank details take effect moves money: second factor now.
        back = reverse("contributors:person_detail", args=[change.contributor.public_id])
        if refused := mfa_refusal(request, back=back):
            return refused
    try:
        services.confirm_bank_details_change(actor=request.user, change=change, confirm=confirm)
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "Bank details confirmed." if confirm else "Bank details change cancelled.")
    if change.contributor.user_id == request.user.pk:
        return redirect("contributors:profile")
    return redirect("contributors:person_detail", public_id=change.contributor.public_id)


@login_required
@require_POST
def invitation_decide(request, public_id):
    """A second member of staff confirms the address (the invitation is sent) or cancels it."""
    invitations = TakeOverInvitation.objects.filter(
        contributor__in=Contributor.objects.visible_to(request.user)
    ).select_related("contributor__user")
    invitation = get_object_or_404(invitations, public_id=public_id)
    if not permissions.can_confirm_invitation(request.user, invitation):
        raise PermissionDenied
    confirm = request.POST.get("decision") != "cancel"
    try:
        services.confirm_take_over_invitation(actor=request.user, invitation=invitation, confirm=confirm)
    except PortalError as exc:
        show_error(request, exc)
    else:
        name = invitation.contributor.user.name
        messages.success(
            request,
            f"We have emailed {name} a link to set their password." if confirm else "Invitation cancelled.",
        )
    return redirect("contributors:person_detail", public_id=invitation.contributor.public_id)


@login_required
def offline_register(request):
    if not permissions.can_register_offline(request.user):
        raise PermissionDenied
    form = forms.OfflineRegisterForm(request.POST or None, initial={"contact_method": "phone"})
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_not_duplicate")
        duplicates = services.possible_duplicates(name=data["name"], postcode=data["postcode"])
        if duplicates and not confirmed:
            # Warn, once: the coordinator can still go ahead if it is a different person.
            data = request.POST.copy()
            data["confirm_not_duplicate"] = "True"
            form = forms.OfflineRegisterForm(data)
            form.is_valid()
            return render(
                request,
                "contributors/offline_register.html",
                {"form": form, "duplicates": duplicates},
                status=200,
            )
        try:
            contributor = services.register_offline_contributor(actor=request.user, **data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"{contributor.user.name} is registered. You can now act for them.")
            return redirect("contributors:person_detail", public_id=contributor.public_id)
    return _render(
        request, "contributors/offline_register.html", {"form": form, "duplicates": duplicates}, form
    )


@login_required
def offline_interest(request, public_id):
    """Express interest in an opportunity for someone who does not use the portal."""
    contributor = _get_person(request, public_id)
    if not permissions.can_act_for(request.user, contributor):
        raise PermissionDenied
    already = ExpressionOfInterest.objects.filter(contributor=contributor.user).exclude(
        status=InterestStatus.WITHDRAWN
    )
    opportunities = Opportunity.objects.live().exclude(pk__in=already.values("opportunity"))
    form = forms.InterestOnBehalfForm(request.POST or None, opportunities=opportunities)
    if request.method == "POST" and form.is_valid():
        try:
            services.express_interest(
                actor=request.user,
                opportunity=form.cleaned_data["opportunity"],
                contributor=contributor.user,
                message=form.cleaned_data["message"],
            )
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"Interest recorded for {contributor.user.name}.")
            return redirect("contributors:person_detail", public_id=contributor.public_id)
    return _render(
        request, "contributors/offline_interest.html", {"form": form, "contributor": contributor}, form
    )


@login_required
def offline_invite(request, public_id):
    """Invite an offline person to take over their own account."""
    contributor = _get_person(request, public_id)
    if not permissions.can_act_for(request.user, contributor):
        raise PermissionDenied
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_to_take_over(
                actor=request.user, contributor=contributor, email=form.cleaned_data["email"]
            )
        except PortalError as exc:
            show_error(request, exc, form=form, field="email")
        else:
            messages.success(
                request,
                "Invitation saved. Another member of staff must confirm the address before we "
                f"email {contributor.user.name} a link to set their password.",
            )
            return redirect("contributors:person_detail", public_id=contributor.public_id)
    return _render(
        request, "contributors/offline_invite.html", {"form": form, "contributor": contributor}, form
    )


@login_required
def contact_tasks(request):
    """Letters to send and calls to make to people who do not use email."""
    if not permissions.can_view_contact_tasks(request.user):
        raise PermissionDenied
    tasks = ContactTask.objects.filter(
        contributor__in=Contributor.objects.visible_to(request.user)
    ).select_related("contributor__user", "done_by")
    return render(
        request,
        "contributors/contact_tasks.html",
        {
            "pending": tasks.filter(done_at__isnull=True),
            "letters_due": tasks.filter(done_at__isnull=True, channel=ContactChannel.POST).count(),
            "done": tasks.filter(done_at__isnull=False)[:20],
        },
    )


@login_required
def contact_letters(request):
    """Every letter still to post, in one PDF: a page (or more) per person, in large print for
    those who asked for it, so the whole pile is printed at once."""
    if not request.user.has_perm("contributors.view_contacttask"):
        raise PermissionDenied
    tasks = (
        ContactTask.objects.filter(done_at__isnull=True, channel=ContactChannel.POST)
        .select_related("contributor__user")
        .order_by("contributor__user__name", "contributor__pk", "created_at")
    )
    people = [
        {
            "contributor": contributor,
            "large_print": AccessNeed.LARGE_PRINT in (contributor.access_needs or []),
            "letters": list(letters),
        }
        for contributor, letters in groupby(tasks, key=lambda t: t.contributor)
    ]
    pdf = render_pdf(
        "pdf/contributors_letters.html",
        {"people": people, "today": timezone.localdate(), "contact_phone": settings.PORTAL_CONTACT_PHONE},
    )
    return pdf_response(pdf, f"letters-{timezone.localdate():%Y-%m-%d}.pdf", inline=True)


@login_required
@require_POST
def contact_task_done(request, public_id):
    if not permissions.can_complete_contact_task(request.user):
        raise PermissionDenied
    tasks = ContactTask.objects.filter(contributor__in=Contributor.objects.visible_to(request.user))
    task = get_object_or_404(tasks.select_related("contributor"), public_id=public_id)
    if not permissions.can_close_contact_task(request.user, task):
        raise PermissionDenied
    services.mark_contact_task_done(actor=request.user, task=task)
    messages.success(request, "Marked as done.")
    return redirect("contributors:contact_tasks")


# --- Data rights ---------------------------------------------------------------------------------


@login_required
def my_data(request):
    """Everything the portal holds about you, to read."""
    data = export_for(request.user)
    pending = ErasureRequest.objects.filter(user=request.user, status=ErasureStatus.REQUESTED).first()
    return render(
        request, "contributors/my_data.html", {"sections": readable(data), "pending_erasure": pending}
    )


@login_required
def my_data_json(request):
    response = JsonResponse(export_for(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@login_required
def erasure_request(request):
    pending = ErasureRequest.objects.filter(user=request.user, status=ErasureStatus.REQUESTED).first()
    form = forms.ErasureRequestForm(request.POST or None)
    if request.method == "POST" and not pending and form.is_valid():
        asking = confirm_first(
            request,
            title="Ask us to erase your data?",
            warning="When a manager confirms it, your data is erased and you can no longer sign in. "
            "This cannot be undone.",
            consequences=[
                "Your name, contact details, profile, equality monitoring answers and bank details are deleted.",
                f"Payment records are kept for {settings.PORTAL_PAYMENT_RETENTION_YEARS} years, as the "
                "law requires, with your name removed.",
            ],
            button="Yes, ask to erase my data",
            cancel_url=reverse("contributors:my_data"),
            hidden={"reason": form.cleaned_data["reason"], "confirm": "on"},
        )
        if asking:
            return asking
        try:
            services.request_erasure(user=request.user, reason=form.cleaned_data["reason"])
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(
                request, "We have your request. A manager will confirm it and tell you by email."
            )
            return redirect("contributors:my_data")
    return _render(
        request,
        "contributors/erasure_request.html",
        {"form": form, "pending": pending, "retention_years": settings.PORTAL_PAYMENT_RETENTION_YEARS},
        form,
    )


@login_required
def erasure_list(request):
    if not permissions.can_view_erasure_requests(request.user):
        raise PermissionDenied
    requests = ErasureRequest.objects.select_related("user", "decided_by")
    return render(
        request,
        "contributors/erasure_list.html",
        {
            "waiting": requests.filter(status=ErasureStatus.REQUESTED),
            "decided": requests.exclude(status=ErasureStatus.REQUESTED)[:50],
            "form": forms.ErasureDecisionForm(),
        },
    )


@login_required
@require_POST
def erasure_decide(request, public_id):
    if not permissions.can_view_erasure_requests(request.user):
        raise PermissionDenied
    erasure = get_object_or_404(ErasureRequest, public_id=public_id)
    if not permissions.can_decide_erasure(request.user, erasure):
        raise PermissionDenied
    return _decide_erasure(request, erasure)


@mfa_this_session(return_to="contributors:erasure_list")
def _decide_erasure(request, erasure):
    form = forms.ErasureDecisionForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["decision"] == "confirm":
            asking = confirm_first(
                request,
                title=f"Erase {erasure.user.name}’s data?",
                warning="Their data is erased straight away and cannot be brought back.",
                consequences=[
                    "They can no longer sign in.",
                    "Payment and activity records are kept with their name removed.",
                ],
                button=f"Yes, erase {erasure.user.name}’s data",
                cancel_url=reverse("contributors:erasure_list"),
                hidden={"decision": "confirm", "note": form.cleaned_data["note"]},
            )
            if asking:
                return asking
        try:
            services.decide_erasure(
                actor=request.user,
                request=erasure,
                confirm=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Decision recorded.")
        except PortalError as exc:
            show_error(request, exc)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("contributors:erasure_list")
