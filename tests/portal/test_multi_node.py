"""Two web nodes and two Celery workers on one PostgreSQL, one Redis and one S3-compatible
store (moto's server): what one node stores or remembers, the other serves (services run only)."""

import json
import logging
import os
import re
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from payments import services as payment_services
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    ProjectFactory,
    RateCardRowFactory,
    UserFactory,
)
from tests.portal import nodes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PASSWORD = "multi-node-pass-2026"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(256)


def person(email, **roles):
    user = UserFactory(email=email, **roles)
    # The nodes run the production hashers, not the tests' fast MD5 one; few rounds keeps it quick.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "multinodesalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def deployment(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="werkzeug")  # moto's server logs every request
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL: runs in make test's second phase")
    nodes.forget_rate_limits()
    with nodes.s3_server() as endpoint:
        bucket = nodes.make_bucket(endpoint, "portal-private")
        env = nodes.node_env(endpoint=endpoint, bucket=bucket, var_dir=tmp_path)
        procs = {name: nodes.start_worker(env, tmp_path / f"{name}.log") for name in ("worker-1", "worker-2")}
        web_a, a = nodes.start_web(env, tmp_path / "web-a.log")
        # Node B hands large files out as signed URLs; "large" here is anything over 1 kB.
        web_b, b = nodes.start_web({**env, "PORTAL_S3_SIGNED_URL_ABOVE_MB": "0.001"}, tmp_path / "web-b.log")
        procs.update({"web-a": web_a, "web-b": web_b})
        try:
            nodes.wait_healthy(a, web_a)
            nodes.wait_healthy(b, web_b)
            yield {"a": a, "b": b, "endpoint": endpoint, "bucket": bucket, "procs": procs}
        finally:
            for proc in procs.values():
                nodes.stop(proc)


def test_two_web_nodes_and_two_workers_share_files_sessions_and_rate_limits(deployment, tmp_path):
    a, b = deployment["a"], deployment["b"]
    s3 = nodes.s3_client(deployment["endpoint"])
    fatima = person("fatima@example.org", coordinator=True)
    cara = person("cara@example.org", contributor=True)
    person("olu@example.org", contributor=True)
    project = ProjectFactory(lead=fatima)
    activity = ActivityFactory(project=project, starts_at=datetime(2026, 1, 20, 10, tzinfo=UTC))
    RateCardRowFactory(amount=Decimal("25.00"), card__effective_from=date(2024, 4, 1))
    participation = ParticipationFactory(activity=activity, contributor=cara, status="attended")
    claim = payment_services.start_claim(actor=cara, participation=participation)

    # A session begun on node A is honoured on node B.
    staff = requests.Session()
    assert nodes.sign_in(staff, a, "fatima@example.org", PASSWORD).status_code == 302
    reports_url = reverse("impact:report_list")
    assert staff.get(f"{b}{reports_url}", allow_redirects=False).status_code == 200

    # A report asked for on node A is made by a worker and downloaded from node B.
    asked = staff.post(
        f"{a}{reports_url}",
        data={
            "kind": "diversity",
            "project": str(project.public_id),
            "start_on": (timezone.localdate() - timedelta(days=365)).isoformat(),
            "end_on": timezone.localdate().isoformat(),
            "csrfmiddlewaretoken": staff.cookies["csrftoken"],
        },
        allow_redirects=False,
    )
    assert asked.status_code == 302, asked.text[-2000:]
    from impact.models import ReportRequest

    report = ReportRequest.objects.get(requested_by=fatima)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and report.status not in ("ready", "failed"):
        time.sleep(0.3)
        report.refresh_from_db()
    assert report.status == "ready", report.error
    download = staff.get(
        f"{b}{reverse('impact:report_download', args=[report.public_id, 'pdf'])}", allow_redirects=False
    )
    # Node B sends a short-lived signed URL (the PDF is over its 1 kB limit), not a public one.
    assert download.status_code == 302
    assert "X-Amz-Signature=" in download.headers["Location"]
    assert "X-Amz-Expires=60" in download.headers["Location"]
    pdf = requests.get(download.headers["Location"], timeout=10)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    # The object is encrypted at rest, private, and its key says nothing about the report.
    key = report.pdf_file.name
    assert report.public_id.hex not in key
    assert str(report.public_id)[:8] not in key
    assert s3.head_object(Bucket=deployment["bucket"], Key=key)["ServerSideEncryption"] == "AES256"
    grants = s3.get_object_acl(Bucket=deployment["bucket"], Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]

    # A receipt uploaded on node B is served on node A (streamed through the permission check).
    contributor = requests.Session()
    assert nodes.sign_in(contributor, b, "cara@example.org", PASSWORD).status_code == 302
    added = contributor.post(
        f"{b}{reverse('payments:claim_expense_add', args=[claim.public_id])}",
        data={"kind": "taxi", "amount": "15.00", "description": "Taxi home", "csrfmiddlewaretoken": contributor.cookies["csrftoken"]},
        files={"receipt": ("taxi.png", PNG, "image/png")},
        allow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 302, added.text[-2000:]
    line = claim.expense_lines.get()
    assert line.receipt.name.startswith("receipts/")
    receipt_url = reverse("payments:receipt", args=[line.public_id])
    served = contributor.get(f"{a}{receipt_url}")
    assert served.status_code == 200
    assert served.content == PNG
    assert served.headers["Cache-Control"] == "private, no-store"
    assert staff.get(f"{a}{receipt_url}").content == PNG  # the project's coordinator
    # Someone else gets a 404 from either node, and nobody gets the object without signing.
    olu = requests.Session()
    assert nodes.sign_in(olu, a, "olu@example.org", PASSWORD).status_code == 302
    assert olu.get(f"{a}{receipt_url}").status_code == 404
    assert olu.get(f"{b}{receipt_url}").status_code == 404

    # Failed sign-ins are counted across nodes: three on A and two on B reach allauth's
    # five-per-key limit, and then even the right password is refused, on either node.
    stranger = requests.Session()
    for base in (a, a, a, b, b):
        assert nodes.sign_in(stranger, base, "cara@example.org", "wrong-password").status_code == 200
    refused = nodes.sign_in(stranger, a, "cara@example.org", PASSWORD)
    assert refused.status_code == 200, (refused.status_code, refused.headers.get("Location"))
    assert "Too many failed login attempts" in refused.text

    # Either worker made the report: exactly one of them says so.
    procs = deployment["procs"]
    done = re.compile(r"Task impact\.tasks\.make_report\[[^\]]+\] succeeded")
    made = [n for n in ("worker-1", "worker-2") if done.search(procs[n].log.read_text())]
    assert len(made) == 1, made

    # Each node logs one JSON line per request, carrying the proxy's request id.
    response = requests.get(f"{a}/accounts/login/", headers={"X-Request-ID": "proxy-req-12345678"})
    assert response.headers["X-Request-ID"] == "proxy-req-12345678"
    lines = [json.loads(x) for x in procs["web-a"].log.read_text().splitlines() if x.startswith("{")]
    assert {"method": "GET", "path": "/accounts/login/", "status": 200} in [
        {k: e.get(k) for k in ("method", "path", "status")}
        for e in lines
        if e["request_id"] == "proxy-req-12345678"
    ]

    # SIGTERM (what docker stop sends PID 1) shuts a node down cleanly, not killed mid-request.
    web_b = procs["web-b"]
    nodes.stop(web_b)
    assert web_b.returncode == 0
    assert "Shutting down: Master" in web_b.log.read_text()
