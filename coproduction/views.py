"""Pages of the co-production log, learning and checks. Views call services; outside a
person's scope is 404, a missing role 403."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from contributors.models import Contributor, RoleAssignment
from feedback.models import FeedbackItem
from impact.models import ImpactEntry
from portal.errors import PortalError, show_error
from portal.lookups import get_by_public_id_or_404
from portal.models import Activity, User
from portal.pagination import PAGE_SIZE
from portal.permissions import can_manage_activity

from . import forms, permissions, selectors, services
from .models import (
    CheckRecord,
    Course,
    Decision,
    GroundRules,
    GroundRulesAgreement,
    LearningRecord,
    Reflection,
    Visibility,
)


def _page(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _render(request, template, context, form=None):
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


def _get_project(request, public_id):
    return get_object_or_404(selectors.log_projects(request.user), public_id=public_id)


def _team_queryset(project):
    return selectors.flag_contributors(
        User.objects.filter(pk__in=[u.pk for u in selectors.team(project)])
    ).order_by("name")


# --- The log -----------------------------------------------------------------------------------


@login_required
def log(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_view_log(request.user, project):
        raise PermissionDenied
    rules = selectors.current_rules(project)
    agreements = (
        GroundRulesAgreement.objects.filter(rules=rules).select_related("person", "recorded_by")
        if rules
        else []
    )
    agreed_ids = {a.person_id for a in agreements}
    team = selectors.team(project)
    decisions = Decision.objects.filter(project=project).prefetch_related("participants", "impact_entries")
    return render(
        request,
        "coproduction/log.html",
        {
            "project": project,
            "rules": rules,
            "versions": GroundRules.objects.filter(project=project).count(),
            "agreements": agreements,
            "not_agreed": [u for u in team if u.pk not in agreed_ids],
            "i_agreed": request.user.pk in agreed_ids,
            "decisions": _page(request, decisions),
            "reflections": selectors.reflections_visible_to(request.user, project)[:10],
            "can_keep": permissions.can_keep_log(request.user, project),
            "can_take_part": permissions.can_take_part(request.user, project),
        },
    )


@login_required
def rules_edit(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_keep_log(request.user, project):
        raise PermissionDenied
    rules = selectors.current_rules(project)
    form = forms.GroundRulesForm(request.POST or None, initial={"text": rules.text if rules else ""})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.set_ground_rules(actor=request.user, project=project, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(
                request, f"Ground rules version {new.version} saved. Ask the team to agree them."
            )
            return redirect("coproduction:log", public_id=project.public_id)
    return _render(
        request, "coproduction/rules_form.html", {"form": form, "project": project, "rules": rules}, form
    )


@login_required
@require_POST
def rules_agree(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_take_part(request.user, project):
        raise PermissionDenied
    rules = get_by_public_id_or_404(
        GroundRules.objects.filter(project=project), request.POST.get("rules", "")
    )
    try:
        services.agree_ground_rules(actor=request.user, rules=rules)
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"You agreed the ground rules (version {rules.version}).")
    return redirect("coproduction:log", public_id=project.public_id)


@login_required
def rules_record(request, public_id):
    """A coordinator records that someone agreed in person, by phone or by post."""
    project = _get_project(request, public_id)
    if not permissions.can_keep_log(request.user, project):
        raise PermissionDenied
    rules = selectors.current_rules(project)
    if rules is None:
        messages.error(request, "Write the ground rules first.")
        return redirect("coproduction:log", public_id=project.public_id)
    holders = RoleAssignment.objects.filter(project=project).current().values("contributor")
    people = User.objects.filter(pk__in=holders).exclude(
        pk__in=GroundRulesAgreement.objects.filter(rules=rules).values("person")
    )
    form = forms.RecordAgreementForm(request.POST or None, people=people.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.agree_ground_rules(actor=request.user, rules=rules, person=form.cleaned_data["person"])
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"Recorded that {form.cleaned_data['person']} agreed the ground rules.")
            return redirect("coproduction:log", public_id=project.public_id)
    return _render(
        request, "coproduction/rules_record.html", {"form": form, "project": project, "rules": rules}, form
    )


@login_required
def decision_create(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_keep_log(request.user, project):
        raise PermissionDenied
    form = _decision_form(
        request, project, initial={"decided_on": timezone.localdate(), "stage": project.stage}
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.log_decision(actor=request.user, project=project, **_decision_data(form))
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Decision added to the log.")
            return redirect("coproduction:decision_detail", public_id=decision.public_id)
    return _render(request, "coproduction/decision_form.html", {"form": form, "project": project}, form)


def _decision_form(request, project, **kwargs):
    return forms.DecisionForm(
        request.POST or None,
        people=_team_queryset(project),
        impact_entries=ImpactEntry.objects.filter(project=project).order_by("-occurred_on"),
        feedback_items=FeedbackItem.objects.filter(feedback__activity__project=project).select_related(
            "feedback__activity"
        ),
        **kwargs,
    )


def _decision_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.setdefault("impact_entries", [])
    data.setdefault("feedback_items", [])
    return data


@login_required
def decision_edit(request, public_id):
    decision = get_object_or_404(
        Decision.objects.filter(project__in=selectors.log_projects(request.user)).select_related("project"),
        public_id=public_id,
    )
    project = decision.project
    if not permissions.can_keep_log(request.user, project):
        raise PermissionDenied
    initial = {f: getattr(decision, f) for f in services.DECISION_FIELDS} | {
        "participants": list(decision.participants.values_list("pk", flat=True)),
        "impact_entries": list(decision.impact_entries.values_list("pk", flat=True)),
        "feedback_items": list(decision.feedback_items.values_list("pk", flat=True)),
    }
    form = _decision_form(request, project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_decision(actor=request.user, decision=decision, **_decision_data(form))
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Decision saved.")
            return redirect("coproduction:decision_detail", public_id=decision.public_id)
    return _render(
        request,
        "coproduction/decision_form.html",
        {"form": form, "project": project, "decision": decision},
        form,
    )


@login_required
def decision_detail(request, public_id):
    decision = get_object_or_404(
        Decision.objects.filter(project__in=selectors.log_projects(request.user)).select_related("project"),
        public_id=public_id,
    )
    if not permissions.can_view_log(request.user, decision.project):
        raise PermissionDenied
    participants = list(selectors.flag_contributors(decision.participants.order_by("name")))
    return render(
        request,
        "coproduction/decision_detail.html",
        {
            "decision": decision,
            "project": decision.project,
            "contributors": [p for p in participants if p.holds_contributor_role],
            "staff": [p for p in participants if not p.holds_contributor_role],
            "impact_entries": decision.impact_entries.all(),
            "feedback_items": decision.feedback_items.select_related("feedback__activity"),
            "can_keep": permissions.can_keep_log(request.user, decision.project),
        },
    )


@login_required
def reflection_create(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_take_part(request.user, project):
        raise PermissionDenied
    form = forms.ReflectionForm(request.POST or None, initial={"stage": project.stage})
    if request.method == "POST" and form.is_valid():
        try:
            services.write_reflection(actor=request.user, project=project, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Thank you. Your reflection is saved.")
            return redirect("coproduction:reflection_list", public_id=project.public_id)
    return _render(request, "coproduction/reflection_form.html", {"form": form, "project": project}, form)


@login_required
@require_POST
def reflection_visibility(request, public_id):
    reflection = get_object_or_404(
        Reflection.objects.filter(author=request.user).select_related("project"), public_id=public_id
    )
    try:
        services.change_reflection_visibility(
            actor=request.user, reflection=reflection, visibility=request.POST.get("visibility", "")
        )
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "Saved: who can read your reflection.")
    return redirect("coproduction:reflection_list", public_id=reflection.project.public_id)


@login_required
def reflection_list(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_view_log(request.user, project):
        raise PermissionDenied
    return render(
        request,
        "coproduction/reflection_list.html",
        {
            "project": project,
            "reflections": _page(request, selectors.reflections_visible_to(request.user, project)),
            "visibilities": Visibility.choices,
            "can_take_part": permissions.can_take_part(request.user, project),
        },
    )


# --- Learning ----------------------------------------------------------------------------------


@login_required
def catalogue(request):
    courses = Course.objects.filter(is_active=True)
    return render(
        request,
        "coproduction/catalogue.html",
        {"courses": _page(request, courses), "can_manage": permissions.can_manage_catalogue(request.user)},
    )


@login_required
def course_create(request):
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied
    form = forms.CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = services.add_course(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{course.title} is in the catalogue.")
        return redirect("coproduction:catalogue")
    return _render(request, "coproduction/course_form.html", {"form": form}, form)


@login_required
def my_learning(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    form = forms.LearningRecordForm(request.POST or None, initial={"course": request.GET.get("course")})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_learning(actor=request.user, person=request.user, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"{form.cleaned_data['course']} added to your learning.")
            return redirect("coproduction:my_learning")
    records = LearningRecord.objects.filter(person=request.user).select_related("course")
    return _render(
        request,
        "coproduction/my_learning.html",
        {
            "form": form,
            "records": _page(request, records),
            "checks": CheckRecord.objects.filter(person=request.user),
            "today": timezone.localdate(),
        },
        form,
    )


def _get_person(request, public_id) -> Contributor:
    if not permissions.can_record_for_others(request.user):
        raise PermissionDenied
    # Only people in the user's scope (portal.people): anyone else is 404.
    people = (
        Contributor.objects.visible_to(request.user).filter(erased_at__isnull=True).select_related("user")
    )
    return get_object_or_404(people, public_id=public_id)


@login_required
def person_learning(request, public_id):
    """A coordinator records a course someone finished, or a check they had."""
    contributor = _get_person(request, public_id)
    person = contributor.user
    learning_form = forms.LearningRecordForm(
        request.POST if request.POST.get("form") == "learning" else None, prefix="learning"
    )
    check_form = forms.CheckForm(
        request.POST if request.POST.get("form") == "check" else None, prefix="check"
    )
    if request.method == "POST":
        form = learning_form if request.POST.get("form") == "learning" else check_form
        if form.is_valid():
            try:
                if form is learning_form:
                    services.record_learning(actor=request.user, person=person, **form.cleaned_data)
                    messages.success(request, f"Recorded {form.cleaned_data['course']} for {person}.")
                else:
                    services.record_check(actor=request.user, person=person, **form.cleaned_data)
                    messages.success(request, f"Recorded the check for {person}.")
            except PortalError as exc:
                show_error(request, exc, form=form)
            else:
                return redirect("coproduction:person_learning", public_id=contributor.public_id)
    return render(
        request,
        "coproduction/person_learning.html",
        {
            "contributor": contributor,
            "person": person,
            "learning_form": learning_form,
            "check_form": check_form,
            "records": _page(request, LearningRecord.objects.filter(person=person).select_related("course")),
            "checks": CheckRecord.objects.filter(person=person),
            "today": timezone.localdate(),
        },
        status=400 if learning_form.errors or check_form.errors else 200,
    )


# --- Checks ------------------------------------------------------------------------------------


@login_required
def checks(request):
    if not permissions.can_record_for_others(request.user):
        raise PermissionDenied
    visible = selectors.checks_visible_to(request.user).select_related("person__contributor")
    expiring_ids = selectors.checks_expiring().values("pk")
    return render(
        request,
        "coproduction/checks.html",
        {
            "expiring": visible.filter(pk__in=expiring_ids),
            "checks": _page(request, visible.order_by("expires_on")),
            "today": timezone.localdate(),
            "days": settings.PORTAL_CHECK_REMINDER_DAYS,
        },
    )


@login_required
def requirements(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_keep_log(request.user, project):
        raise PermissionDenied
    form = forms.RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_requirement(actor=request.user, project=project, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Requirement added.")
            return redirect("coproduction:requirements", public_id=project.public_id)
    return _render(
        request,
        "coproduction/requirements.html",
        {"form": form, "project": project, "requirements": project.role_requirements.all()},
        form,
    )


@login_required
@require_POST
def activity_course(request, public_id):
    """A coordinator says a training activity is a session of a course in the catalogue."""
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("project"), public_id=public_id
    )
    if not can_manage_activity(request.user, activity):
        raise PermissionDenied
    form = forms.CourseSessionForm(request.POST)
    if form.is_valid():
        try:
            services.link_course_to_activity(
                actor=request.user, activity=activity, course=form.cleaned_data["course"]
            )
        except PortalError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request, f"Everyone who attends is recorded as having done {form.cleaned_data['course']}."
            )
    else:
        messages.error(request, "Choose a course.")
    return redirect("portal:activity_detail", public_id=activity.public_id)
