"""Context for the feedback panels on home, project and activity pages (None hides a panel)."""

from django.db.models import Count, Min, Q
from django.utils import timezone

from portal import dashboard, figures, reminders
from portal.compiled import Compiled
from portal.models import Activity, Project
from portal.permissions import can_manage_project
from portal.signals import participation_changed, person_erased

from . import erasure, permissions, selectors
from . import reminders as feedback_reminders
from .models import ActivityFeedback, FeedbackOwed, FeedbackOwedStatus
from .services import on_participation_changed


def _new_and_owed(*, person):
    return (
        FeedbackOwed.objects.filter(
            participation__contributor=person,
            status__in=[FeedbackOwedStatus.DUE, FeedbackOwedStatus.GIVEN],
        )
        .order_by("-participation__activity__starts_at")
        .values_list(
            "public_id",
            "status",
            "due_on",
            "given_at",
            "participation__activity__title",
            "feedback__written_by__name",
            "feedback__written_by__email",
            "feedback__written_by__public_id",
            "owner__name",
            "owner__email",
            "owner__public_id",
        )
    )


# Compiled once a process (portal.compiled.Compiled): it runs on every contributor's home.
_NEW_AND_OWED = Compiled(_new_and_owed)
HOME_ROWS = 5


def contributor_home(request) -> dict:
    """New and owed feedback, as `selectors.contributor_feedback(unread_only=True)` orders it,
    but only the columns the panel shows: the full rows (seven tables, a subquery, six objects
    a row) made this the slowest panel on the home page. Never cached: a person who has just
    read their feedback sees it gone."""
    today = timezone.localdate()
    new, owed = [], []
    for public_id, status, due_on, given_at, title, *people in _NEW_AND_OWED.rows(person=request.user.pk):
        if status == FeedbackOwedStatus.DUE:
            owed.append({"title": title, "due_on": due_on, "is_overdue": due_on < today})
        else:
            # Who wrote the activity's feedback, else whoever owes it: as User.__str__ names them.
            writer = people[:3] if people[2] is not None else people[3:]
            name = writer[0] or writer[1] or str(writer[2])
            new.append({"public_id": public_id, "title": title, "given_at": given_at, "from": name})
    owed.sort(key=lambda r: r["due_on"])
    # The five of each a home has room for, as the coordinator's panel shows five: the rest are
    # on "All your feedback", a page at a time.
    return {
        "new": new[:HOME_ROWS],
        "new_more": max(len(new) - HOME_ROWS, 0),
        "owed": owed[:HOME_ROWS],
        "owed_more": max(len(owed) - HOME_ROWS, 0),
    }


def coordinator_home(request) -> dict:
    user = request.user
    rows = selectors.owed_activity_rows(user)
    today = timezone.localdate()
    return {
        "rows": selectors.owed_rows(rows[:5], today=today),
        "more": max(len(rows) - 5, 0),
        "overdue_activities": sum(1 for row in rows if row["first_due"] < today),
        # Counts over every obligation in the person's projects: cached for them (portal.figures).
        "compliance": figures.cached(
            "feedback:compliance",
            lambda: selectors.feedback_compliance(projects=Project.objects.coordinated_by(user)),
            scope=figures.person(user),
        ),
    }


def manager_home(request) -> dict:
    return {"compliance": figures.cached("feedback:compliance", selectors.feedback_compliance)}


def project_panel(request, project) -> dict | None:
    if not can_manage_project(request.user, project):
        return None
    return {"project": project, "compliance": selectors.feedback_compliance(projects=[project])}


def _activity_counts(activity, today) -> dict:
    # Counted in SQL, not a row per person taking part (a big activity has hundreds).
    due = Q(status=FeedbackOwedStatus.DUE)
    counts = FeedbackOwed.objects.filter(participation__activity=activity).aggregate(
        owed=Count("pk"),
        given=Count("pk", filter=~due),
        overdue=Count("pk", filter=due & Q(due_on__lt=today)),
        first_due=Min("due_on", filter=due),
    )
    counts["feedback"] = ActivityFeedback.objects.filter(activity=activity).first()
    return counts


def _activity_scope(activity, today) -> str:
    return f"{activity.pk}:{activity.public_id}:{today.isoformat()}"


def activity_panel(request, activity) -> dict | None:
    user = request.user
    if permissions.can_give_feedback(user, activity):
        today = timezone.localdate()
        # The same for everyone who coordinates the activity, and two queries on every view of
        # its page: kept as a figure, forgotten when an obligation, the feedback or the
        # activity is saved (register), and by the day (what is overdue).
        counts = figures.cached(
            "feedback:activity",
            lambda: _activity_counts(activity, today),
            scope=_activity_scope(activity, today),
        )
        if not counts["owed"] and not activity.is_past:
            return None
        return {"mode": "coordinator", "activity": activity, **counts}
    owed = (
        FeedbackOwed.objects.filter(participation__activity=activity, participation__contributor=user)
        .select_related("feedback")
        .first()
    )
    if owed is None:
        return None
    return {"mode": "contributor", "activity": activity, "owed": owed}


def register() -> None:
    # Activity: its start orders feedback owed (selectors._owed_everywhere).
    figures.forget_on_change("feedback", FeedbackOwed, ActivityFeedback, Activity)
    participation_changed.connect(on_participation_changed, dispatch_uid="feedback.owed")
    person_erased.connect(erasure.forget_person, dispatch_uid="feedback.erasure")
    reminders.register_sweep("feedback", feedback_reminders.sweep)
    for kind, label in feedback_reminders.KIND_LABELS.items():
        if kind == feedback_reminders.ACTIVITY_TOMORROW:
            reminders.register_kind(kind, label, lead_days=(7, 1), default_lead_days=(1,))
        else:
            reminders.register_kind(kind, label)
    dashboard.register_panel(
        role="Contributor",
        template="feedback/panels/home_contributor.html",
        context=contributor_home,
        order=30,
        rows=lambda request: [(_NEW_AND_OWED, {"person": request.user.pk})],
    )
    dashboard.register_panel(
        role="Coordinator",
        template="feedback/panels/home_coordinator.html",
        context=coordinator_home,
        order=30,
        figures=lambda request: [
            ("feedback:compliance", figures.person(request.user)),
            ("feedback:owed_everywhere", ""),  # selectors.owed_activity_rows
        ],
    )
    dashboard.register_panel(
        role="Manager",
        template="feedback/panels/home_manager.html",
        context=manager_home,
        order=30,
        figures=lambda request: [("feedback:compliance", "")],
    )
    dashboard.register_panel(
        role="project",
        template="feedback/panels/project.html",
        context=project_panel,
        order=30,
    )
    dashboard.register_panel(
        role="activity",
        template="feedback/panels/activity.html",
        context=activity_panel,
        order=30,
        figures=lambda request, activity: [
            ("feedback:activity", _activity_scope(activity, timezone.localdate()))
        ],
    )
    dashboard.register_nav(
        label="Feedback", url_name="feedback:my_feedback", roles=("Contributor",), order=30
    )
    dashboard.register_nav(
        label="Feedback owed",
        url_name="feedback:owed_list",
        roles=("Coordinator",),
        order=30,
    )
    dashboard.register_nav(
        label="Feedback on time", url_name="feedback:compliance", roles=("Manager",), order=31
    )
