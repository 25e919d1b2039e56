from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from feedback.models import ActivityFeedback, FeedbackOwedStatus
from portal.models import AuditEvent
from tests.factories import ActivityFactory, FeedbackItemFactory, FeedbackOwedFactory


@pytest.fixture
def owed(project, cara):
    activity = ActivityFactory(project=project, past=True, title="Leaflet review")
    return FeedbackOwedFactory(participation__activity=activity, participation__contributor=cara)


def _post_data(owed, **extra):
    data = {
        "thank_you_text": "Thank you for your comments.",
        "outcome_text": "",
        "next_steps_text": "",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-you_said": "Too much jargon",
        "items-0-changed": "yes",
        "items-0-we_did": "We rewrote it",
        "items-1-you_said": "Add a video",
        "items-1-changed": "no",
        "items-1-why_not_reason": "word_or_time_limits",
        f"notes-note_{owed.pk}": "Thank you, Cara.",
        "action": "send",
    }
    data.update(extra)
    return data


def _write_url(owed):
    return reverse("feedback:activity_feedback_write", args=[owed.participation.activity.public_id])


def test_coordinator_sees_a_preview_before_anything_is_sent(
    client, fatima, owed, django_capture_on_commit_callbacks
):
    client.force_login(fatima)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_write_url(owed), _post_data(owed))
    preview = reverse("feedback:activity_feedback_preview", args=[owed.participation.activity.public_id])
    assert (response.status_code, response["Location"]) == (302, preview)
    owed.refresh_from_db()
    assert (owed.status, mail.outbox) == (FeedbackOwedStatus.DUE, [])
    page = client.get(preview).content.decode()
    assert "Check your feedback before you send it" in page
    assert "Thank you, Cara." in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("feedback:activity_feedback_send", args=[owed.participation.activity.public_id])
        )
    assert sent.status_code == 302
    owed.refresh_from_db()
    assert owed.status == FeedbackOwedStatus.GIVEN
    assert owed.personal_note == "Thank you, Cara."
    assert list(owed.feedback.items.values_list("changed", flat=True)) == [True, False]
    assert [m.to for m in mail.outbox] == [["cara@example.org"]]


def test_a_why_not_item_without_a_reason_shows_the_error_summary(client, fatima, owed):
    client.force_login(fatima)
    response = client.post(_write_url(owed), _post_data(owed, **{"items-1-why_not_reason": ""}))
    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Error: Write feedback" in content
    assert "Choose why nothing changed" in content
    assert 'href="#id_items-1-why_not_reason"' in content
    assert not ActivityFeedback.objects.exists()


