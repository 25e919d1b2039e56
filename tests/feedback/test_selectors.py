from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from feedback.selectors import feedback_compliance, owed_by_activity
from tests.factories import ActivityFactory, FeedbackOwedFactory, ProjectFactory


def _owed(activity, due_in_days, given_days_after_activity=None, usefulness=None):
    due_on = activity.occurs_on + timedelta(days=due_in_days)
    if given_days_after_activity is None:
        return FeedbackOwedFactory(participation__activity=activity, due_on=due_on)
    return FeedbackOwedFactory(
        participation__activity=activity,
        due_on=due_on,
        given=True,
        given_at=activity.starts_at + timedelta(days=given_days_after_activity),
        usefulness=usefulness,
    )


def _days_ago_at_noon(days: int):
    """Local noon that many days ago: days to feedback are counted between local dates, so an
    activity at 23:30 UTC before the clocks went back was on the next day in London, and a test
    run late in the evening counted one day fewer than the timedelta it was built with."""
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time(12)))


@pytest.fixture
def activity(project):
    return ActivityFactory(project=project, starts_at=_days_ago_at_noon(40))


def test_compliance_counts_on_time_late_overdue_and_still_due(project, activity):
    recent = ActivityFactory(project=project, starts_at=_days_ago_at_noon(2))
    _owed(activity, 28, given_days_after_activity=10, usefulness=5)
    _owed(activity, 28, given_days_after_activity=20, usefulness=2)
    _owed(activity, 28, given_days_after_activity=35)
    _owed(activity, 28)  # overdue
    _owed(recent, 28)  # still due
    result = feedback_compliance(projects=[project])
    assert result == {
        "owed": 5,
        "given_on_time": 2,
        "given_late": 1,
        "overdue": 1,
        "still_due": 1,
        "on_time_share": Decimal("50.0"),
        "median_days_to_feedback": Decimal("20.0"),
        "mean_usefulness": Decimal("3.5"),
        "ratings": 2,
    }


def test_compliance_is_empty_when_nothing_was_due(project):
    result = feedback_compliance(projects=[project])
    assert result["owed"] == 0
    assert result["on_time_share"] is None
    assert result["median_days_to_feedback"] is None
    assert result["mean_usefulness"] is None


def test_compliance_is_scoped_to_projects_and_dates(project, activity):
    other = ActivityFactory(project=ProjectFactory(), starts_at=activity.starts_at)
    _owed(activity, 28, given_days_after_activity=1)
    _owed(other, 28)
    assert feedback_compliance(projects=[project])["owed"] == 1
    assert feedback_compliance()["owed"] == 2
    later = activity.occurs_on + timedelta(days=1)
    assert feedback_compliance(start=later)["owed"] == 0
    assert feedback_compliance(end=activity.occurs_on)["owed"] == 2


def test_feedback_owed_list_puts_overdue_activities_first(fatima, project, activity):
    soon = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=1), title="Soon")
    _owed(soon, 7)
    _owed(activity, 28)
    _owed(activity, 28)
    rows = owed_by_activity(fatima)
    assert [(r["public_id"], r["title"], r["people"], r["is_overdue"]) for r in rows] == [
        (activity.public_id, activity.title, 2, True),
        (soon.public_id, "Soon", 1, False),
    ]


def test_other_coordinators_see_no_feedback_owed_on_projects_they_do_not_run(other_coordinator, activity):
    _owed(activity, 28)
    assert owed_by_activity(other_coordinator) == []
