"""Templated email, one path for every message: rendered now, recorded once, sent after commit.

`send_templated_email` renders `templates/emails/<name>/{subject.txt,body.txt,body.html}`
while the caller's objects are at hand, saves an `OutgoingEmail` row in the caller's
transaction and, once that commits, queues `portal.tasks.deliver_email`. The task retries on
SMTP and network errors and marks the row sent, so an SMTP failure never turns a committed
action into a 500 and a retry never sends twice. A rolled-back action sends nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutgoingEmail


def send_templated_email(
    *, name: str, to: list[str], context: dict | None = None, reply_to: list[str] | None = None
) -> OutgoingEmail | None:
    """Queue the message for the given addresses (empty ones are dropped; none, nothing)."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    ctx = {"organisation_name": settings.PORTAL_ORGANISATION_NAME, **(context or {})}
    email = OutgoingEmail.objects.create(
        template=name,
        to=recipients,
        subject=" ".join(render_to_string(f"emails/{name}/subject.txt", ctx).split())[:300],
        text=render_to_string(f"emails/{name}/body.txt", ctx),
        html=render_to_string(f"emails/{name}/body.html", ctx),
        reply_to=reply_to or [],
    )
    transaction.on_commit(lambda: _queue(email.pk))
    return email


def _queue(email_id: int) -> None:
    from .celery import queue
    from .tasks import deliver_email

    queue(deliver_email, email_id)  # the row stays unsent if not; `deliver_unsent` sends it


def deliver_unsent(*, older_than_minutes: int = 10) -> int:
    """Queue again what a broker outage left unsent; delivery skips what has gone meanwhile."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        OutgoingEmail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)
    )
    for email_id in ids:
        _queue(email_id)
    return len(ids)


def deliver(email_id: int) -> bool:
    """Send one recorded message unless it has gone already; True if it was sent now."""
    failure = None
    # The row stays locked while the message goes, so two deliveries cannot both send it.
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if email.sent_at is not None:
            return False
        message = EmailMultiAlternatives(
            email.subject, email.text, settings.DEFAULT_FROM_EMAIL, email.to, reply_to=email.reply_to or None
        )
        message.attach_alternative(email.html, "text/html")
        try:
            message.send()
        except Exception as exc:
            failure = exc
        else:
            # Sent: keep that it went, not what it said or to whom (erasure leaves no trace).
            email.attempts, email.sent_at = email.attempts + 1, timezone.now()
            email.to, email.reply_to, email.subject, email.text, email.html = [], [], "", "", ""
            email.save(update_fields=["attempts", "sent_at", "to", "reply_to", "subject", "text", "html"])
    if failure is not None:
        OutgoingEmail.objects.filter(pk=email_id).update(
            attempts=email.attempts + 1, last_error=f"{type(failure).__name__}: {failure}"[:300]
        )
        raise failure
    return True
