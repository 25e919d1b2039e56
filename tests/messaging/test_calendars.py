"""An activity's .ics and a person's feed import into a calendar parser, and follow changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from messaging import services
from portal.models import ParticipationStatus
from portal.services import cancel_activity, update_activity
from tests.factories import ActivityFactory, ParticipationFactory


@pytest.fixture
def activity(project):
    return ActivityFactory(
        project=project,
        title="Steering group",
        mode="in_person",
        location="Room 4, Leeds General Infirmary",
        description="Read the summary we posted.",
        # iCalendar times are to the second.
        starts_at=(timezone.now() + timedelta(days=7)).replace(microsecond=0),
    )


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_activity_ics_has_time_zone_place_access_and_organiser(client, cara, activity, fatima):
    ParticipationFactory(activity=activity, contributor=cara)
    client.force_login(cara)
    response = client.get(reverse("messaging:activity_ics", args=[activity.public_id]))
    [event] = _events(response)
    cal = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert event["SUMMARY"] == "Steering group"
    assert event.decoded("DTSTART") == activity.starts_at
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/London"
    assert event["LOCATION"] == "Room 4, Leeds General Infirmary"
    assert "Accessibility:" in event["DESCRIPTION"]
    assert "Read the summary" in event["DESCRIPTION"]
    assert str(event["ORGANIZER"]) == "mailto:fatima@example.org"
    assert event["ORGANIZER"].params["CN"] == "Fatima Rahman"


def test_someone_not_taking_part_gets_404(client, olu, activity):
    client.force_login(olu)
    assert client.get(reverse("messaging:activity_ics", args=[activity.public_id])).status_code == 404


def test_personal_feed_follows_moves_and_cancellations(client, cara, olu, activity, fatima):
    ParticipationFactory(activity=activity, contributor=cara, status=ParticipationStatus.CONFIRMED)
    ParticipationFactory(activity=ActivityFactory(project=activity.project), contributor=cara)  # only invited
    url = reverse("messaging:calendar_feed", args=[services.feed_for(user=cara).token])

    [event] = _events(client.get(url))  # no sign-in: the token is the key
    assert (event["SEQUENCE"], event["STATUS"]) == (0, "CONFIRMED")

    moved_to = activity.starts_at + timedelta(days=2)
    update_activity(actor=fatima, activity=activity, starts_at=moved_to)
    [event] = _events(client.get(url))
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == moved_to

    cancel_activity(actor=fatima, activity=activity)
    cancel_activity(actor=fatima, activity=activity)  # twice changes nothing
    [event] = _events(client.get(url))
    assert (event["SEQUENCE"], event["STATUS"]) == (2, "CANCELLED")
    activity.refresh_from_db()
    assert activity.is_cancelled


def test_resetting_the_feed_retires_the_old_address(client, cara):
    old = services.feed_for(user=cara).token
    client.force_login(cara)
    assert client.post(reverse("messaging:calendar_reset")).status_code == 302
    assert client.get(reverse("messaging:calendar_feed", args=[old])).status_code == 404
    new = services.feed_for(user=cara).token
    assert new != old
    assert client.get(reverse("messaging:calendar_feed", args=[new])).status_code == 200


def test_coordinators_feed_has_their_projects_activities(client, fatima, other_coordinator, activity):
    mine = reverse("messaging:calendar_feed", args=[services.feed_for(user=fatima).token])
    theirs = reverse("messaging:calendar_feed", args=[services.feed_for(user=other_coordinator).token])
    assert [e["SUMMARY"] for e in _events(client.get(mine))] == ["Steering group"]
    assert _events(client.get(theirs)) == []


def test_cancelling_through_the_page_tells_people(
    client, cara, fatima, activity, mailoutbox, django_capture_on_commit_callbacks
):
    ParticipationFactory(activity=activity, contributor=cara, status=ParticipationStatus.CONFIRMED)
    client.force_login(fatima)
    url = reverse("messaging:activity_cancel", args=[activity.public_id])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"body": "Sorry, we have to call it off."}).status_code == 302
    activity.refresh_from_db()
    assert activity.is_cancelled
    assert [m.subject for m in mailoutbox] == ["Cancelled: Steering group"]
