"""RFC 5545 calendars (via `icalendar`): one activity's .ics, a person's private feed, and a
coordinator's feed of their projects' activities.

Each event's UID is the activity's public id, so a calendar that imported it once replaces it
when the activity moves (SEQUENCE goes up) and marks it cancelled (STATUS:CANCELLED) rather
than keeping a stale copy.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from portal.links import absolute_url
from portal.models import Activity, ActivityMode, ParticipationStatus, coordinated_by_q

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Public Partnerships Portal//Activities//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    return cal


def _access_info(activity: Activity) -> str:
    if activity.mode == ActivityMode.ONLINE:
        return "Online: you can join from home. Ask the coordinator for captions, a phone dial-in or any other help."
    return "In person. Tell the coordinator what you need to take part: step-free access, a hearing loop, an interpreter or a supporter."


def event_for(activity: Activity) -> Event:
    url = absolute_url(reverse("portal:activity_detail", args=[activity.public_id]))
    starts = activity.starts_at.astimezone(LONDON)
    hours = float(activity.expected_hours or 1) or 1.0
    event = Event()
    event.add(
        "uid", f"activity-{activity.public_id}@{settings.PORTAL_ORGANISATION_NAME.replace(' ', '-').lower()}"
    )
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(hours=hours))
    event.add("summary", activity.title)
    event.add("sequence", activity.sequence)
    event.add("last-modified", activity.updated_at)
    event.add("status", "CANCELLED" if activity.is_cancelled else "CONFIRMED")
    event.add("url", url)
    where = activity.location or activity.get_mode_display()
    event.add("location", where)
    description = [
        activity.description,
        f"Where: {activity.get_mode_display()}{': ' + activity.location if activity.location else ''}",
        f"Accessibility: {_access_info(activity)}",
        f"Coordinator: {activity.coordinator}"
        + (f" ({activity.coordinator.email})" if activity.coordinator.email else ""),
        f"Details: {url}",
    ]
    event.add("description", "\n\n".join(part for part in description if part))
    organiser = vCalAddress(f"mailto:{activity.coordinator.email or settings.PORTAL_CONTACT_EMAIL}")
    organiser.params["cn"] = vText(str(activity.coordinator))
    event.add("organizer", organiser)
    return event


def render(name: str, activities) -> bytes:
    cal = _calendar(name)
    for activity in activities:
        cal.add_component(event_for(activity))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_activities(user):
    """A person's confirmed (and attended) activities; for coordinators and managers also the
    activities of the projects they coordinate. Cancelled ones stay, marked cancelled."""
    q = Q(
        participations__contributor=user,
        participations__status__in=[ParticipationStatus.CONFIRMED, ParticipationStatus.ATTENDED],
    )
    if user.is_coordinator or user.is_manager:
        q |= coordinated_by_q(user)
    since = timezone.now() - timedelta(days=90)
    return (
        Activity.objects.filter(q, starts_at__gte=since)
        .distinct()
        .select_related("coordinator", "project")
        .order_by("starts_at")
    )
