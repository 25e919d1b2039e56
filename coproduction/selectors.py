"""Reads for the co-production log, involvement levels, learning and checks."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from contributors.models import InvolvementLevel, RoleAssignment
from portal.models import Project, ProjectStage, Role, User

from .models import CheckKind, CheckRecord, Decision, GroundRules, Reflection, RoleRequirement, Visibility


def log_projects(user: User):
    """The projects whose log this person may read."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_manager:
        return Project.objects.all()
    q = Q(pk__in=[])
    if user.is_coordinator:
        q |= Q(lead=user) | Q(coordinators=user)
    if user.is_contributor:
        q |= Q(role_assignments__contributor=user)
    return Project.objects.filter(q).distinct()


def current_rules(project: Project) -> GroundRules | None:
    return GroundRules.objects.filter(project=project).order_by("-version").first()


def team(project: Project) -> list[User]:
    """Who is asked to agree the ground rules: coordinators and current role holders."""
    people = User.objects.filter(
        Q(led_projects=project)
        | Q(coordinated_projects=project)
        | Q(pk__in=RoleAssignment.objects.filter(project=project).current().values("contributor"))
    ).distinct()
    return list(people.order_by("name"))


def flag_contributors(users):
    """Users annotated with `holds_contributor_role`, to tell contributors from staff in one query."""
    return users.annotate(
        holds_contributor_role=Exists(
            User.groups.through.objects.filter(user=OuterRef("pk"), group__name=Role.CONTRIBUTOR)
        )
    )


def reflections_visible_to(user: User, project: Project):
    """Your own, whatever their visibility; the team's shared and shareable ones. An erased
    person's words go with them (their account is closed), as in the reports."""
    return (
        Reflection.objects.filter(project=project)
        .filter(
            Q(author=user) | Q(visibility__in=[Visibility.TEAM, Visibility.REPORT], author__is_active=True)
        )
        .select_related("author")
    )


def level_counts(projects) -> list[dict]:
    """People in current roles at each involvement level, by the stage their project is at.

    A role has no stage of its own; it is counted at the stage its project is at now.
    """
    rows = (
        RoleAssignment.objects.filter(project__in=projects)
        .current()
        .values("project__stage", "involvement_level")
        .annotate(n=Count("contributor", distinct=True))
    )
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(r["project__stage"], {})[r["involvement_level"] or ""] = r["n"]
    levels = [*InvolvementLevel.choices, ("", "Not agreed yet")]
    return [
        {
            "stage": label,
            "levels": [{"label": lab, "n": counts[code].get(lv, 0)} for lv, lab in levels],
            "total": sum(counts[code].values()),
        }
        for code, label in ProjectStage.choices
        if code in counts
    ]


def level_headings() -> list[str]:
    return [*InvolvementLevel.labels, "Not agreed yet"]


def decisions_with_contributors(projects, start, end):
    """Key decisions in the period in which at least one contributor took part."""
    return (
        Decision.objects.filter(
            project__in=projects,
            decided_on__gte=start,
            decided_on__lte=end,
            participants__groups__name=Role.CONTRIBUTOR,
        )
        .distinct()
        .select_related("project")
        .prefetch_related("participants__groups", "impact_entries")
        .order_by("decided_on", "pk")
    )


def shareable_reflections(projects, start, end):
    """Reflections their authors agreed may be quoted in reports; an erased person's go with them."""
    return (
        Reflection.objects.filter(
            project__in=projects,
            visibility=Visibility.REPORT,
            created_at__date__gte=start,
            created_at__date__lte=end,
            author__is_active=True,
        )
        .select_related("project")
        .order_by("created_at")
    )


def checks_expiring(*, within_days: int | None = None, today=None):
    today = today or timezone.localdate()
    days = settings.PORTAL_CHECK_REMINDER_DAYS if within_days is None else within_days
    return CheckRecord.objects.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=days))


def checks_visible_to(user: User):
    """Managers see every check; coordinators those of people in roles on their projects."""
    if user.is_manager:
        return CheckRecord.objects.all()
    people = RoleAssignment.objects.filter(Q(project__lead=user) | Q(project__coordinators=user)).values(
        "contributor"
    )
    return CheckRecord.objects.filter(Q(person__in=people) | Q(recorded_by=user)).distinct()


def unmet_requirements(*, people, project: Project, role_type: str, on=None) -> dict[int, list[str]]:
    """For each person, the checks this role on this project needs that they have no valid
    record of on the day (people who meet them all are left out)."""
    day = on or timezone.localdate()
    needed = set(
        RoleRequirement.objects.filter(project=project, role_type=role_type).values_list(
            "check_kind", flat=True
        )
    )
    if not needed or not people:
        return {}
    have: dict[int, set[str]] = {}
    for pk, kind in (
        CheckRecord.objects.filter(person__in=people, check_kind__in=needed)
        .valid_on(day)
        .values_list("person", "check_kind")
    ):
        have.setdefault(pk, set()).add(kind)
    out = {}
    for person in people:
        missing = needed - have.get(person.pk, set())
        if missing:
            out[person.pk] = [CheckKind(k).label for k in sorted(missing)]
    return out
