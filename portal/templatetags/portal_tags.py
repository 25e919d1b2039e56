"""Formatting only: no queries, no logic."""

from django import template
from django.utils import timezone

from portal.money import format_money

register = template.Library()


@register.filter
def money(value):
    return format_money(value)


@register.filter
def person_hint(user) -> str:
    """What tells this person apart from a namesake (see portal.people.hint)."""
    from portal.people import hint

    return hint(user) if user else ""


@register.filter
def status_tag_colour(status: str) -> str:
    """GOV.UK tag colour for a workflow state."""
    return {
        "draft": "grey",
        "invited": "grey",
        "due": "yellow",
        "overdue": "red",
        "submitted": "blue",
        "confirmed": "blue",
        "returned": "orange",
        "approved": "green",
        "attended": "green",
        "given": "green",
        "paid": "turquoise",
        "acknowledged": "turquoise",
        "rejected": "red",
        "did_not_attend": "red",
        "withdrawn": "grey",
        "active": "green",
        "paused": "yellow",
        "closed": "grey",
        "left": "grey",
        "published": "green",
        "open": "green",
        "not_started": "blue",
        "current": "green",
        "ended": "grey",
    }.get(str(status), "grey")


@register.filter
def local_dt(value):
    return timezone.localtime(value) if value else value


@register.inclusion_tag("partials/error_summary.html")
def error_summary(*forms):
    return {"forms": [f for f in forms if f is not None and f.errors]}
