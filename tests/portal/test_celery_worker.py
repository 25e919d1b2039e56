"""A real Celery worker process takes a task from Redis and does it (PostgreSQL + Redis run only)."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery import Celery
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def start_worker(*extra_args: str, **extra_env: str) -> subprocess.Popen:
    """A worker (and beat, with '-B') on the test database and the real Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "development",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        **extra_env,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
            *extra_args,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


@pytest.fixture
def real_services():
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL: runs in make test's second phase")


def test_a_real_celery_worker_takes_a_task_from_redis(real_services):
    token = uuid.uuid4().hex
    worker = start_worker()
    try:
        Celery(broker=os.environ["REDIS_URL"]).send_task("portal.tasks.ping", args=[token])
        cache = RedisCache(os.environ["REDIS_URL"], {})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cache.get(f"portal:ping:{token}") is None:
            time.sleep(0.25)
        found = cache.get(f"portal:ping:{token}")
    finally:
        log = stop_worker(worker)
    assert found == token, log[-3000:]


def test_a_real_worker_and_beat_on_redis_send_a_due_feedback_reminder(real_services, tmp_path, fatima):
    """Beat schedules the reminder sweep, the worker takes it from Redis and emails the owner once."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.models import SentReminder
    from tests.factories import ActivityFactory, FeedbackOwedFactory, ParticipationFactory, ProjectFactory

    activity = ActivityFactory(
        project=ProjectFactory(lead=fatima), coordinator=fatima, starts_at=timezone.now() - timedelta(days=21)
    )
    FeedbackOwedFactory(
        participation=ParticipationFactory(activity=activity, status="attended"),
        owner=fatima,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    worker = start_worker(
        "-B",
        "--schedule",
        str(tmp_path / "beat-schedule"),
        PORTAL_REMINDER_SWEEP_SECONDS="2",
        PORTAL_VAR_DIR=str(tmp_path),
    )
    try:
        deadline = time.monotonic() + 90
        sent = SentReminder.objects.filter(kind="feedback_due_soon", recipient=fatima)
        while time.monotonic() < deadline and not sent.exists():
            time.sleep(0.5)
        time.sleep(5)  # two or three more sweeps: none may send it again
    finally:
        log = stop_worker(worker)
    assert sent.count() == 1, log[-3000:]
    mail = "".join(p.read_text() for p in (tmp_path / "mail").glob("*.log"))
    assert mail.count("To: fatima@example.org") == 1, log[-3000:]
