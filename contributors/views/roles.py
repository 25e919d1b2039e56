"""Roles: creating, editing, ending and accepting them, and the role register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.downloads import csv_download
from portal.errors import PortalError, show_error
from portal.forms import limit_picker

from .. import forms, permissions, selectors, services
from ..models import RoleAssignment
from ._common import _get_project, _render


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
