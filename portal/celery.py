import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
