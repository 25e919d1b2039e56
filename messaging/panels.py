"""What messaging adds to the portal: activity and project panels, navigation, the message
opt-out and the text sender reminders use."""

from portal.compiled import Compiled


def _activity_panel(request, activity):
    from . import permissions

    return {
        "activity": activity,
        "can_message": permissions.can_message_project(request.user, activity.project),
    }


def _project_panel(request, project):
    from contributors.models import Opportunity

    from . import permissions

    if not permissions.can_message_project(request.user, project):
        return None
    return {
        "project": project,
        "opportunities": Opportunity.objects.filter(project=project).order_by("-closes_on")[:10],
    }


def _first_role(request) -> str:
    """The first of the person's roles that shows panels: the banner is shown there, once."""
    from portal.models import Role

    return next(r for r in (Role.CONTRIBUTOR, Role.COORDINATOR, Role.MANAGER) if request.user.has_role(r))


def _home_for(role: str):
    def context(request):
        return _home(request) if _first_role(request) == role else None

    return context


def _rows_for(role: str):
    def rows(request):
        return [(_COUNTS, {"person": request.user.pk})] if _first_role(request) == role else []

    return rows


def _counts(*, person):
    from django.db.models import CharField, F, Func, Value

    from .models import Delivery, Reply

    def count(rows, name: str):
        # COUNT as a plain function, not an aggregate: no GROUP BY, one row per count.
        return rows.order_by().values_list(
            Value(name, output_field=CharField()), Func(F("pk"), function="COUNT")
        )

    # Both of the person's counts in one query, each row named. A UNION of two counts costs
    # about two thirds of the Python that the same counts as subqueries of a query on the
    # user did, on every home page.
    return count(Delivery.objects.filter(recipient=person, read_at__isnull=True), "unread").union(
        count(Reply.objects.filter(delivery__message__sender=person, read_at__isnull=True), "replies"),
        all=True,
    )


_COUNTS = Compiled(_counts)


def _home(request):
    # Never cached (reading a message changes them), but compiled once a process.
    counts = dict(_COUNTS.rows(person=request.user.pk))
    if not counts["unread"] and not counts["replies"]:
        return None
    return counts


def data_export_section(user) -> dict:
    """A person's messages, what became of each, their replies, and whether they have a feed."""
    from contributors.data_export import Records

    from .models import CalendarFeed, Delivery

    deliveries = (
        Delivery.objects.filter(recipient=user)
        .select_related("message__sender")
        .prefetch_related("replies")
        .order_by("-message__created_at", "pk")
    )
    return {
        "messages": Records(
            deliveries,
            lambda d: {
                "from": str(d.message.sender),
                "sent": d.message.created_at.isoformat(),
                "subject": d.message.subject,
                "body": d.message.body,
                "by": d.get_channel_display(),
                "status": d.get_status_display(),
                "read": d.read_at.isoformat() if d.read_at else None,
                "your_replies": [r.body for r in d.replies.all()],
            },
            title="subject",
        ),
        "has_calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
    }


def register() -> None:
    from portal import dashboard, reminders
    from portal.models import Role

    from . import backends, services

    for role in (Role.CONTRIBUTOR, Role.COORDINATOR, Role.MANAGER):
        dashboard.register_panel(
            role=role,
            template="messaging/panels/home.html",
            context=_home_for(role),
            order=5,
            rows=_rows_for(role),
        )
    dashboard.register_panel(
        role="activity", template="messaging/panels/activity.html", context=_activity_panel, order=10
    )
    dashboard.register_panel(
        role="project", template="messaging/panels/project.html", context=_project_panel, order=40
    )
    dashboard.register_nav(
        label="Messages",
        url_name="messaging:inbox",
        roles=(Role.CONTRIBUTOR, Role.COORDINATOR, Role.MANAGER),
        order=60,
    )
    reminders.register_kind(
        services.MESSAGE_KIND,
        "Messages from coordinators by email or text (you still see them in the portal)",
    )
    reminders.register_text_sender(services.text_reminder, available=backends.can_send_texts)
    from contributors.data_export import register_section

    register_section(
        "messages",
        data_export_section,
        title="Messages",
        about="Messages coordinators sent you, how each reached you, whether you read it, your "
        "replies, and whether you have a calendar feed.",
    )