def test_add_another_item_keeps_the_answers_and_adds_a_row(client, fatima, owed):
    client.force_login(fatima)
    response = client.post(_write_url(owed), _post_data(owed, action="add_item"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="items-2-you_said"' in content
    assert "Too much jargon" in content
    assert not ActivityFeedback.objects.exists()


def test_saving_a_draft_sends_nothing(client, fatima, owed):
    client.force_login(fatima)
    response = client.post(_write_url(owed), _post_data(owed, action="draft"))
    assert response.status_code == 302
    owed.refresh_from_db()
    assert owed.status == FeedbackOwedStatus.DUE
    assert ActivityFeedback.objects.get().sent_at is None
    assert mail.outbox == []


def test_contributor_opening_feedback_records_a_read_receipt_and_can_rate_it(client, cara, owed):
    given = FeedbackOwedFactory(given=True, participation__contributor=cara)
    FeedbackItemFactory(feedback=given.feedback)
    client.force_login(cara)
    url = reverse("feedback:owed_detail", args=[given.public_id])
    assert client.get(url).status_code == 200
    given.refresh_from_db()
    assert given.read_at is not None
    assert given.status == FeedbackOwedStatus.GIVEN
    response = client.post(reverse("feedback:owed_respond", args=[given.public_id]), {"usefulness": "5"})
    assert response.status_code == 302
    given.refresh_from_db()
    assert (given.status, given.usefulness) == (FeedbackOwedStatus.ACKNOWLEDGED, 5)
    assert mail.outbox == []  # a rating alone emails nobody


def test_responding_with_nothing_is_a_400_with_an_error(client, cara):
    given = FeedbackOwedFactory(given=True, participation__contributor=cara)
    client.force_login(cara)
    response = client.post(reverse("feedback:owed_respond", args=[given.public_id]), {})
    assert response.status_code == 400
    assert "<title>Error: " in response.content.decode()


def test_the_letter_is_a_pdf(client, fatima, cara, owed):
    given = FeedbackOwedFactory(
        given=True,
        participation__contributor__email=None,
        participation__activity__project=owed.participation.activity.project,
    )
    FeedbackItemFactory(feedback=given.feedback, why_not=True)
    client.force_login(fatima)
    response = client.get(reverse("feedback:owed_letter", args=[given.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_activity_page_shows_the_coordinator_that_feedback_is_owed(client, fatima, owed):
    client.force_login(fatima)
    response = client.get(reverse("portal:activity_detail", args=[owed.participation.activity.public_id]))
    content = response.content.decode()
    assert "Feedback is owed to 1 person" in content
    assert _write_url(owed) in content


def test_the_activity_page_shows_a_contributor_their_feedback(client, cara):
    given = FeedbackOwedFactory(given=True, participation__contributor=cara)
    client.force_login(cara)
    response = client.get(reverse("portal:activity_detail", args=[given.participation.activity.public_id]))
    assert reverse("feedback:owed_detail", args=[given.public_id]) in response.content.decode()


def test_the_contact_list_shows_people_reached_by_phone(client, fatima, olu, project):
    from datetime import timedelta

    from django.utils import timezone

    from contributors.models import Contributor
    from tests.factories import ParticipationFactory

    Contributor.objects.create(user=olu, contact_method="phone", phone="07700 900123")
    activity = ActivityFactory(project=project, starts_at=timezone.now() + timedelta(days=1))
    ParticipationFactory(activity=activity, contributor=olu)
    client.force_login(fatima)
    content = client.get(reverse("feedback:contact_list")).content.decode()
    assert "Olu Adebayo" in content
    assert "07700 900123" in content


def test_sending_is_audited_once_per_person(client, fatima, owed):
    client.force_login(fatima)
    client.post(_write_url(owed), _post_data(owed))
    client.post(reverse("feedback:activity_feedback_send", args=[owed.participation.activity.public_id]))
    assert AuditEvent.objects.filter(action="feedback.given", target_id=str(owed.public_id)).count() == 1


def test_items_link_to_the_impact_log_when_the_impact_app_offers_it(client, fatima, cara):
    from django.urls import NoReverseMatch

    try:
        create_url = reverse("impact:entry_create")
    except NoReverseMatch:
        pytest.skip("the impact app has no entry_create page")
    given = FeedbackOwedFactory(given=True, participation__contributor=cara)
    given.participation.activity.project.coordinators.add(fatima)
    item = FeedbackItemFactory(feedback=given.feedback)
    client.force_login(fatima)
    response = client.get(
        reverse("feedback:activity_feedback", args=[given.participation.activity.public_id])
    )
    assert f"{create_url}?feedback_item={item.public_id}" in response.content.decode()


def test_the_manager_can_narrow_the_figures_to_a_period(client, morgan, owed):
    client.force_login(morgan)
    url = reverse("feedback:compliance")
    activity_on = owed.participation.activity.occurs_on
    assert "Of 1 owed" in client.get(url).content.decode()
    later = (activity_on + timedelta(days=1)).isoformat()
    response = client.get(url, {"start": later})
    assert response.status_code == 200
    assert "Of 0 owed" in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_a_400(client, morgan):
    client.force_login(morgan)
    response = client.get(reverse("feedback:compliance"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400
    assert "<title>Error: Feedback on time" in response.content.decode()
    assert "The end date must be on or after the start date" in response.content.decode()


def test_the_contributor_home_shows_five_of_each_and_how_many_more(client, cara, project):
    """A person owed feedback on dozens of activities sees the five due soonest and the five
    newest, and how many more; "All your feedback" has the rest."""
    from django.utils import timezone

    from tests.factories import ParticipationFactory

    today = timezone.localdate()
    for n in range(7):
        activity = ActivityFactory(project=project, title=f"Owed {n}")
        FeedbackOwedFactory(
            participation=ParticipationFactory(activity=activity, contributor=cara, attended=True),
            due_on=today + timedelta(days=n),
        )
    for n in range(6):
        activity = ActivityFactory(project=project, title=f"Given {n}")
        FeedbackOwedFactory(
            participation=ParticipationFactory(activity=activity, contributor=cara, attended=True), given=True
        )
    client.force_login(cara)
    page = client.get(reverse("portal:home")).content.decode()
    shown = [n for n in range(7) if f"Owed {n}: due by" in page]
    assert shown == [0, 1, 2, 3, 4]  # the five due soonest
    assert "And 2 more we owe you." in page
    assert page.count("Feedback on Given") == 5
    assert "And 1 more new." in page
