"""Reminders carry the substance, go as far ahead as each person chose, and text who wants texts."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contributors.forms import ProfileForm, normalise_phone
from feedback.reminders import ACTIVITY_TOMORROW
from portal.models import ParticipationStatus, SentReminder
from portal.reminders import run_sweeps
from tests.factories import ActivityFactory, ContributorFactory, ParticipationFactory, UserFactory
from tests.helpers import committed

from .test_messaging import TEXT_PHONE


def _at_ten(days):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture
def week_ahead(project):
    return ActivityFactory(
        project=project, starts_at=_at_ten(7), title="Panel", location="Room 4", description="Read chapter 2."
    )


def test_a_person_who_asked_for_a_week_ahead_gets_it_with_the_details(client, cara, week_ahead):
    ParticipationFactory(activity=week_ahead, contributor=cara, status=ParticipationStatus.CONFIRMED)
    committed(run_sweeps, only="feedback")
    assert mail.outbox == []  # the default is the day before only

    client.force_login(cara)
    response = client.post(
        reverse("portal:reminder_settings"),
        {"kinds": [ACTIVITY_TOMORROW], f"lead-{ACTIVITY_TOMORROW}": ["7", "1"]},
    )
    assert response.status_code == 302
    cara.refresh_from_db()
    assert cara.reminder_lead_days[ACTIVITY_TOMORROW] == [7, 1]

    committed(run_sweeps, only="feedback")
    committed(run_sweeps, only="feedback")
    [email] = mail.outbox
    assert email.subject == "Coming up in 7 days: Panel"
    assert "Room 4" in email.body
    assert "What to prepare: Read chapter 2." in email.body
    assert "fatima@example.org" in email.body


def test_text_people_get_a_text_reminder(project, notify):
    texter = UserFactory(email="tomi@example.org", contributor=True)
    ContributorFactory(user=texter, contact_method="text", phone=TEXT_PHONE)
    ParticipationFactory(
        activity=ActivityFactory(project=project, starts_at=_at_ten(1), title="Panel"), contributor=texter
    )
    committed(run_sweeps, only="feedback")
    committed(run_sweeps, only="feedback")
    [text] = notify.texts_to(TEXT_PHONE)
    assert "Panel is tomorrow" in text["personalisation"]["body"]
    assert SentReminder.objects.get(recipient=texter).channel == "text"
    assert mail.outbox == []


def test_cancelled_activities_are_not_reminded(cara, project):
    activity = ActivityFactory(project=project, starts_at=_at_ten(1), cancelled_at=timezone.now())
    ParticipationFactory(activity=activity, contributor=cara)
    committed(run_sweeps, only="feedback")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("07400 123456", "+447400123456"), ("+44 (0)113 496 0000", "+441134960000"), ("", "")],
)
def test_phone_numbers_are_stored_in_e164(typed, stored):
    assert normalise_phone(typed) == stored


def test_the_profile_form_refuses_a_landline_for_texts():
    form = ProfileForm(data={"name": "Tomi", "contact_method": "text", "phone": "0113 496 0000"})
    form.is_valid()
    assert "mobile" in form.errors["phone"][0]
    form = ProfileForm(data={"name": "Tomi", "contact_method": "text", "phone": "12"})
    form.is_valid()
    assert form.errors["phone"] == ["Enter a phone number, like 01632 960 001 or 07700 900 982"]


def test_a_rate_limited_text_reminder_is_tried_again_next_sweep(project, notify):
    from .notify_stub import RATE_LIMITED

    texter = UserFactory(email="tomi@example.org", contributor=True)
    ContributorFactory(user=texter, contact_method="text", phone=TEXT_PHONE)
    ParticipationFactory(activity=ActivityFactory(project=project, starts_at=_at_ten(1)), contributor=texter)
    notify.script[TEXT_PHONE] = [RATE_LIMITED]
    committed(run_sweeps, only="feedback")
    assert not SentReminder.objects.filter(recipient=texter).exists()
    committed(run_sweeps, only="feedback")
    assert len(notify.texts_to(TEXT_PHONE)) == 1
    assert SentReminder.objects.filter(recipient=texter).count() == 1
