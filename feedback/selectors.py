"""Reads: is feedback kept on time, what is owed, what a contributor has been told."""

from datetime import date
from decimal import Decimal
from statistics import median

from django.db.models import Count, Min, OuterRef, Subquery
from django.utils import timezone

from portal.models import Activity, Project, User
from portal.money import percentage, round_half_up

from .models import FeedbackMessage, FeedbackOwed, FeedbackOwedStatus


def _scoped(projects=None, start: date | None = None, end: date | None = None):
    rows = FeedbackOwed.objects.all()
    if projects is not None:
        rows = rows.for_projects(projects)
    if start is not None:
        rows = rows.filter(participation__activity__starts_at__date__gte=start)
    if end is not None:
        rows = rows.filter(participation__activity__starts_at__date__lte=end)
    return rows


def feedback_compliance(
    *, projects=None, start: date | None = None, end: date | None = None, today: date | None = None
) -> dict:
    """Feedback owed on activities in [start, end] (all when None) for the given projects.

    `on_time_share` is given-on-time over everything whose due date has passed or that has
    been given (feedback still inside its period counts neither way), as a percentage.
    """
    today = today or timezone.localdate()
    rows = list(
        _scoped(projects, start, end).values(
            "status", "due_on", "given_at", "usefulness", "participation__activity__starts_at"
        )
    )
    on_time = late = overdue = still_due = 0
    days_to_feedback = []
    ratings = []
    for row in rows:
        if row["status"] == FeedbackOwedStatus.DUE:
            if row["due_on"] < today:
                overdue += 1
            else:
                still_due += 1
            continue
        given_on = timezone.localdate(row["given_at"])
        if given_on <= row["due_on"]:
            on_time += 1
        else:
            late += 1
        activity_on = timezone.localdate(row["participation__activity__starts_at"])
        days_to_feedback.append(max((given_on - activity_on).days, 0))
        if row["usefulness"] is not None:
            ratings.append(row["usefulness"])
    judged = on_time + late + overdue
    return {
        "owed": len(rows),
        "given_on_time": on_time,
        "given_late": late,
        "overdue": overdue,
        "still_due": still_due,
        "on_time_share": percentage(on_time, judged),
        "median_days_to_feedback": round_half_up(median(days_to_feedback)) if days_to_feedback else None,
        "mean_usefulness": round_half_up(Decimal(sum(ratings)) / len(ratings)) if ratings else None,
        "ratings": len(ratings),
    }


def overdue_feedback(
    *, projects=None, start: date | None = None, end: date | None = None, today: date | None = None
):
    """Each overdue obligation, oldest first, with who owes it."""
    return (
        _scoped(projects, start, end)
        .overdue(today)
        .select_related("participation__contributor", "participation__activity__project", "owner")
        .order_by("due_on", "participation__activity__starts_at")
    )


def projects_for_compliance(user: User):
    """Managers see every project's figures; coordinators those of the projects they run."""
    return Project.objects.managed_by(user)


def compliance_by_project(
    projects, *, start: date | None = None, end: date | None = None, today: date | None = None
) -> list[dict]:
    return [
        {"project": project, **feedback_compliance(projects=[project], start=start, end=end, today=today)}
        for project in projects
    ]


def owed_by_activity(user: User, *, today: date | None = None) -> list[dict]:
    """Activities with feedback still to give, overdue first, then by due date."""
    today = today or timezone.localdate()
    visible = FeedbackOwed.objects.visible_to(user).due().values("pk")
    rows = (
        FeedbackOwed.objects.filter(pk__in=visible)
        .order_by()
        .values("participation__activity")
        .annotate(people=Count("pk", distinct=True), first_due=Min("due_on"))
    )
    by_id = {r["participation__activity"]: r for r in rows}
    activities = Activity.objects.filter(pk__in=by_id).select_related("project", "coordinator", "feedback")
    out = []
    for activity in activities:
        row = by_id[activity.pk]
        draft = getattr(activity, "feedback", None)
        out.append(
            {
                "activity": activity,
                "people": row["people"],
                "due_on": row["first_due"],
                "is_overdue": row["first_due"] < today,
                "days_overdue": (today - row["first_due"]).days,
                "has_draft": draft is not None and not draft.is_sent,
                "is_sent": draft is not None and draft.is_sent,
            }
        )
    out.sort(key=lambda r: (not r["is_overdue"], r["due_on"], r["activity"].starts_at))
    return out


def contributor_feedback(user: User, *, today: date | None = None) -> dict:
    """What a contributor has been told, and what they are still owed."""
    today = today or timezone.localdate()
    last_turn = FeedbackMessage.objects.filter(owed=OuterRef("pk")).order_by("-created_at", "-pk")
    rows = (
        FeedbackOwed.objects.filter(participation__contributor=user)
        .select_related("participation__activity__project", "feedback", "owner")
        # The coordinator had the last word: the person has an answer waiting for them.
        .annotate(answered_by_staff=Subquery(last_turn.values("is_from_staff")[:1]))
        .order_by("-participation__activity__starts_at")
    )
    new, read, owed = [], [], []
    for row in rows:
        if row.status == FeedbackOwedStatus.DUE:
            owed.append(row)
        elif row.status == FeedbackOwedStatus.GIVEN:
            new.append(row)
        else:
            read.append(row)
    owed.sort(key=lambda r: r.due_on)
    return {"new": new, "read": read, "owed": owed, "today": today}


def activity_recipients(activity: Activity):
    """Everyone feedback is owed to (or was given to) for an activity, by name."""
    return (
        FeedbackOwed.objects.filter(participation__activity=activity)
        .select_related("participation__contributor")
        .order_by("participation__contributor__name")
    )
