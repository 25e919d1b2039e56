from smtplib import SMTPException

from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Remove expired sessions so that idle sign-ins do not pile up."""
    call_command("clearsessions")


@shared_task
def ping(value: str) -> str:
    """Used by the health check and the real-worker test: proves a worker takes tasks."""
    from django.core.cache import cache

    cache.set(f"portal:ping:{value}", value, 300)
    return value


@shared_task
def send_reminders() -> int:
    """Every reminder sweep; each reminder goes at most once (see portal.reminders)."""
    from .reminders import run_sweeps

    return len(run_sweeps())


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def deliver_email(email_id: int) -> bool:
    """Send one recorded email (portal.emails); retried on SMTP and network errors."""
    from .emails import deliver

    return deliver(email_id)


@shared_task
def deliver_unsent_email() -> int:
    from .emails import deliver_unsent

    return deliver_unsent()
