"""A backup restores: scripts/backup.sh dumps a seeded database and its files from one bucket,
scripts/restore.sh brings them back into a fresh database and an empty bucket, and every claim,
receipt and report is there, with bank details readable with the kept key (services run only)."""

import hashlib
import json
import logging
import os
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models

from contributors.models import BankAccount
from payments import services as payment_services
from payments.models import Claim, ExpenseLine
from tests.factories import (
    ActivityFactory,
    ContributorFactory,
    ImpactEntryFactory,
    ParticipationFactory,
    ProjectFactory,
    RateCardRowFactory,
    UserFactory,
)
from tests.portal import nodes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# What the restored installation reports about itself, printed as JSON by a child process.
SNAPSHOT = """
import hashlib, json
from contributors.models import BankAccount
from impact.models import ImpactEntry, ReportRequest
from payments.models import Claim, ExpenseLine

def digest(field):
    with field.open("rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

print(json.dumps({
    "claims": sorted(str(c.public_id) for c in Claim.objects.all()),
    "receipts": {str(x.public_id): digest(x.receipt) for x in ExpenseLine.objects.exclude(receipt="")},
    "reports": {str(r.public_id): [digest(r.pdf_file), digest(r.csv_file)] for r in ReportRequest.objects.all()},
    "evidence": {str(e.public_id): digest(e.evidence_file) for e in ImpactEntry.objects.exclude(evidence_file="")},
    "bank": {str(b.contributor.user.email): b.reveal() for b in BankAccount.objects.select_related("contributor__user")},
}, sort_keys=True))
"""


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pg_bin() -> str:
    found = sorted(
        (p for p in __import__("glob").glob("/usr/lib/postgresql/*/bin")), key=lambda p: int(p.split("/")[-2])
    )
    return found[-1] if found else ""


@pytest.fixture
def source_bucket(settings, monkeypatch, caplog):
    """The in-process portal writes its private files to a bucket on moto's server."""
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL: runs in make test's second phase")
    caplog.set_level(logging.WARNING, logger="werkzeug")
    with nodes.s3_server() as endpoint:
        bucket = nodes.make_bucket(endpoint, "portal-live")
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                "BACKEND": "portal.storage.PrivateS3Storage",
                "OPTIONS": {
                    "bucket_name": bucket,
                    "endpoint_url": endpoint,
                    "region_name": nodes.S3_REGION,
                    "access_key": nodes.S3_KEY,
                    "secret_key": nodes.S3_SECRET,
                    "object_parameters": {"ServerSideEncryption": "AES256"},
                },
            },
        }
        settings.PORTAL_FIELD_ENCRYPTION_KEY = nodes.FIELD_KEY
        # The FileFields picked their storage when the models loaded: point them at the bucket.
        from django.apps import apps

        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.FileField):
                    monkeypatch.setattr(field, "storage", storages["private"])
        yield endpoint, bucket


def test_a_backup_restores_into_a_fresh_database_and_bucket(source_bucket, tmp_path):
    endpoint, bucket = source_bucket
    from impact.models import ReportRequest

    # Seed: two contributors with bank details, claims with receipts, a report, evidence.
    coordinator = UserFactory(email="fatima@example.org", coordinator=True)
    project = ProjectFactory(lead=coordinator)
    RateCardRowFactory(amount=Decimal("25.00"))
    receipts = {}
    for n, email in enumerate(["cara@example.org", "olu@example.org"]):
        contributor = ContributorFactory(user__email=email)
        bank = BankAccount(contributor=contributor)
        bank.set_details(account_name=f"Person {n}", sort_code="12-34-56", account_number=f"1234567{n}")
        bank.save()
        participation = ParticipationFactory(
            activity=ActivityFactory(project=project, past=True),
            contributor=contributor.user,
            status="attended",
        )
        claim = payment_services.start_claim(actor=contributor.user, participation=participation)
        content = b"%PDF-1.4 receipt " + uuid.uuid4().bytes
        line, _ = payment_services.add_expense_line(
            actor=contributor.user,
            claim=claim,
            kind="taxi",
            amount=Decimal("15.00"),
            receipt=SimpleUploadedFile("receipt.pdf", content),
        )
        receipts[str(line.public_id)] = sha(content)
    report = ReportRequest.objects.create(
        requested_by=coordinator, kind="impact", project=project, status="ready"
    )
    report.pdf_file.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    report.csv_file.save("report.csv", ContentFile(b"a,b\n1,2\n"), save=True)
    entry = ImpactEntryFactory(project=project, created_by=coordinator)
    entry.evidence_file.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=True)
    expected = {
        "claims": sorted(str(c.public_id) for c in Claim.objects.all()),
        "receipts": receipts,
        "reports": {str(report.public_id): [sha(b"%PDF-1.4 report"), sha(b"a,b\n1,2\n")]},
        "evidence": {str(entry.public_id): sha(b"%PDF-1.4 minutes")},
        "bank": {
            "cara@example.org": {
                "account_name": "Person 0",
                "sort_code": "12-34-56",
                "account_number": "12345670",
            },
            "olu@example.org": {
                "account_name": "Person 1",
                "sort_code": "12-34-56",
                "account_number": "12345671",
            },
        },
    }
    assert ExpenseLine.objects.exclude(receipt="").count() == 2

    def run(args, env):
        done = subprocess.run(
            args, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout

    tools = {"PG_BIN": pg_bin(), "PYTHON": sys.executable}
    live = nodes.node_env(endpoint=endpoint, bucket=bucket, var_dir=tmp_path, **tools)
    backup = tmp_path / "backup"
    run(["scripts/backup.sh", str(backup)], live)
    assert (backup / "database.dump").stat().st_size > 0
    assert len(json.loads((backup / "files" / "manifest.json").read_text())) == 5

    # A fresh database and an empty bucket, as after losing the old ones.
    restored_db = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored_db}"')
        cursor.execute(f'CREATE DATABASE "{restored_db}"')
    try:
        fresh = nodes.node_env(
            endpoint=endpoint,
            bucket=nodes.make_bucket(endpoint, "portal-restored"),
            var_dir=tmp_path,
            database=restored_db,
            **tools,
        )
        out = run(["scripts/restore.sh", str(backup)], fresh)
        assert '"problems": []' in out
        snapshot = run([sys.executable, "manage.py", "shell", "-c", SNAPSHOT], fresh)
        assert json.loads(snapshot.strip().splitlines()[-1]) == expected

        # Without the kept key the restore check fails loudly rather than passing quietly.
        wrong = {**fresh, "PORTAL_FIELD_ENCRYPTION_KEY": "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="}
        refused = subprocess.run(
            [sys.executable, "manage.py", "verify_restore"], cwd=settings.BASE_DIR, env=wrong, capture_output=True, text=True
        )  # fmt: skip
        assert refused.returncode != 0
        assert "cannot be decrypted" in refused.stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
