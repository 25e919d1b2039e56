"""Feedback owed (issue 12): the organisation's per-activity counts are kept as a figure and
scoped per person; what each person sees is what FeedbackOwed.visible_to shows, and a change
shows on the next page."""

from datetime import timedelta

import pytest
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import FeedbackOwed
from feedback.selectors import owed_activity_rows
from tests.factories import (
    ActivityFactory,
    FeedbackItemFactory,
    FeedbackOwedFactory,
    ProjectFactory,
    UserFactory,
)


def _by_visible_to(user) -> list[tuple]:
    """The list as it was counted before the figure: grouped over visible_to in SQL."""
    rows = (
        FeedbackOwed.objects.visible_to(user)
        .due()
        .order_by()
        .values("participation__activity")
        .annotate(
            people=Count("pk"), first_due=Min("due_on"), starts_at=Min("participation__activity__starts_at")
        )
        .order_by("first_due", "starts_at", "participation__activity")
    )
    return [(r["participation__activity"], r["people"], r["first_due"]) for r in rows]


def _rows(user) -> list[tuple]:
    return [(r["participation__activity"], r["people"], r["first_due"]) for r in owed_activity_rows(user)]


@pytest.fixture
def world(fatima, project, cara, olu):
    """Fatima leads `project` and coordinates `theirs` through the coordinators table; in a
    project she does not run she owns one obligation and is owed another herself."""
    theirs = ProjectFactory(title="Co-run")
    theirs.coordinators.add(fatima)
    elsewhere = ProjectFactory(title="Elsewhere")
    past = timezone.now() - timedelta(days=40)
    led = ActivityFactory(project=project, starts_at=past)
    FeedbackOwedFactory(participation__activity=led, participation__contributor=cara)
    FeedbackOwedFactory(participation__activity=led, participation__contributor=olu)
    FeedbackOwedFactory(participation__activity=ActivityFactory(project=theirs, starts_at=past))
    other = ActivityFactory(project=elsewhere, starts_at=past - timedelta(days=1))
    FeedbackOwedFactory(participation__activity=other, owner=fatima)
    FeedbackOwedFactory(participation__activity=other)  # not hers: not counted for her
    FeedbackOwedFactory(
        participation__activity=ActivityFactory(project=elsewhere), participation__contributor=fatima
    )
    FeedbackOwedFactory(participation__activity=ActivityFactory(project=elsewhere))  # nobody she knows
    FeedbackOwedFactory(participation__activity=led, given=True)  # given: owed no longer
    return {"led": led, "other": other}


def test_everyone_sees_what_visible_to_shows_counted_the_same_way(
    world, fatima, other_coordinator, morgan, cara
):
    for user in (fatima, other_coordinator, morgan, cara):
        assert _rows(user) == _by_visible_to(user), user
    counts = {activity: people for activity, people, _ in _rows(fatima)}
    assert counts[world["led"].pk] == 2
    assert counts[world["other"].pk] == 1  # only the one she owns
    assert len(_rows(fatima)) == 4
    assert len(_rows(morgan)) == 5


def test_a_second_coordinator_of_a_project_sees_all_of_its_obligations(world, project, fatima):
    second = UserFactory(coordinator=True)
    project.coordinators.add(second)
    assert _rows(second) == _by_visible_to(second)
    assert [people for activity, people, _ in _rows(second)] == [2]


def test_feedback_sent_leaves_the_list_on_the_next_page(client, fatima, world):
    client.force_login(fatima)
    url = reverse("feedback:owed_list")
    led = world["led"]
    assert led.title in client.get(url).content.decode()
    feedback = FeedbackItemFactory(feedback__activity=led, feedback__written_by=fatima).feedback
    services.send_activity_feedback(actor=fatima, feedback=feedback)
    assert led.title not in client.get(url).content.decode()


