import logging
import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import task_postrun, task_prerun
from kombu.exceptions import KombuError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def queue(task, *args) -> bool:
    """Send `task` to the broker; False, with a warning, if the broker cannot be reached. For work
    whose record is already committed: a broker outage must not turn the person's action into a
    500, and each task queued this way has an hourly sweep that finds what was never sent
    (portal.emails.deliver_unsent, messaging.services.sweep_deliveries,
    impact.services.sweep_reports)."""
    try:
        task.delay(*args)
    except (KombuError, OSError):
        logger.warning("Could not queue %s%r; the hourly sweep will", task.name, args)
        return False
    return True


class HeartbeatScheduler(PersistentScheduler):
    """Beat's usual scheduler, touching a file on every tick (at least once a minute): the
    container's health check reads its age, since beat answers no ping."""

    def tick(self, *args, **kwargs):
        from django.conf import settings

        Path(settings.PORTAL_BEAT_HEARTBEAT_FILE).touch()
        return super().tick(*args, **kwargs)


@task_prerun.connect
def _log_with_task_id(task_id=None, task=None, **kwargs):
    from .logs import request_id

    task.request.portal_log_token = request_id.set(f"task-{task_id}")


@task_postrun.connect
def _forget_task_id(task=None, **kwargs):
    from .logs import request_id

    token = getattr(task.request, "portal_log_token", None)
    if token is not None:
        request_id.reset(token)
