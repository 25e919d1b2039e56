"""Panels, navigation, reminder kinds and sweeps this app adds to the portal."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from portal import figures
from portal.compiled import Compiled

EQUALITY_REVIEW = "contributors.equality_review"


def _contributor_home(request):
    from django.utils import timezone

    from .models import Opportunity
    from .selectors import home_facts, request_profile

    user = request.user
    contributor = request_profile(request)
    if contributor is None:
        return {"missing_profile": True}
    answered = contributor.equality_updated_at
    review_due = answered is None or answered < timezone.now() - timedelta(
        days=settings.PORTAL_DIVERSITY_REVIEW_DAYS
    )
    facts = home_facts(user)
    return {
        "contributor": contributor,
        "roles": facts["roles"],
        "has_equality": answered is not None,
        "equality_review_due": review_due,
        # Everyone's count, not the person's: cached (portal.figures).
        "open_opportunities": figures.cached("contributors:open", lambda: Opportunity.objects.live().count()),
        "interests": facts["interests"],
    }


def _coordinator_home(request):
    from .models import ContactTask, InterestStatus, Opportunity

    user = request.user
    waiting = (
        Opportunity.objects.managed_by(user)
        .filter(interests__status=InterestStatus.INTERESTED)
        .distinct()
        .select_related("project")
    )
    return {
        "waiting": waiting,
        "tasks": figures.cached(
            "contributors:tasks", lambda: ContactTask.objects.filter(done_at__isnull=True).count()
        ),
    }


def _manager_home(request):
    from .models import ErasureRequest, ErasureStatus, Opportunity, OpportunityStatus

    return figures.cached(
        "contributors:manager",
        lambda: {
            "erasures": ErasureRequest.objects.filter(status=ErasureStatus.REQUESTED).count(),
            "pending_opportunities": Opportunity.objects.filter(status=OpportunityStatus.PENDING).count(),
        },
    )


def _project_panel(request, project):
    from . import permissions
    from .models import Opportunity, RoleAssignment

    user = request.user
    can_manage = permissions.can_manage_roles(user, project)
    roles = RoleAssignment.objects.filter(project=project).select_related("contributor")
    if not can_manage:
        roles = roles.filter(contributor=user)
        if not roles.exists():
            return None
        return {"project": project, "roles": roles, "can_manage": False}
    roles = list(roles)
    needs = _needs_by_user(r.contributor_id for r in roles)
    for r in roles:
        r.access_needs = needs.get(r.contributor_id, [])
    return {
        "project": project,
        "roles": roles,
        "can_manage": True,
        "opportunities": Opportunity.objects.filter(project=project).order_by("-closes_on"),
        "can_publish": permissions.can_publish_opportunity(user, project),
    }


def _needs_by_user(user_ids) -> dict:
    """Each person's access needs in words, for the lists staff plan from: one query."""
    from .models import Contributor

    profiles = Contributor.objects.filter(user_id__in=list(user_ids)).only(
        "user_id", "access_needs", "access_needs_other"
    )
    return {c.user_id: c.get_access_needs_display() for c in profiles}


def _needs(*, activity):
    """Who taking part in the activity told us of an access need, as values (not profiles and
    their users as model instances), in name order."""
    from .models import Contributor, has_access_needs_q

    return (
        Contributor.objects.filter(user__participations__activity=activity)
        .filter(has_access_needs_q())
        .order_by("user__name", "user_id")
        .values_list("access_needs", "access_needs_other", "user__name", "user__email", "user__public_id")
    )


# Compiled once a process (portal.compiled.Compiled): building and compiling it was most of
# the panel, on every activity page a coordinator opens.
_NEEDS = Compiled(_needs)


def _activity_rows(request, activity) -> list:
    """The panel's query, for the activity page to fetch with its own (portal.compiled.batch)."""
    from portal.permissions import can_manage_activity

    return [(_NEEDS, {"activity": activity.pk})] if can_manage_activity(request.user, activity) else []


def _activity_panel(request, activity):
    """Beside the people taking part, what each needs: staff book rooms, interpreters and
    large-print papers from this. Only the people who told us of one are read (the
    participants table beside it is paged; this list is as long as the needs)."""
    from portal.permissions import can_manage_activity
    from portal.rows import name_with_hint

    from .models import access_needs_display

    if not can_manage_activity(request.user, activity):
        return None
    # Hidden while nobody takes part. The page has usually counted them already; then an
    # activity nobody has joined yet asks nothing.
    if activity.taking_part == 0:
        return None
    people = [
        {"person": name_with_hint(name, email, public_id), "needs": needs}
        for codes, other, name, email, public_id in _NEEDS.rows(activity=activity.pk)
        if (needs := access_needs_display(codes, other))
    ]
    if not people and activity.taking_part is None and not activity.participations.exists():
        return None
    return {"people": people}


