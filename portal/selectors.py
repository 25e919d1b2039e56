"""Reads for the home pages."""

from django.utils import timezone

from .compiled import Compiled
from .models import Activity, Participation, ParticipationStatus, Project, ProjectStatus, Role, User


def contributor_home(user: User) -> dict:
    upcoming = (
        Participation.objects.filter(contributor=user, activity__starts_at__gte=timezone.now())
        .exclude(status=ParticipationStatus.DID_NOT_ATTEND)
        .select_related("activity__project")
        .order_by("activity__starts_at")[:5]
    )
    projects = Project.objects.filter(activities__participations__contributor=user).distinct()
    # Lists, not querysets: the home page caches them (portal.figures).
    return {"upcoming_participations": list(upcoming), "my_projects": list(projects)}


def coordinator_home(user: User) -> dict:
    projects = Project.objects.coordinated_by(user).exclude(status=ProjectStatus.CLOSED)
    activities = (
        Activity.objects.filter(project__in=Project.objects.coordinated_by(user))
        .upcoming()
        .select_related("project")[:8]
    )
    return {"coordinated_projects": projects, "coordinated_activities": activities}


def organisation_counts() -> dict:
    year_start = timezone.localdate().replace(month=1, day=1)
    return {
        "counts": [
            ("Active projects", Project.objects.filter(status=ProjectStatus.ACTIVE).count()),
            ("Contributors", User.objects.with_role(Role.CONTRIBUTOR).count()),
            ("Coordinators", User.objects.with_role(Role.COORDINATOR).count()),
            ("Activities this year", Activity.objects.filter(starts_at__date__gte=year_start).count()),
            (
                "Times people took part this year",
                Participation.objects.attended().filter(activity__starts_at__date__gte=year_start).count(),
            ),
        ]
    }


# Read on every visit of the approval queue and the feedback owed list, so compiled once a
# process (portal.compiled): building the query was most of asking it.
_COORDINATED = Compiled(lambda *, person: Project.objects.coordinated_by(person).values_list("pk", "title"))


def coordinated_projects(user: User) -> dict[int, str]:
    """The projects the person coordinates (Project.objects.coordinated_by), {key: title} in
    its order."""
    return dict(_COORDINATED.rows(person=user.pk))
