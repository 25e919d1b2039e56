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


def test_the_access_needs_panel_asks_nothing_more_for_an_activity_nobody_has_joined(client, fatima, project):
    """The page's count of people taking part (Activity.taking_part) already says it is empty,
    and the panel's list comes with the page's own (one round trip on PostgreSQL): an empty
    activity's page asks no more than a full one's, and never whether anyone is there."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    empty, full = ActivityFactory(project=project, past=True), ActivityFactory(project=project, past=True)
    _people(full, 3)
    client.force_login(fatima)
    asked, bodies = {}, {}
    for each in (empty, full):
        url = reverse("portal:activity_detail", args=[each.public_id])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            bodies[each] = client.get(url).content.decode()
        asked[each] = [q["sql"] for q in queries.captured_queries]
    assert ("Nobody has been added yet." in bodies[empty], "Nobody has been added yet." in bodies[full]) == (
        True,
        False,
    )
    assert len(asked[empty]) <= len(asked[full])
    assert not [sql for sql in asked[empty] if sql.startswith('SELECT 1 AS "a" FROM "portal_participation"')]


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


def test_each_row_has_its_own_status_form_with_its_status_chosen(client, fatima, project):
    activity = ActivityFactory(project=project, past=True)
    ann = UserFactory(name="Ann Attended", contributor=True)
    ParticipationFactory(activity=activity, contributor=ann, status="attended")
    ben = UserFactory(name="Ben Confirmed", contributor=True)
    ben_place = ParticipationFactory(activity=activity, contributor=ben, status="confirmed")
    client.force_login(fatima)
    body = client.get(reverse("portal:activity_detail", args=[activity.public_id])).content.decode()
    row = body[body.index(f'for="status-{ben_place.public_id}"') :].split("</form>")[0]
    assert ">Status for Ben Confirmed</label>" in row
    assert '<option value="confirmed" selected>Confirmed</option>' in row
    assert '<option value="attended">Attended</option>' in row
    assert 'Update<span class="govuk-visually-hidden"> Ben Confirmed</span>' in row
    table = body[body.index("<tbody") : body.index("</tbody>")]
    assert table.count('name="csrfmiddlewaretoken"') == 2  # a form a row
    action = reverse("portal:participation_status", args=[ben_place.public_id])
    assert f'action="{action}"' in body
    # The form still records the change.
    assert client.post(action, {"status": "did_not_attend"}).status_code == 302
    ben_place.refresh_from_db()
    assert ben_place.status == "did_not_attend"


def test_before_the_activity_starts_only_invited_and_confirmed_are_offered(client, fatima, project):
    activity = ActivityFactory(project=project)
    ParticipationFactory(activity=activity, status="invited")
    client.force_login(fatima)
    body = client.get(reverse("portal:activity_detail", args=[activity.public_id])).content.decode()
    assert (
        '<option value="invited" selected>Invited</option><option value="confirmed">Confirmed</option></select>'
        in body
    )
    assert 'value="attended"' not in body


def test_the_feedback_panel_changes_on_the_next_page_after_feedback_is_owed_or_given(client, fatima, project):
    activity = ActivityFactory(project=project, past=True)
    _people(activity, 2)
    client.force_login(fatima)
    url = reverse("portal:activity_detail", args=[activity.public_id])
    assert "Feedback will be owed to everyone marked as attended." in client.get(url).content.decode()
    first, second = activity.participations.order_by("pk")
    today = timezone.localdate()
    FeedbackOwed.objects.create(participation=first, owner=fatima, due_on=today - timedelta(days=1))
    body = client.get(url).content.decode()
    assert "Feedback is owed to 1 person" in body
    assert "Overdue" in body
    FeedbackOwed.objects.create(participation=second, owner=fatima, due_on=today + timedelta(days=5))
    assert "Feedback is owed to 2 people" in client.get(url).content.decode()
    owed = FeedbackOwed.objects.get(participation=first)
    owed.status, owed.given_at = FeedbackOwedStatus.GIVEN, timezone.now()
    owed.save()
    body = client.get(url).content.decode()
    assert "Overdue" not in body
    assert f"due by {(today + timedelta(days=5)).strftime('%-d %B %Y')}" in body


def test_the_add_form_is_the_gov_uk_select_crispy_forms_gds_made(client, fatima, project):
    """The picker's select is written out (partials/select_field.html): the same label,
    hint, error message and attributes as crispy-forms-gds gave it."""
    activity = ActivityFactory(project=project, past=True)
    few = UserFactory(name="Only Person", contributor=True)
    ParticipationFactory(activity=ActivityFactory(project=project), contributor=few)  # in her scope
    client.force_login(fatima)
    body = client.get(reverse("portal:activity_detail", args=[activity.public_id])).content.decode()
    assert '<label for="id_contributor" class="govuk-label">Contributor</label>' in body
    assert '<select name="contributor" class="govuk-select" required id="id_contributor">' in body
    assert '<option value="" selected>---------</option>' in body
    assert f'<option value="{few.pk}">{few.name_with_hint}</option>' in body

    response = client.post(reverse("portal:participant_add", args=[activity.public_id]), {"contributor": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#id_contributor">This field is required.</a>' in body  # the error summary
    assert 'class="govuk-form-group govuk-form-group--error">' in body
    assert (
        '<span id="id_contributor_1_error" class="govuk-error-message"> '
        '<span class="govuk-visually-hidden">Error:</span> This field is required.</span>'
    ) in body
    assert (
        '<select name="contributor" aria-describedby="id_contributor_1_error" '
        'class="govuk-select govuk-input--error" required aria-invalid="true" id="id_contributor">'
    ) in body
    assert not activity.participations.exists()


def test_the_access_needs_panel_lists_exactly_who_told_us_of_a_need_in_name_order(client, fatima, project):
    """The panel's query is compiled once a process (contributors.panels._NEEDS) and asks "has a
    first need" rather than "is not []": the same people, whatever their needs look like."""
    from django.db.models import Q

    from contributors.models import Contributor
    from contributors.panels import _NEEDS

    activity = ActivityFactory(project=project, past=True)
    elsewhere = ActivityFactory(project=project, past=True)
    for name, needs, other, where in (
        ("Ann None", [], "", activity),
        ("Bo Listed", ["bsl", "step_free"], "", activity),
        ("Cy Words", [], "Quiet room", activity),
        ("Di Both", ["large_print"], "A break each hour", activity),
        ("Ed Elsewhere", ["bsl"], "", elsewhere),
    ):
        person = UserFactory(name=name, contributor=True)
        ContributorFactory(user=person, access_needs=needs, access_needs_other=other)
        ParticipationFactory(activity=where, contributor=person, status="attended")
    for each in (activity, elsewhere):
        as_before = list(
            Contributor.objects.filter(user__participations__activity=each)
            .filter(~Q(access_needs=[]) | ~Q(access_needs_other=""))
            .order_by("user__name", "user_id")
            .values_list("access_needs", "access_needs_other", "user__name", "user__email", "user__public_id")
        )
        assert _NEEDS.rows(activity=each.pk) == as_before
    assert [row[2] for row in _NEEDS.rows(activity=activity.pk)] == ["Bo Listed", "Cy Words", "Di Both"]
    client.force_login(fatima)
    body = client.get(reverse("portal:activity_detail", args=[activity.public_id])).content.decode()
    assert ("Bo Listed (" in body, "Large print; A break each hour" in body, "Quiet room" in body) == (
        True,
        True,
        True,
    )