def test_new_obligations_and_a_moved_activity_show_on_the_next_page(client, fatima, project, world):
    client.force_login(fatima)
    url = reverse("feedback:owed_list")
    client.get(url)
    fresh = ActivityFactory(
        project=project, title="Just attended", starts_at=timezone.now() - timedelta(days=80)
    )
    FeedbackOwedFactory(participation__activity=fresh, due_on=timezone.localdate() - timedelta(days=60))
    html = client.get(url).content.decode()
    assert "Just attended" in html
    assert html.index("Just attended") < html.index(world["led"].title)  # longest overdue first

    # Ordered by first due date, then by start: moving an activity reorders the list.
    led = world["led"]
    led_due = FeedbackOwed.objects.filter(participation__activity=led).due().first().due_on
    FeedbackOwed.objects.filter(participation__activity=fresh).update(due_on=led_due)  # no signal
    fresh.starts_at = led.starts_at + timedelta(hours=1)
    fresh.save()
    html = client.get(url).content.decode()
    assert html.index(led.title) < html.index("Just attended")


def test_the_list_costs_the_same_queries_for_one_activity_or_many(client, fatima, project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(fatima)
    url = reverse("feedback:owed_list")
    FeedbackOwedFactory(participation__activity=ActivityFactory(project=project, past=True))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(30):
        FeedbackOwedFactory(participation__activity=ActivityFactory(project=project, past=True))
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one) <= 6


def test_each_row_says_how_many_are_owed_and_for_how_long_in_words(client, fatima, project):
    today = timezone.localdate()
    one = ActivityFactory(project=project, title="One person", starts_at=timezone.now() - timedelta(days=30))
    FeedbackOwedFactory(participation__activity=one, due_on=today - timedelta(days=1))
    two = ActivityFactory(project=project, title="Two people", starts_at=timezone.now() - timedelta(days=20))
    for _ in range(2):
        FeedbackOwedFactory(participation__activity=two, due_on=today - timedelta(days=3))
    client.force_login(fatima)
    html = client.get(reverse("feedback:owed_list")).content.decode()
    longest_overdue, then = html.split(">One person</a>")  # overdue longest first
    assert "owed to 2 people ·" in longest_overdue
    assert ">3 days</span>" in longest_overdue
    assert "owed to 1 person ·" in then
    assert ">1 day</span>" in then
    assert f"{(today - timedelta(days=3)):%-d %b %Y}</td>" in html
    write = reverse("feedback:activity_feedback_write", args=[two.public_id])
    assert f'<a class="govuk-link" href="{write}">Two people</a>' in html


def test_each_row_says_whether_feedback_is_due_drafted_or_sent_to_others_already(client, fatima, project):
    from tests.factories import ActivityFeedbackFactory

    soon = timezone.localdate() + timedelta(days=5)
    due = ActivityFactory(project=project, title="Nothing written", past=True)
    FeedbackOwedFactory(participation__activity=due, due_on=soon)
    draft = ActivityFactory(project=project, title="Written not sent", past=True)
    FeedbackOwedFactory(participation__activity=draft, due_on=soon)
    ActivityFeedbackFactory(activity=draft)
    sent = ActivityFactory(project=project, title="Sent, then one more", past=True)
    FeedbackOwedFactory(participation__activity=sent, due_on=soon)
    ActivityFeedbackFactory(activity=sent, sent=True)
    client.force_login(fatima)
    html = client.get(reverse("feedback:owed_list")).content.decode()

    def status_of(title):
        row = html.split(f">{title}</a>")[1].split("</tr>")[0]
        return row.rsplit('<td class="govuk-table__cell">', 1)[1]

    assert status_of("Nothing written") == '<strong class="govuk-tag govuk-tag--yellow">Due</strong></td>'
    assert status_of("Written not sent") == '<strong class="govuk-tag govuk-tag--grey">Draft</strong></td>'
    assert (
        status_of("Sent, then one more")
        == '<strong class="govuk-tag govuk-tag--yellow">New people</strong></td>'
    )
    assert f"· {fatima.name}</span>" in html  # the coordinator, by name
