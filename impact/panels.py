"""Home-page panels, project-page panel and navigation the impact app adds to the spine."""

from django.db.models import Count, Q

from portal import dashboard, figures
from portal.models import Project

from . import permissions
from .models import EntryContributor, EntryStatus, ImpactEntry, Reflection


def _contributor(request):
    user = request.user

    def awaiting():
        named = ImpactEntry.objects.filter(people__contributor=user)
        reflected = Reflection.objects.filter(contributor=user).values("entry_id")
        return list(named.exclude(pk__in=reflected).select_related("project")[:5])

    # Kept for the person until an entry, a naming or a reflection is saved (portal.figures).
    return {"awaiting_reflection": figures.cached("impact:awaiting", awaiting, scope=figures.person(user))}


def _staff(request):
    user = request.user

    # The query is built only when the counts are not cached (it cost as much as the cache).
    def counts():
        entries = ImpactEntry.objects.filter(project__in=Project.objects.managed_by(user))
        return entries.aggregate(
            drafts=Count("pk", filter=Q(status=EntryStatus.DRAFT), distinct=True),
            published=Count("pk", filter=Q(status=EntryStatus.PUBLISHED), distinct=True),
        )

    # Counts over the person's projects: cached for them (portal.figures).
    return {
        **figures.cached("impact:staff", counts, scope=figures.person(user)),
        "is_manager": user.is_manager,
    }


def _project(request, project):
    user = request.user
    entries = ImpactEntry.objects.visible_to(user).filter(project=project)
    return {
        "project": project,
        "entries": entries.order_by("-occurred_on")[:5],
        "count": entries.count(),
        "published": ImpactEntry.objects.published().filter(project=project).exists(),
        "can_log": permissions.can_log_impact(user, project),
        "can_check_in": permissions.can_check_in(user, project),
        "can_view_cube": permissions.can_view_cube_results(user, project),
        "can_certify": permissions.can_issue_project_certificates(user, project),
        "can_report": permissions.can_request_report(user, project),
    }


def register() -> None:
    figures.forget_on_change("impact", ImpactEntry, EntryContributor, Reflection)
    dashboard.register_panel(
        role="Contributor",
        template="impact/panels/home_contributor.html",
        context=_contributor,
        order=70,
        figures=lambda request: [("impact:awaiting", figures.person(request.user))],
    )
    for role in ("Coordinator", "Manager"):
        dashboard.register_panel(
            role=role,
            template="impact/panels/home_staff.html",
            context=_staff,
            order=70,
            figures=lambda request: [("impact:staff", figures.person(request.user))],
        )
    dashboard.register_panel(
        role="project", template="impact/panels/project.html", context=_project, order=70
    )
    roles = ("Contributor", "Coordinator", "Manager")
    dashboard.register_nav(
        label="Impact", url_name="impact:entry_list", roles=roles, order=60, match_prefix="/impact/entries"
    )
    # A feedback item ("you said, we did") can become an impact entry.
    dashboard.register_link(
        slot="feedback_item",
        label="Record in the impact log",
        url_name="impact:entry_create",
        visible=permissions.can_log_any_impact,
    )
    dashboard.register_nav(
        label="Reports", url_name="impact:report_list", roles=("Coordinator", "Manager"), order=70
    )
    dashboard.register_nav(
        label="Certificates", url_name="impact:certificate_list", roles=("Contributor",), order=65
    )
