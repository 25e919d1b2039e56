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
