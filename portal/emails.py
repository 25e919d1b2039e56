"""Templated email: every message has a subject, a plain-text body and an HTML body."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(
    *, name: str, to: list[str], context: dict | None = None, reply_to: list[str] | None = None
) -> None:
    """Send `templates/emails/<name>/{subject.txt,body.txt,body.html}` to the given addresses."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    ctx = {"organisation_name": settings.PORTAL_ORGANISATION_NAME, **(context or {})}
    subject = " ".join(render_to_string(f"emails/{name}/subject.txt", ctx).split())
    text = render_to_string(f"emails/{name}/body.txt", ctx)
    html = render_to_string(f"emails/{name}/body.html", ctx)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, recipients, reply_to=reply_to or None
    )
    message.attach_alternative(html, "text/html")
    message.send()
