"""Real processes for the tests that need more than one: an S3-compatible server (moto), gunicorn
web nodes and Celery workers, all on the test's PostgreSQL and Redis."""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
import requests
from django.conf import settings
from django.db import connection

# Ports for what the tests start: a free one in this range (the machine's agreed range).
PORTS = range(8700, 8800)
S3_KEY, S3_SECRET, S3_REGION = "testing", "testing-secret", "eu-west-2"
SECRET_KEY = "multi-node-test-secret-key-" + "x" * 40
FIELD_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


_handed_out: set[int] = set()


def free_port() -> int:
    """A port nothing listens on and that no earlier call gave out (its process may still be starting)."""
    for port in PORTS:
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            _handed_out.add(port)
            return port
    raise RuntimeError("no free port in 8700-8799")


@contextmanager
def s3_server():
    """moto's S3 on loopback, over HTTP; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name=S3_REGION,
    )


def make_bucket(endpoint: str, name: str) -> str:
    s3_client(endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
    )
    return name


def database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name or db['NAME']}"


def node_env(*, endpoint: str, bucket: str, var_dir, database: str | None = None, **extra) -> dict:
    """What every node of one deployment shares: database, Redis, bucket and keys."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "development",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "PORTAL_FIELD_ENCRYPTION_KEY": FIELD_KEY,
        "DATABASE_URL": database_url(database),
        "REDIS_URL": os.environ["REDIS_URL"],
        "PORTAL_S3_BUCKET": bucket,
        "PORTAL_S3_ENDPOINT_URL": endpoint,
        "PORTAL_S3_REGION": S3_REGION,
        "PORTAL_S3_ACCESS_KEY_ID": S3_KEY,
        "PORTAL_S3_SECRET_ACCESS_KEY": S3_SECRET,
        "PORTAL_VAR_DIR": str(var_dir),
        "LOG_FORMAT": "json",
        **extra,
    }


def spawn(args, env, log: Path) -> subprocess.Popen:
    """The process's output goes to a file, so a test can read it while the process runs."""
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    proc.log = log
    return proc


def start_web(env, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = spawn(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--no-control-socket"],
        env,
        log,
    )  # fmt: skip
    return proc, f"http://127.0.0.1:{port}"


def start_worker(env, log: Path) -> subprocess.Popen:
    return spawn(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"node-{uuid.uuid4().hex[:8]}@%h"],
        env,
        log,
    )  # fmt: skip


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{base} exited: {stop(proc)[-3000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} never became healthy")


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.log.read_text()


def sign_in(session: requests.Session, base: str, email: str, password: str) -> requests.Response:
    # One Host for every node, as behind the proxy: allauth's per-address limit is keyed on it.
    headers = {"Host": "127.0.0.1"}
    session.get(f"{base}/accounts/login/", headers=headers)
    return session.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers=headers,
        allow_redirects=False,
    )


def forget_rate_limits() -> None:
    """Earlier runs on the same Redis leave sign-in counts behind; the broker's keys stay."""
    from django.core.cache import cache

    client = cache._cache.get_client()
    for key in client.scan_iter("*allauth:rl:*"):
        client.delete(key)
