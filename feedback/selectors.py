"""Reads: is feedback kept on time, what is owed, what a contributor has been told."""

from datetime import date
from decimal import Decimal
from statistics import median

from django.db.models import Count, DurationField, ExpressionWrapper, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from portal import figures
from portal.models import Activity, Participation, Project, User, display_name
from portal.money import percentage, round_half_up
from portal.selectors import coordinated_projects

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
    # In SQL: a handful of counts, then the one or two middle rows for the median (issue 12).
    rows = _scoped(projects, start, end)
    due = Q(status=FeedbackOwedStatus.DUE)
    given_on = TruncDate("given_at")  # in the current time zone, as timezone.localdate
    counts = rows.aggregate(
        owed=Count("pk"),
        overdue=Count("pk", filter=due & Q(due_on__lt=today)),
        still_due=Count("pk", filter=due & Q(due_on__gte=today)),
        on_time=Count("pk", filter=~due & Q(due_on__gte=given_on)),
        late=Count("pk", filter=~due & Q(due_on__lt=given_on)),
        ratings=Count("usefulness", filter=~due),
        rating_sum=Sum("usefulness", filter=~due),
    )
    given = counts["on_time"] + counts["late"]
    days_to_feedback = []
    if given:
        waited = ExpressionWrapper(
            given_on - TruncDate("participation__activity__starts_at"), output_field=DurationField()
        )
        middle = (
            rows.exclude(due)
            .annotate(waited=waited)
            .order_by("waited", "pk")
            .values_list("waited", flat=True)
        )
        # Feedback given before the activity counts as 0 days (clamping keeps the order).
        days_to_feedback = [max(w.days, 0) for w in middle[(given - 1) // 2 : given // 2 + 1]]
    judged = counts["on_time"] + counts["late"] + counts["overdue"]
    ratings = counts["ratings"]
    return {
        "owed": counts["owed"],
        "given_on_time": counts["on_time"],
        "given_late": counts["late"],
        "overdue": counts["overdue"],
        "still_due": counts["still_due"],
        "on_time_share": percentage(counts["on_time"], judged),
        "median_days_to_feedback": round_half_up(median(days_to_feedback)) if days_to_feedback else None,
        "mean_usefulness": round_half_up(Decimal(counts["rating_sum"]) / ratings) if ratings else None,
        "ratings": ratings,
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


def _grouped_owed(rows) -> list[dict]:
    """Due obligations grouped per activity in SQL: people owed and the first due date, with
    what the list orders and scopes them by."""
    return list(
        rows.order_by()
        .values("participation__activity", "participation__activity__project")
        .annotate(
            people=Count("pk"), first_due=Min("due_on"), starts_at=Min("participation__activity__starts_at")
        )
    )


def _owed_everywhere() -> list[dict]:
    """Every activity with feedback still to give, whoever coordinates it: the same answer for
    everyone, a scan of every due obligation (16 ms at 13,000), so kept as a figure. Forgotten
    on any save of an obligation (given, withdrawn, new) or an activity (its start orders the
    list): feedback.panels.register."""
    return figures.cached("feedback:owed_everywhere", lambda: _grouped_owed(FeedbackOwed.objects.due()))


def owed_activity_rows(user: User) -> list[dict]:
    """Per activity with feedback still to give that the person may see: people owed and the
    first due date, overdue first (the earliest due dates are the overdue ones), then by due
    date and start; one row per activity however many people are owed (owed_rows turns a page
    of these into rows).

    The rows FeedbackOwed.visible_to shows, counted the same way: a project the coordinator
    runs shows all of its obligations, so those activities' counts are the organisation's
    (_owed_everywhere); elsewhere they see only what they own or are owed themselves, counted
    in SQL and only when some other project owes anything at all."""
    if not user.is_authenticated:
        return []
    if user.is_manager:
        rows = _owed_everywhere()
    elif user.is_coordinator:
        everywhere = _owed_everywhere()
        theirs = set(coordinated_projects(user))
        rows = [row for row in everywhere if row["participation__activity__project"] in theirs]
        if len(rows) < len(everywhere):
            # On this table's own columns, so PostgreSQL reads each side from its index (as
            # a subquery, the person's own participations made it scan every due obligation).
            attended = list(Participation.objects.filter(contributor=user).values_list("pk", flat=True))
            rows += _grouped_owed(
                FeedbackOwed.objects.due()
                .filter(Q(owner=user) | Q(participation__in=attended))
                .exclude(participation__activity__project__in=theirs)
            )
    else:
        rows = _grouped_owed(FeedbackOwed.objects.visible_to(user).due())
    return sorted(rows, key=lambda row: (row["first_due"], row["starts_at"], row["participation__activity"]))


def owed_rows(rows, *, today: date | None = None) -> list[dict]:
    """Rows of owed_activity_rows (a page, or all) with what the list and the home panel show of
    their activities, in one query: read as values (model instances four tables deep were most
    of this query's time in Python)."""
    today = today or timezone.localdate()
    rows = list(rows)
    activities = {
        a["pk"]: a
        for a in Activity.objects.filter(pk__in=[r["participation__activity"] for r in rows]).values(
            "pk",
            "public_id",
            "title",
            "starts_at",
            "project__title",
            "coordinator__name",
            "coordinator__email",
            "coordinator__public_id",
            "feedback__pk",
            "feedback__sent_at",
        )
    }
    out = []
    for row in rows:
        activity = activities[row["participation__activity"]]
        has_feedback = activity["feedback__pk"] is not None
        is_sent = activity["feedback__sent_at"] is not None
        out.append(
            {
                "public_id": activity["public_id"],
                "title": activity["title"],
                "starts_at": activity["starts_at"],
                "project_title": activity["project__title"],
                "coordinator": display_name(
                    activity["coordinator__name"],
                    activity["coordinator__email"],
                    activity["coordinator__public_id"],
                ),
                "people": row["people"],
                "due_on": row["first_due"],
                "is_overdue": row["first_due"] < today,
                "days_overdue": (today - row["first_due"]).days,
                "has_draft": has_feedback and not is_sent,
                "is_sent": is_sent,
            }
        )
    return out


def owed_by_activity(user: User, *, today: date | None = None) -> list[dict]:
    """Activities with feedback still to give, overdue first, then by due date."""
    return owed_rows(owed_activity_rows(user), today=today)


def contributor_feedback(user: User, *, today: date | None = None, unread_only: bool = False) -> dict:
    """What a contributor has been told, and what they are still owed. `unread_only` (the home
    page, which shows only new and owed) leaves out what they have read, usually most of it."""
    today = today or timezone.localdate()
    last_turn = FeedbackMessage.objects.filter(owed=OuterRef("pk")).order_by("-created_at", "-pk")
    rows = FeedbackOwed.objects.filter(participation__contributor=user)
    if unread_only:
        rows = rows.filter(status__in=[FeedbackOwedStatus.DUE, FeedbackOwedStatus.GIVEN])
    rows = (
        rows
        # With who wrote it: the home page and the feedback page name them on each item.
        .select_related("participation__activity__project", "feedback__written_by", "owner")
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
