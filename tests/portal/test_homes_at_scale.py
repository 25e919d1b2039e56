"""The contributor home and the activity page at scale (issue 12): lists that grew with the
data are paged or left out, and what the pages show is unchanged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import FeedbackOwed, FeedbackOwedStatus
from portal.pagination import PAGE_SIZE
from tests.factories import ActivityFactory, ContributorFactory, ParticipationFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False


def _people(activity, n):
    for i in range(n):
        person = UserFactory(name=f"Person {i:03d}", contributor=True)
        ParticipationFactory(activity=activity, contributor=person, status="attended")


def test_the_participants_table_is_paged_in_name_order(client, fatima, project):
    activity = ActivityFactory(project=project, past=True)
    _people(activity, PAGE_SIZE + 3)
    client.force_login(fatima)
    url = reverse("portal:activity_detail", args=[activity.public_id])
    first = client.get(url).content.decode()
    last, next_ = f"Person {PAGE_SIZE - 1:03d}", f"Person {PAGE_SIZE:03d}"
    assert ("Person 000" in first, last in first, next_ in first) == (True, True, False)
    assert f"Page 1 of 2, {PAGE_SIZE + 3} in all." in first
    rest = client.get(url, {"page": 2}).content.decode()
    assert (next_ in rest, f"Person {PAGE_SIZE + 2:03d}" in rest, last in rest) == (True, True, False)


def test_the_access_needs_panel_lists_everyone_with_a_need_not_only_this_page(client, fatima, project):
    activity = ActivityFactory(project=project, past=True)
    _people(activity, PAGE_SIZE + 1)
    late = UserFactory(name="Zoe Last", contributor=True)  # on the second page of the table
    ContributorFactory(user=late, access_needs=["large_print"], access_needs_other="A break each hour")
    ParticipationFactory(activity=activity, contributor=late, status="attended")
    client.force_login(fatima)
    body = client.get(reverse("portal:activity_detail", args=[activity.public_id])).content.decode()
    assert "Zoe Last" in body
    assert "Large print; A break each hour" in body


def test_the_access_needs_panel_says_nobody_has_a_need_and_hides_with_nobody_taking_part(
    client, fatima, project
):
    activity = ActivityFactory(project=project, past=True)
    client.force_login(fatima)
    url = reverse("portal:activity_detail", args=[activity.public_id])
    assert "Access needs of people taking part" not in client.get(url).content.decode()
    _people(activity, 1)
    assert "Nobody taking part has told us of an access need." in client.get(url).content.decode()


def test_the_activity_feedback_panel_counts_as_before(client, fatima, project):
    activity = ActivityFactory(project=project, past=True)
    _people(activity, 3)
    today = timezone.localdate()
    for participation, due_on, status in zip(
        activity.participations.order_by("pk"),
        (today - timedelta(days=1), today + timedelta(days=3), today - timedelta(days=9)),
        (FeedbackOwedStatus.DUE, FeedbackOwedStatus.DUE, FeedbackOwedStatus.GIVEN),
        strict=True,
    ):
        FeedbackOwed.objects.update_or_create(
            participation=participation,
            defaults={
                "owner": fatima,
                "due_on": due_on,
                "status": status,
                "given_at": timezone.now() if status == FeedbackOwedStatus.GIVEN else None,
            },
        )
    client.force_login(fatima)
    body = client.get(reverse("portal:activity_detail", args=[activity.public_id])).content.decode()
    assert "Overdue" in body
    first_due = (today - timedelta(days=1)).strftime("%-d %B %Y")
    assert f"Feedback is owed to 3 people, due by {first_due}." in body


def test_the_home_shows_new_and_owed_feedback_not_what_was_read(client, cara, project):
    ContributorFactory(user=cara)
    titles = {}
    for status in (FeedbackOwedStatus.DUE, FeedbackOwedStatus.GIVEN, FeedbackOwedStatus.ACKNOWLEDGED):
        activity = ActivityFactory(project=project, past=True, title=f"Panel {status}")
        participation = ParticipationFactory(activity=activity, contributor=cara, status="attended")
        FeedbackOwed.objects.update_or_create(
            participation=participation,
            defaults={
                "owner": project.lead,
                "due_on": timezone.localdate(),
                "status": status,
                "given_at": None if status == FeedbackOwedStatus.DUE else timezone.now(),
            },
        )
        titles[status] = activity.title
    client.force_login(cara)
    body = client.get(reverse("portal:home")).content.decode()
    assert f"Feedback on {titles[FeedbackOwedStatus.GIVEN]}" in body
    assert f"{titles[FeedbackOwedStatus.DUE]}: due by" in body
    assert f"Feedback on {titles[FeedbackOwedStatus.ACKNOWLEDGED]}" not in body
    # The feedback page still lists what they have read.
    page = client.get(reverse("feedback:my_feedback")).content.decode()
    assert titles[FeedbackOwedStatus.ACKNOWLEDGED] in page