def equality_review_sweep(*, now, dry_run: bool) -> list[str]:
    """Once a year, invite contributors (never force them) to give or review their answers."""
    from portal.models import Role, User, offline_q
    from portal.reminders import send_reminder_once

    from .models import ContributorStatus

    cutoff = now - timedelta(days=settings.PORTAL_DIVERSITY_REVIEW_DAYS)
    people = (
        User.objects.with_role(Role.CONTRIBUTOR)
        # Only people who can sign in and answer themselves.
        .exclude(offline_q(path=""))
        .filter(
            contributor__status=ContributorStatus.ACTIVE,
            contributor__erased_at__isnull=True,
        )
        .filter(Q(diversity_record__isnull=True) | Q(diversity_record__updated_at__lt=cutoff))
        # Newcomers were asked when they joined; wait a month before asking again.
        .filter(date_joined__lt=now - timedelta(days=30))
        .select_related("diversity_record")
    )
    lines = []
    for person in people:
        outcome = send_reminder_once(
            kind=EQUALITY_REVIEW,
            object_key=str(person.public_id),
            recipient=person,
            period=str(now.year),
            template="contributors_equality_review",
            context={"has_answers": hasattr(person, "diversity_record")},
            dry_run=dry_run,
        )
        if outcome.sent:
            lines.append(f"equality review invitation to {person.email}")
    return lines


def _forget_people_on_change() -> None:
    """The "people" figures (models.offline_count) count a coordinator's scope
    (portal.people.people_q and this app's contributor_links): forgotten on any change to a row
    a link reads (taking part, an activity's or opportunity's project, a project's lead or
    coordinators, a role, an interest, a profile's registrar or erasure) or to what makes a
    person offline (their email or password: any save of a person but the sign-in stamp). A
    new link (portal.people.register_link) adds the models it reads here."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from portal.models import Activity, Participation, Project, User

    from .models import Contributor, ExpressionOfInterest, Opportunity, RoleAssignment

    figures.forget_on_change(
        "people",
        Participation,
        Activity,
        Project,
        RoleAssignment,
        ExpressionOfInterest,
        Opportunity,
        Contributor,
    )
    forget = figures.receiver("people")
    for through in (Project.coordinators.through, User.groups.through):
        m2m_changed.connect(
            forget,
            sender=through,
            weak=False,
            dispatch_uid=f"portal.figures.people.{through._meta.label_lower}",
        )

    def person_saved(update_fields=None, **kwargs) -> None:
        if update_fields is None or set(update_fields) - {"last_login"}:
            forget()

    post_save.connect(person_saved, sender=User, weak=False, dispatch_uid="portal.figures.people.user.save")
    post_delete.connect(forget, sender=User, weak=False, dispatch_uid="portal.figures.people.user.delete")


def register() -> None:
    from portal import dashboard, reminders
    from portal.models import Project, Role

    from .models import (
        BenefitAnswer,
        ContactTask,
        Contributor,
        DiversityRecord,
        ErasureRequest,
        ExpressionOfInterest,
        Opportunity,
        RoleAssignment,
    )

    # The profile facts, roles and interests on a contributor's home (selectors.home_facts)
    # as well as the staff counts; a project's title is on the roles.
    figures.forget_on_change(
        "contributors",
        ContactTask,
        ErasureRequest,
        Opportunity,
        Contributor,
        DiversityRecord,
        BenefitAnswer,
        RoleAssignment,
        ExpressionOfInterest,
        Project,
    )
    _forget_people_on_change()
    dashboard.register_panel(
        role=Role.CONTRIBUTOR,
        template="contributors/panels/home_contributor.html",
        context=_contributor_home,
        order=10,
        figures=lambda request: [
            ("contributors:open", ""),
            ("contributors:home", figures.person(request.user)),
        ],
    )
    dashboard.register_panel(
        role=Role.COORDINATOR,
        template="contributors/panels/home_coordinator.html",
        context=_coordinator_home,
        order=30,
        figures=lambda request: [("contributors:tasks", "")],
    )
    dashboard.register_panel(
        role=Role.MANAGER,
        template="contributors/panels/home_manager.html",
        context=_manager_home,
        order=30,
        figures=lambda request: [("contributors:manager", "")],
    )
    dashboard.register_panel(
        role="project", template="contributors/panels/project.html", context=_project_panel, order=20
    )
    dashboard.register_panel(
        role="activity",
        template="contributors/panels/activity.html",
        context=_activity_panel,
        order=5,
        rows=_activity_rows,
    )
    dashboard.register_nav(
        label="Opportunities",
        url_name="contributors:opportunity_list",
        roles=(Role.CONTRIBUTOR, Role.COORDINATOR, Role.MANAGER),
        order=20,
    )
    dashboard.register_nav(
        label="Your profile",
        url_name="contributors:profile",
        roles=(Role.CONTRIBUTOR,),
        order=30,
        match_prefix="/contributors/profile/",
    )
    dashboard.register_nav(
        label="People", url_name="contributors:directory", roles=(Role.COORDINATOR, Role.MANAGER), order=40
    )
    dashboard.register_nav(
        label="Role register", url_name="contributors:role_register", roles=(Role.MANAGER,), order=45
    )
    reminders.register_kind(EQUALITY_REVIEW, "A yearly invitation to review your equality monitoring answers")
    reminders.register_sweep("contributors-equality-review", equality_review_sweep)
