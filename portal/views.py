from pathlib import Path
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import dashboard, figures, participant_rows, permissions, reminders, selectors, services
from .compiled import Compiled, batch
from .errors import PortalError, show_error
from .forms import (
    ActivityForm,
    AddParticipantForm,
    ParticipationStatusForm,
    ProjectForm,
    limit_picker,
    more_than_picker,
    select_options,
)
from .models import OUTCOME_STATUSES, Activity, Participation, Project, Role
from .pagination import compiled_page, numbered_page, page_bounds
from .people import compiled_for


def admin_login(request):
    """Everyone signs in through allauth (password, then the authenticator code if they have
    one), the admin included; the admin's login page only hands over to it."""
    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.GET.get('next', '/admin/')})}")


@login_required
def home(request):
    """One page, a section per role the person holds, each with the panels apps add."""
    # Every figure the page shows, the navigation's count too, from the cache in one round trip
    # (portal.figures.prefetch), and the panels' uncached rows from the database in another
    # (portal.compiled.batch).
    with dashboard.page_figures(request, _home_figures(request)), batch(_home_rows(request)):
        sections = _home_sections(request)
    return render(request, "portal/home.html", {"sections": sections})


def _home_rows(request) -> list[tuple[object, dict]]:
    user = request.user
    held = {
        Role.CONTRIBUTOR: user.is_contributor,
        Role.COORDINATOR: user.is_coordinator,
        Role.MANAGER: user.is_manager,
    }
    return [query for role, has in held.items() if has for query in dashboard.rows_for(request, role)]


def _home_figures(request) -> list[tuple[str, object]]:
    user = request.user
    wanted = []
    if user.is_contributor:
        wanted += [
            ("portal:contributor", figures.person(user)),
            *dashboard.figures_for(request, Role.CONTRIBUTOR),
        ]
    if user.is_coordinator:
        wanted += dashboard.figures_for(request, Role.COORDINATOR)
    if user.is_manager:
        wanted += [("portal:organisation", ""), *dashboard.figures_for(request, Role.MANAGER)]
    return wanted


def _home_sections(request) -> list[dict]:
    user = request.user
    sections = []
    if user.is_contributor:
        sections.append(
            {
                "role": Role.CONTRIBUTOR,
                "heading": "Your involvement",
                # Kept for the person until a project, activity or participation is saved.
                "context": figures.cached(
                    "portal:contributor", lambda: selectors.contributor_home(user), scope=figures.person(user)
                ),
                "panels": dashboard.panels_for(request, Role.CONTRIBUTOR),
            }
        )
    if user.is_coordinator:
        sections.append(
            {
                "role": Role.COORDINATOR,
                "heading": "Projects you coordinate",
                "context": selectors.coordinator_home(user),
                "panels": dashboard.panels_for(request, Role.COORDINATOR),
            }
        )
    if user.is_manager:
        sections.append(
            {
                "role": Role.MANAGER,
                "heading": "The organisation",
                # The same for every manager: cached (portal.figures).
                "context": figures.cached("portal:organisation", selectors.organisation_counts),
                "panels": dashboard.panels_for(request, Role.MANAGER),
            }
        )
    return sections


# --- Projects --------------------------------------------------------------------------------


def _get_project(request, public_id) -> Project:
    """Projects the user may not see are a 404, not a 403: don't reveal they exist."""
    projects = Project.objects.visible_to(request.user).select_related("lead")
    return get_object_or_404(projects, public_id=public_id)


@login_required
def project_list(request):
    projects = Project.objects.visible_to(request.user).select_related("lead")
    return render(
        request,
        "portal/project_list.html",
        {
            "projects": projects,
            "can_create": permissions.can_create_project(request.user),
        },
    )


@login_required
def project_detail(request, public_id):
    project = _get_project(request, public_id)
    can_manage = permissions.can_manage_project(request.user, project)
    activities = project.activities.select_related("coordinator")
    if not can_manage:
        activities = activities.filter(participations__contributor=request.user)
    return render(
        request,
        "portal/project_detail.html",
        {
            "project": project,
            "activities": activities,
            "coordinators": project.coordinators.order_by("name"),
            "can_manage": can_manage,
            "panels": dashboard.panels_for(request, "project", project),
        },
    )


