"""Delivery backends. Email goes through `portal.emails` (SMTP or files) unless settings send
it through GOV.UK Notify; text messages and (if switched on) letters go through Notify.

Notify's errors are sorted into two kinds the caller acts on: a temporary failure (rate
limit, Notify or the network down) is tried again later; a permanent one (an invalid
number, a bad request) is not, and goes on the coordinators' list.
"""

from django.conf import settings


class TemporaryFailure(Exception):
    """Try again later."""


class PermanentFailure(Exception):
    """Trying again would fail the same way. The message is safe to show to coordinators."""


def notify_configured() -> bool:
    return bool(settings.PORTAL_NOTIFY_API_KEY)


def can_send_texts() -> bool:
    return notify_configured() and bool(settings.PORTAL_NOTIFY_SMS_TEMPLATE_ID)


def email_via_notify() -> bool:
    return notify_configured() and bool(settings.PORTAL_NOTIFY_EMAIL_TEMPLATE_ID)


def letters_via_notify() -> bool:
    return notify_configured() and bool(settings.PORTAL_NOTIFY_LETTER_TEMPLATE_ID)


def _client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.PORTAL_NOTIFY_API_KEY, base_url=settings.PORTAL_NOTIFY_BASE_URL, timeout=10
    )


def _explain(error) -> str:
    message = error.message
    if isinstance(message, list):
        message = "; ".join(str(m.get("message", m)) if isinstance(m, dict) else str(m) for m in message)
    return str(message)[:300]


def _send(method: str, **data) -> str:
    """Call Notify; return its notification id."""
    from notifications_python_client.errors import APIError

    try:
        response = getattr(_client(), method)(**data)
    except APIError as error:
        if error.status_code == 429 or error.status_code >= 500:
            raise TemporaryFailure(_explain(error)) from error
        raise PermanentFailure(_explain(error)) from error
    return str(response["id"])


def already_sent(reference: str) -> str:
    """The id of a notification Notify already accepted with this reference (a delivery's public
    id), or "": asked before sending a delivery again, because a worker that stopped after Notify
    accepted it but before marking it sent would otherwise send it twice. Notify answering with an
    error it may not tomorrow (429, 5xx) is a temporary failure: nothing is sent until it answers."""
    from notifications_python_client.errors import APIError

    try:
        found = _client().get_all_notifications(reference=reference).get("notifications") or []
    except APIError as error:
        if error.status_code == 429 or error.status_code >= 500:
            raise TemporaryFailure(_explain(error)) from error
        return ""  # not asked: send, as before (at least once rather than never)
    accepted = [n for n in found if n.get("reference") == reference and not _failed(n.get("status", ""))]
    return str(accepted[0]["id"]) if accepted else ""


def _failed(status: str) -> bool:
    return status.endswith("failure") or status == "validation-failed"


def send_text(*, phone: str, body: str, reference: str) -> str:
    return _send(
        "send_sms_notification",
        phone_number=phone,
        template_id=settings.PORTAL_NOTIFY_SMS_TEMPLATE_ID,
        personalisation={"body": body},
        reference=reference,
    )


def send_email(*, email: str, subject: str, body: str, reference: str) -> str:
    return _send(
        "send_email_notification",
        email_address=email,
        template_id=settings.PORTAL_NOTIFY_EMAIL_TEMPLATE_ID,
        personalisation={"subject": subject, "body": body},
        reference=reference,
    )


def send_letter(*, name: str, address: str, postcode: str, subject: str, body: str, reference: str) -> str:
    lines = [*[name, *[line.strip() for line in address.splitlines() if line.strip()]][:6], postcode]
    personalisation = {f"address_line_{i}": line for i, line in enumerate(lines, start=1)}
    personalisation.update(subject=subject, body=body)
    return _send(
        "send_letter_notification",
        template_id=settings.PORTAL_NOTIFY_LETTER_TEMPLATE_ID,
        personalisation=personalisation,
        reference=reference,
    )
