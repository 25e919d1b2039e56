"""What a hosting team relies on: key rotation, the first staff account, private file names and
downloads, backups of files, request ids in logs, beat's heartbeat, S3 settings from the environment."""

import json
import logging
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from contributors.models import BankAccount
from portal import crypto
from portal.logs import JsonFormatter, RequestIdFilter
from portal.models import AuditEvent, Role, User
from portal.storage import private_storage
from tests.factories import ContributorFactory, ImpactEntryFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_rotating_the_field_key_keeps_bank_details_readable_then_retires_the_old_key(db, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PORTAL_FIELD_ENCRYPTION_KEY = old
    bank = BankAccount(contributor=ContributorFactory())
    bank.set_details(account_name="Cara Bennett", sort_code="12-34-56", account_number="12345678")
    bank.save()
    before = bank.account_number_encrypted

    # The new key in place, the old one kept for reading: nothing is unreadable meanwhile.
    settings.PORTAL_FIELD_ENCRYPTION_KEY, settings.PORTAL_FIELD_ENCRYPTION_OLD_KEYS = new, [old]
    assert bank.reveal()["account_number"] == "12345678"
    out = StringIO()
    call_command("rotate_encryption_key", stdout=out)
    bank.refresh_from_db()
    assert bank.account_number_encrypted != before
    assert "contributors.BankAccount: 1 row(s) re-encrypted" in out.getvalue()
    assert AuditEvent.objects.filter(action="crypto.key_rotated").count() == 1

    # With the old key dropped, the re-encrypted details still read; an old copy would not.
    settings.PORTAL_FIELD_ENCRYPTION_OLD_KEYS = []
    assert bank.reveal() == {
        "account_name": "Cara Bennett",
        "sort_code": "12-34-56",
        "account_number": "12345678",
    }
    with pytest.raises(ValueError, match="current key"):
        crypto.decrypt(before)


def test_create_staff_makes_the_first_manager_with_a_link_to_choose_a_password(db, client):
    out = StringIO()
    call_command("create_staff", role="manager", email="Morgan@Example.org", name="Morgan Price", stdout=out)
    morgan = User.objects.get(email="morgan@example.org")
    assert morgan.is_manager
    assert not morgan.is_superuser
    assert not morgan.has_usable_password()
    assert morgan.emailaddress_set.get().verified
    assert AuditEvent.objects.filter(action="role.granted", data__role=Role.MANAGER).count() == 1
    link = out.getvalue().strip().splitlines()[-1]
    path = link.removeprefix(django_settings.PORTAL_BASE_URL.rstrip("/"))
    # allauth swaps the key in the link for one kept in the session, then shows the form.
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert b"password1" in page.content


def test_create_staff_gives_an_existing_person_the_role_and_needs_a_name_for_a_new_one(db, cara):
    call_command("create_staff", role="coordinator", email="cara@example.org", stdout=StringIO())
    cara.refresh_from_db()
    assert cara.groups.filter(name=Role.COORDINATOR).exists()
    with pytest.raises(CommandError, match="--name"):
        call_command("create_staff", role="manager", email="new@example.org", stdout=StringIO())
    assert not User.objects.filter(email="new@example.org").exists()


def test_private_file_keys_are_random_and_downloads_are_private(client, fatima, project):
    entry = ImpactEntryFactory(project=project, created_by=fatima)
    entry.evidence_file.save("Cara Bennett minutes.pdf", ContentFile(b"%PDF-1.4"), save=True)
    entry.evidence_file_name = "Cara Bennett minutes.pdf"
    entry.save()
    folder, key = entry.evidence_file.name.rsplit("/", 1)
    assert folder.startswith("impact/evidence/")
    assert len(key) == len("0" * 32 + ".pdf")
    assert "Cara" not in key
    client.force_login(fatima)
    response = client.get(reverse("impact:entry_evidence", args=[entry.public_id]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="Cara Bennett minutes.pdf"' in response["Content-Disposition"]


def test_sync_private_files_copies_every_file_out_and_back_with_checksums(db, tmp_path, settings):
    storage = private_storage()
    names = [storage.save(f"receipts/{n}.png", ContentFile(PNG + bytes([n]))) for n in range(3)]
    call_command("sync_private_files", to=tmp_path / "backup", stdout=StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert sorted(manifest) == sorted(names)
    for name in names:
        storage.delete(name)
    call_command("sync_private_files", source=tmp_path / "backup", stdout=StringIO())
    assert [storage.open(n).read()[-1] for n in names] == [0, 1, 2]
    # A damaged backup is refused, not restored.
    (tmp_path / "backup" / names[0]).write_bytes(b"damaged")
    storage.delete(names[0])
    with pytest.raises(CommandError, match="checksum"):
        call_command("sync_private_files", source=tmp_path / "backup", stdout=StringIO())


def test_verify_restore_names_a_missing_receipt(db, cara, project):
    from payments import services
    from tests.factories import ActivityFactory, ParticipationFactory, RateCardRowFactory

    RateCardRowFactory(amount=Decimal("25.00"))
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True), contributor=cara, status="attended"
    )
    claim = services.start_claim(actor=cara, participation=participation)
    line, _ = services.add_expense_line(
        actor=cara, claim=claim, kind="taxi", amount=Decimal("15"), receipt=SimpleUploadedFile("t.png", PNG)
    )
    call_command("verify_restore", stdout=StringIO())
    line.receipt.storage.delete(line.receipt.name)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_restore", stdout=out)
    assert "payments.ExpenseLine" in out.getvalue()
    assert "file missing" in out.getvalue()


def test_every_response_carries_a_request_id_and_a_forged_one_is_replaced(client):
    kept = client.get("/healthz-nothing", headers={"X-Request-ID": "caddy-0123456789"})
    assert kept["X-Request-ID"] == "caddy-0123456789"
    replaced = client.get("/privacy/", headers={"X-Request-ID": "<script>"})
    assert len(replaced["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id():
    from portal.logs import request_id

    token = request_id.set("abc12345")
    try:
        record = logging.LogRecord("portal.request", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
        RequestIdFilter().filter(record)
        record.status = 200
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "GET /x"
    assert line["request_id"] == "abc12345"
    assert line["status"] == 200
    assert line["level"] == "INFO"


def test_beat_touches_its_heartbeat_file_on_every_tick(tmp_path, settings):
    from portal.celery import HeartbeatScheduler, app

    settings.PORTAL_BEAT_HEARTBEAT_FILE = str(tmp_path / "beat-heartbeat")
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    scheduler.setup_schedule()
    scheduler.tick()
    assert (tmp_path / "beat-heartbeat").exists()
    scheduler.close()


def test_a_bucket_in_the_environment_makes_private_files_go_to_s3_encrypted():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_S3_BUCKET": "portal-private",
        "PORTAL_S3_ENDPOINT_URL": "http://minio:9000",
        "PORTAL_S3_REGION": "eu-west-2",
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['private']))"
    )
    private = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert private["BACKEND"] == "portal.storage.PrivateS3Storage"
    assert private["OPTIONS"]["bucket_name"] == "portal-private"
    assert private["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert private["OPTIONS"]["object_parameters"] == {"ServerSideEncryption": "AES256"}


def test_a_sentry_dsn_switches_error_reporting_on_without_personal_data():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SENTRY_DSN": "https://key@errors.example.org/1",
    }
    code = (
        "import django, json, sentry_sdk; django.setup(); c = sentry_sdk.get_client(); "
        "print(json.dumps([c.is_active(), c.options['send_default_pii']]))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [True, False]
