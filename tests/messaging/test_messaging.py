"""Messages reach each person by their own channel, once, and come back as replies."""

import threading

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import connection
from django.urls import reverse

from contributors.models import ContactTask
from messaging import services, tasks
from messaging.models import Channel, Delivery, DeliveryStatus, Message, Reply
from portal.models import AuditEvent, ParticipationStatus
from tests.factories import ActivityFactory, ContributorFactory, ParticipationFactory, UserFactory

from .conftest import CALLBACK_TOKEN
from .notify_stub import INVALID_NUMBER, RATE_LIMITED

TEXT_PHONE = "+447400123456"


def person(
    name, method="email", *, email=True, status=ParticipationStatus.CONFIRMED, activity=None, **profile
):
    user = UserFactory(
        name=name, email=f"{name.split()[0].lower()}@example.org" if email else None, contributor=True
    )
    ContributorFactory(user=user, contact_method=method, **profile)
    if activity is not None:
        ParticipationFactory(activity=activity, contributor=user, status=status)
    return user


@pytest.fixture
def activity(project):
    return ActivityFactory(
        project=project, title="Steering group", location="Room 4, Leeds General Infirmary"
    )


@pytest.fixture
def people(activity):
    return {
        "email": person("Ella Email", activity=activity),
        "text": person("Tomi Text", "text", activity=activity, phone=TEXT_PHONE),
        "post": person(
            "Pat Post",
            "post",
            activity=activity,
            address="1 High Street\nLeeds",
            postcode="LS1 1AA",
            access_needs=["large_print"],
        ),
        "phone": person("Phil Phone", "phone", activity=activity, phone="+441134960000"),
        "muted": person("Mo Muted", activity=activity),
        "left": person("Lee Left", activity=activity),
        "no_show": person("Nora Absent", activity=activity, status=ParticipationStatus.DID_NOT_ATTEND),
    }


@pytest.fixture
def people_ready(people):
    from contributors.models import Contributor

    Contributor.objects.filter(user=people["left"]).update(status="left")
    people["muted"].muted_reminders = [services.MESSAGE_KIND]
    people["muted"].save()
    return people


def send(fatima, activity, who="everyone", capture=None):
    return services.send_message(
        actor=fatima,
        project=activity.project,
        activity=activity,
        audience=f"{activity.title}: {who}",
        subject="The meeting has moved",
        body="We now meet in Room 9 on the same day.",
        recipients=services.activity_audience(activity, who),
    )


def test_preview_counts_people_by_their_channel(people_ready, activity, notify):
    preview = services.preview(services.activity_audience(activity, "everyone"))
    assert preview["total"] == 5  # not the person who left, nor the one who did not attend
    assert dict(preview["by_channel"]) == {
        "Email": 1,
        "Text message": 1,
        "Letter": 1,
        "Phone call": 1,
        "Portal only": 1,
    }


def test_each_person_gets_it_by_their_channel_and_opt_outs_hold(
    people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    people = people_ready
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)

    channels = dict(Delivery.objects.filter(message=message).values_list("recipient__name", "channel"))
    assert channels == {
        "Ella Email": "email",
        "Tomi Text": "text",
        "Pat Post": "post",
        "Phil Phone": "phone",
        "Mo Muted": "portal",
    }
    assert [m.to for m in mail.outbox] == [["ella@example.org"]]
    assert "Room 9" in mail.outbox[0].body
    [text] = notify.texts_to(TEXT_PHONE)
    assert "Room 9" in text["personalisation"]["body"]
    assert len(notify.sent) == 1
    letter = ContactTask.objects.get(contributor__user=people["post"], channel="post")
    assert letter.body.startswith("LARGE PRINT")
    assert "Room 9" in letter.body
    assert "Dear Pat" in letter.body
    # The combined letters PDF has its own "Dear Pat": the letter is the message, not the note.
    assert "Room 9" in letter.letter
    assert "Dear" not in letter.letter
    assert "LARGE PRINT" not in letter.letter
    call = ContactTask.objects.get(contributor__user=people["phone"], channel="phone")
    assert "Room 9" in call.body
    assert not Delivery.objects.filter(recipient__in=[people["left"], people["no_show"]]).exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert AuditEvent.objects.filter(action="message.sent").count() == 1