@login_required
def project_create(request):
    if not permissions.can_create_project(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, initial={"lead": request.user})
    if request.method == "POST" and form.is_valid():
        project = services.create_project(actor=request.user, **form.cleaned_data)
        messages.success(request, f"Project “{project.title}” created.")
        return redirect("portal:project_detail", public_id=project.public_id)
    return render(request, "portal/project_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def project_edit(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_for(project))
    if request.method == "POST" and form.is_valid():
        services.update_project(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, "Project saved.")
        return redirect("portal:project_detail", public_id=project.public_id)
    return render(
        request,
        "portal/project_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


# --- Activities ------------------------------------------------------------------------------


def _visible_activity(person, *, public_id):
    return (
        Activity.objects.visible_to(person)
        .select_related("project", "coordinator")
        .filter(public_id=public_id)
    )


def _get_activity(request, public_id) -> Activity:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    try:
        public_id = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    # Compiled once a process for the person's roles (compiled_for): building the scope's
    # query was most of finding the activity, on every visit of its page.
    found = compiled_for(user, "activity", _visible_activity).rows(person=user.pk, public_id=public_id)
    if not found:
        raise Http404
    return found[0]


@login_required
def activity_create(request, project_id):
    project = _get_project(request, project_id)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, initial={"coordinator": request.user, "expected_hours": "2"})
    if request.method == "POST" and form.is_valid():
        activity = services.create_activity(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, f"Activity “{activity.title}” added.")
        return redirect("portal:activity_detail", public_id=activity.public_id)
    return render(
        request,
        "portal/activity_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


@login_required
def activity_edit(request, public_id):
    activity = _get_activity(request, public_id)
    if not permissions.can_manage_activity(request.user, activity):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, initial=ActivityForm.initial_for(activity))
    if request.method == "POST" and form.is_valid():
        services.update_activity(actor=request.user, activity=activity, **form.cleaned_data)
        messages.success(request, "Activity saved.")
        return redirect("portal:activity_detail", public_id=activity.public_id)
    return render(
        request,
        "portal/activity_form.html",
        {"form": form, "project": activity.project, "activity": activity},
        status=400 if form.errors else 200,
    )


def _select_options(field):
    """A bound select field's <option>s for partials/select_field.html, chosen as Django's
    Select widget chooses."""
    return select_options(field.field.choices, field.field.widget.format_value(field.value()))


def _participant_page(*, activity, bottom, top):
    return numbered_page(
        Participation.objects.filter(activity=activity),
        (F("contributor__name").asc(), F("pk").asc()),
        participant_rows.COLUMNS,
        bottom=bottom,
        top=top,
    )


# The people taking part, a page at a time with their count, for those who manage the
# activity: read on every visit, so compiled once a process (portal.compiled) and fetched in
# one round trip with the panels' own queries (Panel.rows).
_PARTICIPANT_PAGE = Compiled(_participant_page)


@login_required
def activity_detail(request, public_id, add_form=None, status=200):
    activity = _get_activity(request, public_id)
    can_manage = permissions.can_manage_activity(request.user, activity)
    with batch(_activity_queries(request, activity) if can_manage else []):
        return _activity_page(request, activity, can_manage, add_form, status)


def _activity_queries(request, activity) -> list:
    """The compiled queries a manager's view of the activity runs: its page of people taking
    part and the panels'."""
    asked = dashboard.rows_for(request, "activity", activity)
    if bounds := page_bounds(request):
        asked.append((_PARTICIPANT_PAGE, {"activity": activity.pk, **bounds}))
    return asked


def _activity_page(request, activity, can_manage, add_form, status):
    find = request.GET.get("find", "").strip()
    page = query = None
    if can_manage:
        # Paged: a big activity has hundreds taking part, each row a form. The page's rows
        # bring their count: one query, not a count and a page. Only what the table shows of
        # each person (their name, or email for someone without one).
        page, query = compiled_page(request, _PARTICIPANT_PAGE, activity=activity.pk)
        page.object_list = [dict(zip(participant_rows.COLUMNS, row, strict=True)) for row in page.object_list]
        participations = page.object_list
        # The panels beside the table need not count them again (Activity.taking_part).
        activity.taking_part = page.paginator.count
    else:
        participations = activity.participations.filter(contributor=request.user).values(
            *participant_rows.COLUMNS
        )
    # Before the activity starts only invited/confirmed can be chosen (see the service).
    status_choices = [
        (value, label)
        for value, label in ParticipationStatusForm().fields["status"].choices
        if activity.is_past or value not in OUTCOME_STATUSES
    ]
    participations, participant_rows_html = participant_rows.participant_rows(
        participations,
        status_choices=status_choices if can_manage else None,
        csrf_input=csrf_input(request) if can_manage else "",
    )
    picker_scope = f"{figures.person(request.user)}:{activity.pk}"
    # For those who manage it, the picker's figure, the panels' and the navigation's count in
    # one round trip to the cache (figures.prefetch); the panels show others no figure.
    wanted = []
    if can_manage:
        wanted = [("portal:picker_many", picker_scope), *dashboard.figures_for(request, "activity", activity)]
    with dashboard.page_figures(request, wanted):
        contributor_options = None
        if can_manage:
            add_form = add_form or AddParticipantForm(activity=activity, user=request.user, find=find)
            # Whether the picker starts as a search: a count over the coordinator's whole scope,
            # kept a minute for them and this activity. Stale, it only shows a search where a
            # short list would do, or the reverse; either way everyone in scope can be added.
            many = figures.cached(
                "portal:picker_many", lambda: more_than_picker(add_form.people), scope=picker_scope
            )
            limit_picker(add_form, "contributor", lambda: add_form.people, find, many=many)
            contributor_options = _select_options(add_form["contributor"])
        panels = dashboard.panels_for(request, "activity", activity)
    return render(
        request,
        "portal/activity_detail.html",
        {
            "activity": activity,
            "participations": participations,
            "page": page,
            "query": query,
            "can_manage": can_manage,
            "add_form": add_form,
            "find": find,
            "participant_rows": participant_rows_html,
            "contributor_options": contributor_options,
            "panels": panels,
        },
        status=status,
    )


@login_required
@require_POST
def participant_add(request, public_id):
    activity = _get_activity(request, public_id)
    if not permissions.can_manage_activity(request.user, activity):
        raise PermissionDenied
    form = AddParticipantForm(request.POST, activity=activity, user=request.user)
    if not form.is_valid():
        return activity_detail(request, public_id, add_form=form, status=400)
    try:
        services.add_participant(
            actor=request.user, activity=activity, contributor=form.cleaned_data["contributor"]
        )
        messages.success(request, f"{form.cleaned_data['contributor']} added.")
    except PortalError as exc:
        show_error(request, exc)
    return redirect("portal:activity_detail", public_id=activity.public_id)


@login_required
@require_POST
def participation_status(request, public_id):
    participations = Participation.objects.visible_to(request.user).select_related("activity__project")
    participation = get_object_or_404(participations, public_id=public_id)
    if not permissions.can_record_attendance(request.user, participation):
        raise PermissionDenied
    form = ParticipationStatusForm(request.POST)
    if form.is_valid():
        try:
            changed = services.set_participation_status(
                actor=request.user, participation=participation, status=form.cleaned_data["status"]
            )
            messages.success(request, f"{changed.contributor}: {changed.get_status_display().lower()}.")
        except PortalError as exc:
            show_error(request, exc)
    else:
        messages.error(request, "Choose a status.")
    return redirect("portal:activity_detail", public_id=participation.activity.public_id)


# --- Organisation, mail, health, static pages ------------------------------------------------


@login_required
def reminder_settings(request):
    """Which reminders a person gets by email: every kind the apps register, on by default."""
    kinds = sorted(reminders.KINDS.items(), key=lambda kv: kv[1])
    if request.method == "POST":
        wanted = set(request.POST.getlist("kinds"))
        services.set_muted_reminders(user=request.user, muted=[k for k, _ in kinds if k not in wanted])
        services.set_reminder_lead_days(
            user=request.user,
            # Ticking neither box keeps the default: not wanting the reminder at all is the
            # checkbox above.
            lead_days={
                kind: days for kind in reminders.LEAD_DAYS if (days := request.POST.getlist(f"lead-{kind}"))
            },
        )
        messages.success(request, "Your email reminder choices are saved.")
        return redirect("portal:reminder_settings")
    muted = set(request.user.muted_reminders or [])
    leads = [
        {
            "kind": kind,
            "label": reminders.KINDS[kind],
            "options": [
                (
                    d,
                    reminders.LEAD_LABELS.get(d, f"{d} days before"),
                    d in reminders.lead_days_for(request.user, kind),
                )
                for d in choices
            ],
        }
        for kind, (choices, _default) in reminders.LEAD_DAYS.items()
        if kind in reminders.KINDS
    ]
    return render(
        request,
        "portal/reminder_settings.html",
        {"kinds": [(k, label, k not in muted) for k, label in kinds], "leads": leads},
    )


@login_required
def sent_mail(request):
    """The embedded email outbox: what the portal 'sent', for admins in a demo or test run."""
    if not request.user.is_superuser:
        raise PermissionDenied
    folder = Path(settings.EMAIL_FILE_PATH)
    files = (
        sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)[:50]
        if folder.is_dir()
        else []
    )
    emails = [
        {
            "name": f.name,
            "when": timezone.datetime.fromtimestamp(f.stat().st_mtime, tz=timezone.get_current_timezone()),
            "text": f.read_text(errors="replace"),
        }
        for f in files
    ]
    return render(request, "portal/sent_mail.html", {"emails": emails})


@never_cache
def healthz(request):
    """Database and broker reachability, for load balancers and docker-compose."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from .celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_BROKER_TIMEOUT)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def privacy(request):
    return render(request, "portal/privacy.html")


def accessibility(request):
    return render(request, "portal/accessibility.html")
