import threading
from datetime import datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from feedback import reminders
from portal.models import ParticipationStatus, SentReminder
from tests.factories import ActivityFactory, FeedbackOwedFactory, ParticipationFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def _at_noon(day):
    return datetime.combine(day, time(12, 0), tzinfo=LONDON)


def _sweep():
    # Email goes once the sweep's transaction commits; here, the test's transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders.sweep(now=timezone.now())


def _kinds():
    return sorted(SentReminder.objects.values_list("kind", "recipient__email"))


@pytest.fixture
def owed_in_a_week(fatima, project):
    activity = ActivityFactory(project=project, past=True, title="Leaflet review")
    return FeedbackOwedFactory(
        participation__activity=activity, due_on=timezone.localdate() + timedelta(days=7)
    )


def test_owner_is_reminded_once_a_week_before_feedback_is_due(owed_in_a_week):
    first = _sweep()
    second = _sweep()
    assert len(first) == 1
    assert second == []
    assert "feedback due soon to Fatima Rahman" in first[0]
    assert [m.to for m in mail.outbox] == [["fatima@example.org"]]
    assert mail.outbox[0].subject.startswith("Feedback on Leaflet review is due by")
    assert mail.outbox[0].alternatives  # an HTML body too
    assert _kinds() == [("feedback_due_soon", "fatima@example.org")]


def test_one_reminder_per_activity_however_many_people_are_owed(owed_in_a_week, fatima):
    FeedbackOwedFactory(
        participation__activity=owed_in_a_week.participation.activity, due_on=owed_in_a_week.due_on
    )
    (line,) = _sweep()
    assert "2 people" in line
    assert len(mail.outbox) == 1


def test_no_reminder_for_feedback_already_given(fatima, project):
    activity = ActivityFactory(project=project, past=True)
    FeedbackOwedFactory(given=True, participation__activity=activity, due_on=timezone.localdate())
    assert _sweep() == []


def test_overdue_goes_to_the_owner_the_day_after_and_to_managers_only_after_the_escalation_period(
    fatima, morgan, project, settings
):
    settings.PORTAL_FEEDBACK_ESCALATE_AFTER_DAYS = 14
    due_on = timezone.localdate() + timedelta(days=30)
    activity = ActivityFactory(project=project, starts_at=timezone.now() + timedelta(days=2))
    FeedbackOwedFactory(participation__activity=activity, due_on=due_on)

    def run_on(day):
        with time_machine.travel(_at_noon(day), tick=False), TestCase.captureOnCommitCallbacks(execute=True):
            call_command("send_reminders", stdout=StringIO())
        return _kinds()

    assert run_on(due_on) == [("feedback_due_soon", "fatima@example.org")]
    assert run_on(due_on + timedelta(days=1)) == [
        ("feedback_due_soon", "fatima@example.org"),
        ("feedback_overdue", "fatima@example.org"),
    ]
    assert run_on(due_on + timedelta(days=14)) == run_on(due_on + timedelta(days=1))
    after = run_on(due_on + timedelta(days=15))
    assert ("feedback_overdue_manager", "morgan@example.org") in after
    assert len(after) == 3
    assert run_on(due_on + timedelta(days=40)) == after  # each once
    assert [m.to[0] for m in mail.outbox] == [
        "fatima@example.org",
        "fatima@example.org",
        "morgan@example.org",
    ]
    assert "15 days overdue" in mail.outbox[-1].subject


def test_dry_run_sends_nothing_but_says_what_would_go(owed_in_a_week):
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert not SentReminder.objects.exists()
    assert "Would send: feedback: feedback due soon to Fatima Rahman" in out.getvalue()


def test_the_beat_task_sends_the_feedback_due_in_7_days_reminder(owed_in_a_week):
    from portal.tasks import send_reminders

    with TestCase.captureOnCommitCallbacks(execute=True):
        send_reminders.delay()
    assert [m.subject for m in mail.outbox if m.to == ["fatima@example.org"]] == [
        f"Feedback on Leaflet review is due by {owed_in_a_week.due_on:%-d %B}"
    ]


def test_a_muted_owner_gets_no_due_soon_email(owed_in_a_week, fatima):
    fatima.muted_reminders = [reminders.DUE_SOON]
    fatima.save()
    assert _sweep() == []
    assert mail.outbox == []


def _tomorrow_at_ten():
    return datetime.combine(timezone.localdate() + timedelta(days=1), time(10), tzinfo=LONDON)


def test_people_are_reminded_of_tomorrows_activity_by_their_chosen_channel(cara, olu, project):
    from contributors.models import ContactTask, Contributor

    Contributor.objects.create(user=olu, contact_method="phone", phone="07700 900123")
    activity = ActivityFactory(project=project, starts_at=_tomorrow_at_ten(), title="Steering group")
    ParticipationFactory(activity=activity, contributor=cara, status=ParticipationStatus.CONFIRMED)
    ParticipationFactory(activity=activity, contributor=olu, status=ParticipationStatus.CONFIRMED)
    ParticipationFactory(activity=activity, status=ParticipationStatus.DID_NOT_ATTEND)
    lines = _sweep()
    assert len(lines) == 2
    assert [m.to for m in mail.outbox] == [["cara@example.org"]]
    assert mail.outbox[0].subject == "Tomorrow: Steering group"
    offline = SentReminder.objects.get(recipient=olu)
    assert (offline.kind, offline.channel) == ("feedback_activity_tomorrow", "phone")
    call = ContactTask.objects.get(contributor__user=olu)
    assert (call.channel, call.subject) == ("phone", "Tomorrow: Steering group")
    assert _sweep() == []
    assert ContactTask.objects.count() == 1


def test_dry_run_does_not_put_offline_people_on_the_list(olu, project):
    from contributors.models import Contributor

    Contributor.objects.create(user=olu, contact_method="post")
    activity = ActivityFactory(project=project, starts_at=_tomorrow_at_ten())
    ParticipationFactory(activity=activity, contributor=olu)
    assert len(reminders.sweep(now=timezone.now(), dry_run=True)) == 1
    assert not SentReminder.objects.exists()


def test_every_feedback_reminder_kind_can_be_switched_off():
    from portal.reminders import KINDS

    assert {reminders.DUE_SOON, reminders.OVERDUE, reminders.OVERDUE_TO_MANAGER} <= set(KINDS)
    assert reminders.ACTIVITY_TOMORROW in KINDS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_a_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    fatima = UserFactory(email="fatima@example.org", name="Fatima Rahman", coordinator=True)
    activity = ActivityFactory(project__lead=fatima, past=True)
    FeedbackOwedFactory(participation__activity=activity, due_on=timezone.localdate() + timedelta(days=3))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            results.append(reminders.sweep(now=timezone.now()))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(kind=reminders.DUE_SOON).count() == 1