def test_filters_pick_who_has_not_replied(people, activity):
    invited = person("Ivy Invited", activity=activity, status=ParticipationStatus.INVITED)
    assert list(services.activity_audience(activity, "not_replied")) == [invited]


def test_a_retried_task_never_sends_twice(
    people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    # The broker hands the tasks back (a late ack after a lost worker): everything runs again.
    tasks.deliver_message(message.pk)
    for delivery in Delivery.objects.filter(message=message):
        assert tasks.deliver_delivery(delivery.pk) == "already claimed"
    assert len(mail.outbox) == 1
    assert len(notify.requests) == 1
    assert ContactTask.objects.count() == 2  # one letter, one call
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_a_second_worker_that_finds_it_claimed_does_nothing(people_ready, activity, fatima, notify):
    message = send(fatima, activity)  # on_commit not run: every delivery still pending
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    Delivery.objects.filter(pk=text.pk).update(status=DeliveryStatus.SENDING)  # the first worker's claim
    assert services.deliver(delivery_id=text.pk) == "already claimed"
    assert notify.requests == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once(people_ready, activity, fatima, notify, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    monkeypatch.setattr(tasks.deliver_message, "delay", lambda pk: None)  # the workers below send
    message = send(fatima, activity)
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    barrier, results = threading.Barrier(2), []

    def worker():
        barrier.wait()
        try:
            results.append(services.deliver(delivery_id=text.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["already claimed", "sent"]
    assert len(notify.texts_to(TEXT_PHONE)) == 1


def test_a_rate_limit_is_retried_and_sent_once(
    people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    notify.script[TEXT_PHONE] = [RATE_LIMITED]
    # Eager Celery raises the retry instead of scheduling it; a worker would run it in 30s.
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    message = Message.objects.get()
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    assert (text.status, text.attempts) == (DeliveryStatus.PENDING, 1)  # the claim handed back
    tasks.deliver_message(message.pk)  # the retry, and the rest of the fan-out
    text.refresh_from_db()
    assert (text.status, text.attempts) == (DeliveryStatus.SENT, 2)
    assert len(notify.requests) == 2
    assert len(notify.texts_to(TEXT_PHONE)) == 1
    assert text.provider_id == notify.sent[0]["id"]


def test_an_invalid_number_fails_for_good_and_goes_on_the_list(
    people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    notify.script[TEXT_PHONE] = [INVALID_NUMBER]
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    assert text.status == DeliveryStatus.FAILED
    assert "Not a valid mobile number" in text.error
    assert len(notify.requests) == 1  # never retried
    task = ContactTask.objects.get(contributor__user=people_ready["text"])
    assert task.subject == "Not delivered: The meeting has moved"
    assert task.channel == "phone"
    assert "Room 9" in task.body


def _callback(client, provider_id, status, token=CALLBACK_TOKEN):
    return client.post(
        reverse("messaging:notify_callback"),
        {"id": provider_id, "reference": "x", "status": status, "notification_type": "sms"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_delivery_callbacks_mark_delivered_or_failed(
    client, people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)

    assert _callback(client, text.provider_id, "delivered", token="wrong").status_code == 401
    text.refresh_from_db()
    assert text.status == DeliveryStatus.SENT

    assert _callback(client, text.provider_id, "delivered").json() == {"result": "delivered"}
    text.refresh_from_db()
    assert text.status == DeliveryStatus.DELIVERED

    tasks_before = ContactTask.objects.count()
    assert _callback(client, text.provider_id, "permanent-failure").json() == {"result": "failed"}
    assert _callback(client, text.provider_id, "permanent-failure").json() == {"result": "ignored"}
    text.refresh_from_db()
    assert text.status == DeliveryStatus.FAILED
    assert ContactTask.objects.count() == tasks_before + 1


def test_replies_come_back_to_the_sender(
    client, people_ready, activity, fatima, olu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    ella = people_ready["email"]
    delivery = Delivery.objects.get(message=message, recipient=ella)
    client.force_login(ella)
    page = client.get(reverse("messaging:inbox"))
    assert "The meeting has moved" in page.content.decode()
    assert client.get(reverse("messaging:message_detail", args=[delivery.public_id])).status_code == 200
    delivery.refresh_from_db()
    assert delivery.read_at is not None
    response = client.post(
        reverse("messaging:message_reply", args=[delivery.public_id]), {"body": "I will be there"}
    )
    assert response.status_code == 302
    assert Reply.objects.get().body == "I will be there"

    client.force_login(olu)
    assert client.get(reverse("messaging:message_detail", args=[delivery.public_id])).status_code == 404
    assert (
        client.post(reverse("messaging:message_reply", args=[delivery.public_id]), {"body": "x"}).status_code
        == 404
    )
    assert Reply.objects.count() == 1

    client.force_login(fatima)
    assert "1 new" in client.get(reverse("messaging:inbox")).content.decode()
    sent = client.get(reverse("messaging:sent_detail", args=[message.public_id])).content.decode()
    assert "I will be there" in sent
    assert Reply.objects.get().read_at is not None


def test_another_coordinator_cannot_message_the_project(client, people_ready, activity, other_coordinator):
    client.force_login(other_coordinator)
    url = reverse("messaging:compose_activity", args=[activity.public_id])
    data = {"who": "everyone", "subject": "Hello", "body": "Hi", "send": "1"}
    assert client.post(url, data).status_code == 404
    assert not Message.objects.exists()


def test_the_coordinator_previews_then_sends(
    client, people_ready, activity, fatima, django_capture_on_commit_callbacks
):
    client.force_login(fatima)
    url = reverse("messaging:compose_activity", args=[activity.public_id])
    data = {"who": "everyone", "subject": "Hello", "body": "See you soon"}
    page = client.post(url, data).content.decode()
    assert "5 people get this message" in page
    assert "Letter: 1" in page
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "send": "1"})
    assert response.status_code == 302
    assert Message.objects.get().deliveries.count() == 5


def test_a_reply_by_email_reaches_the_senders_inbox(
    client, settings, people_ready, activity, fatima, django_capture_on_commit_callbacks
):
    settings.PORTAL_MESSAGING_REPLY_DOMAIN = "replies.example.org"
    settings.PORTAL_MESSAGING_INBOUND_TOKEN = "inbound-secret"
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    delivery = Delivery.objects.get(message=message, channel=Channel.EMAIL)
    [email] = mail.outbox
    assert email.reply_to == [f"reply+{delivery.public_id.hex}@replies.example.org"]

    def post(sender, token="inbound-secret"):
        return client.post(
            reverse("messaging:inbound_email"),
            {
                "to": email.reply_to[0],
                "from": sender,
                "text": "Room 9 is fine.\n\nOn Tue Fatima wrote:\n> old",
            },
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    assert post("Ella <ella@example.org>", token="wrong").status_code == 401
    assert post("someone@else.example").json() == {"result": "ignored"}
    assert not Reply.objects.exists()
    assert post("Ella <Ella@Example.org>").json() == {"result": "reply"}
    reply = Reply.objects.get()
    assert (reply.author, reply.body, reply.delivery) == (people_ready["email"], "Room 9 is fine.", delivery)


def _text_back(client, number, text, token=CALLBACK_TOKEN):
    return client.post(
        reverse("messaging:notify_received_text"),
        {
            "id": "b2c3",
            "source_number": number,
            "destination_number": "07700987654",
            "message": text,
            "date_received": "2026-12-01T10:00:00.000000Z",
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_text_back_reaches_the_senders_inbox_as_a_reply(
    client, settings, people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    settings.PORTAL_MESSAGING_TEXT_REPLIES = True
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    [text] = notify.texts_to(TEXT_PHONE)
    assert "Reply to this text, or in the portal" in text["personalisation"]["body"]
    delivery = Delivery.objects.get(message=message, channel=Channel.TEXT)
    assert _text_back(client, "447400123456", "Room 9 is fine", token="wrong").status_code == 401
    assert _text_back(client, "447999999999", "Who is this?").json() == {"result": "ignored"}
    assert not Reply.objects.exists()
    # Notify's number has no plus; the profile's is +44...: the same person.
    assert _text_back(client, "447400123456", " Room 9 is fine ").json() == {"result": "reply"}
    reply = Reply.objects.get()
    assert (reply.author, reply.body, reply.delivery) == (people_ready["text"], "Room 9 is fine", delivery)
    client.force_login(fatima)
    page = client.get(reverse("messaging:sent_detail", args=[message.public_id])).content.decode()
    assert "Room 9 is fine" in page


def test_texts_back_are_dropped_when_replies_by_text_are_off_or_too_late(
    client, settings, people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    [text] = notify.texts_to(TEXT_PHONE)
    assert "Reply in the portal" in text["personalisation"]["body"]
    assert _text_back(client, "447400123456", "Fine").json() == {"result": "ignored"}  # off
    settings.PORTAL_MESSAGING_TEXT_REPLIES = True
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(days=services.TEXT_REPLY_WINDOW_DAYS + 1)
    )
    assert _text_back(client, "447400123456", "Fine").json() == {"result": "ignored"}
    assert _text_back(client, "not a number", "Fine").json() == {"result": "ignored"}
    assert (
        client.post(
            reverse("messaging:notify_received_text"),
            "{",
            content_type="application/json",
            headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"},
        ).status_code
        == 400
    )
    assert not Reply.objects.exists()


def test_without_a_text_service_text_people_are_called(people_ready, activity):
    preview = services.preview(services.activity_audience(activity, "everyone"))
    assert dict(preview["by_channel"])["Phone call"] == 2
    assert "Text message" not in dict(preview["by_channel"])


def test_letters_and_email_can_go_through_notify(
    settings, people_ready, activity, fatima, notify, django_capture_on_commit_callbacks
):
    settings.PORTAL_NOTIFY_EMAIL_TEMPLATE_ID = "a0f4c4a4-7d64-4d3e-8f0a-6a3f8a1b2c3d"
    settings.PORTAL_NOTIFY_LETTER_TEMPLATE_ID = "b1e5d5b5-8e75-4e4f-9a1b-7b4a9b2c3d4e"
    with django_capture_on_commit_callbacks(execute=True):
        send(fatima, activity)
    assert mail.outbox == []
    kinds = sorted(r["kind"] for r in notify.sent)
    assert kinds == ["email", "letter", "sms"]  # Phil is called; Mo turned email and texts off
    letter = next(r for r in notify.sent if r["kind"] == "letter")
    assert letter["personalisation"]["address_line_1"] == "Pat Post"
    assert letter["personalisation"]["address_line_4"] == "LS1 1AA"
    assert "Room 9" in letter["personalisation"]["body"]
    assert not ContactTask.objects.filter(channel="post").exists()


def test_my_data_download_has_my_messages(
    client, people_ready, activity, fatima, django_capture_on_commit_callbacks
):
    from contributors.data_export import export_for

    with django_capture_on_commit_callbacks(execute=True):
        send(fatima, activity)
    [entry] = export_for(people_ready["email"])["messages"]["messages"]
    assert (entry["subject"], entry["by"]) == ("The meeting has moved", "Email")


def test_the_home_page_shows_new_messages_once(
    client, people_ready, activity, fatima, django_capture_on_commit_callbacks
):
    from portal.services import grant_role

    with django_capture_on_commit_callbacks(execute=True):
        send(fatima, activity)
    ella = people_ready["email"]
    grant_role(actor=None, user=ella, role="Coordinator")  # two roles, one banner
    client.force_login(ella)
    page = client.get(reverse("portal:home")).content.decode()
    assert page.count("You have 1 new message") == 1


def test_the_home_banner_counts_new_messages_and_new_replies_then_goes(
    client, people_ready, activity, fatima, django_capture_on_commit_callbacks
):
    """Both of a person's counts come in one query (issue 12): each says what it counts."""
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)
    ella = people_ready["email"]
    delivery = Delivery.objects.get(message=message, recipient=ella)
    client.force_login(ella)
    assert "You have 1 new message." in client.get(reverse("portal:home")).content.decode()
    client.get(reverse("messaging:message_detail", args=[delivery.public_id]))
    client.post(reverse("messaging:message_reply", args=[delivery.public_id]), {"body": "I will be there"})
    assert "messages-banner-title" not in client.get(reverse("portal:home")).content.decode()

    client.force_login(fatima)
    page = client.get(reverse("portal:home")).content.decode()
    assert "1 new reply to your messages." in page
    assert "new message." not in page


# --- Nothing is left unsent: the hourly sweep --------------------------------------------------


def test_a_broker_outage_after_sending_is_not_a_500_and_the_sweep_sends_it(
    people_ready, activity, fatima, notify, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    def down(pk):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.deliver_message, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        message = send(fatima, activity)  # no exception reaches the coordinator
    assert set(Delivery.objects.filter(message=message).values_list("status", flat=True)) == {
        DeliveryStatus.PENDING
    }
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):  # the email goes after its commit
        assert services.sweep_deliveries(older_than_minutes=0)["queued"] == 5
    assert set(Delivery.objects.filter(message=message).values_list("status", flat=True)) == {
        DeliveryStatus.SENT
    }
    assert len(mail.outbox) == 1
    assert len(notify.texts_to(TEXT_PHONE)) == 1
    # The next sweep finds nothing to do.
    assert services.sweep_deliveries(older_than_minutes=0) == {"queued": 0, "retried": 0, "given_up": 0}
    assert len(mail.outbox) == 1


def test_a_delivery_left_sending_by_a_stopped_worker_is_sent_by_the_sweep(
    people_ready, activity, fatima, notify
):
    from datetime import timedelta

    from django.utils import timezone

    message = send(fatima, activity)  # on_commit not run: every delivery still pending
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    # A worker claimed it twenty minutes ago and stopped before sending.
    Delivery.objects.filter(pk=text.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=20)
    )
    Delivery.objects.exclude(pk=text.pk).update(status=DeliveryStatus.SENT)
    result = services.sweep_deliveries()
    assert (result["retried"], result["queued"]) == (1, 0)  # the message itself is still new
    text.refresh_from_db()
    assert (text.status, "tried again" in text.error) == (DeliveryStatus.PENDING, True)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    assert services.sweep_deliveries()["queued"] == 1
    text.refresh_from_db()
    assert (text.status, text.attempts) == (DeliveryStatus.SENT, 2)
    assert len(notify.texts_to(TEXT_PHONE)) == 1
    assert AuditEvent.objects.filter(action="message.deliveries_swept").count() == 1


def test_a_delivery_notify_took_before_its_worker_stopped_is_not_sent_again(
    people_ready, activity, fatima, notify
):
    """The worker handed the text to Notify and stopped before marking it sent. The sweep tries
    again; Notify has one under the delivery's reference, so it is marked sent with that
    notification's id and the person gets one text, not two."""
    from datetime import timedelta

    from django.utils import timezone

    from messaging import backends

    message = send(fatima, activity)
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    accepted = backends.send_text(
        phone=TEXT_PHONE, body="The meeting has moved", reference=str(text.public_id)
    )
    Delivery.objects.filter(pk=text.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=20)
    )
    Delivery.objects.exclude(pk=text.pk).update(status=DeliveryStatus.SENT)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    services.sweep_deliveries()
    text.refresh_from_db()
    assert (text.status, text.provider_id, text.attempts) == (DeliveryStatus.SENT, accepted, 2)
    assert len(notify.texts_to(TEXT_PHONE)) == 1
    assert notify.lookups == [str(text.public_id)]


def test_a_first_try_does_not_ask_notify_first(people_ready, activity, fatima, notify):
    message = send(fatima, activity)
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    assert services.deliver(delivery_id=text.pk) == "sent"
    assert (len(notify.texts_to(TEXT_PHONE)), notify.lookups) == (1, [])


def test_a_delivery_that_keeps_stopping_goes_to_the_coordinators_not_round_again(
    people_ready, activity, fatima, notify
):
    from datetime import timedelta

    from django.utils import timezone

    message = send(fatima, activity)
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    Delivery.objects.filter(pk=text.pk).update(
        status=DeliveryStatus.SENDING,
        attempts=services.SWEEP_MAX_ATTEMPTS,
        claimed_at=timezone.now() - timedelta(minutes=20),
    )
    assert services.sweep_deliveries()["given_up"] == 1
    text.refresh_from_db()
    assert text.status == DeliveryStatus.FAILED
    assert notify.requests == []
    task = ContactTask.objects.get(contributor__user=people_ready["text"])
    assert task.subject == "Not delivered: The meeting has moved"
    assert "may or may not have arrived" in task.body


def test_a_delivery_being_sent_now_is_left_alone(people_ready, activity, fatima, notify):
    from django.utils import timezone

    message = send(fatima, activity)
    text = Delivery.objects.get(message=message, channel=Channel.TEXT)
    Delivery.objects.filter(pk=text.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, claimed_at=timezone.now()
    )
    assert services.sweep_deliveries()["retried"] == 0
    text.refresh_from_db()
    assert text.status == DeliveryStatus.SENDING


def test_the_sweep_runs_every_hour():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["messaging-sweep-deliveries"]
    assert entry["task"] == tasks.sweep_deliveries.name
