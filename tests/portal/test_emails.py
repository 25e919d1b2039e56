"""One path for every email: recorded in the transaction, sent after commit by a retried task,
sent once however often it is delivered, and an SMTP failure is never the person's 500."""

from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction

from portal.emails import deliver, send_templated_email
from portal.models import OutgoingEmail
from tests.helpers import committed


def _send():
    context = {"confirm": True, "note": "", "name": "Ann"}
    return send_templated_email(
        name="contributors_erasure_decided", to=["a@example.org", ""], context=context
    )


def test_a_message_is_recorded_now_and_sent_after_commit(db):
    email = committed(_send)
    email.refresh_from_db()
    # Once sent, the row keeps that it went, not what it said or to whom.
    assert (email.to, email.text, email.attempts, email.sent_at is not None) == ([], "", 1, True)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert mail.outbox[0].alternatives


def test_a_rolled_back_action_sends_nothing(db):
    def action():
        with transaction.atomic():
            _send()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        action()
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_a_second_delivery_sends_nothing(db):
    email = committed(_send)
    assert deliver(email.pk) is False
    assert len(mail.outbox) == 1


def test_smtp_failure_is_recorded_and_left_for_the_retry(db):
    """The task raises for Celery to retry (in production the web request only queued it);
    the row keeps the error and stays unsent until a delivery succeeds."""
    down = mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=SMTPServerDisconnected("x"))
    with down, pytest.raises((SMTPServerDisconnected, Retry)):
        committed(_send)
    email = OutgoingEmail.objects.get()
    assert (email.sent_at, email.attempts) == (None, 1)
    assert "SMTPServerDisconnected" in email.last_error
    assert deliver(email.pk) is True
    assert len(mail.outbox) == 1


def test_the_task_retries_on_transient_errors():
    from portal.tasks import deliver_email

    assert deliver_email.max_retries >= 5
    assert OSError in deliver_email.autoretry_for


def test_a_broker_outage_after_commit_is_not_a_500_and_the_sweep_sends_it_later(db):
    from kombu.exceptions import OperationalError

    from portal.emails import deliver_unsent

    with mock.patch("portal.tasks.deliver_email.delay", side_effect=OperationalError("down")):
        email = committed(_send)
    email.refresh_from_db()
    assert email.sent_at is None
    assert deliver_unsent(older_than_minutes=0) == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(mail.outbox) == 1
