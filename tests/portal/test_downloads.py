"""Every CSV a person can download is built by portal.downloads: formulas made inert, a BOM.

One test per CSV URL, each with a name typed as a spreadsheet formula.
"""

import csv
import io
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from contributors.models import ParticipationDiversity
from impact import services as impact_services
from payments import services as payment_services
from portal.downloads import csv_download, safe_cell
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    RateCardRowFactory,
    RoleAssignmentFactory,
    UserFactory,
)

FORMULA = '=HYPERLINK("http://evil.example","click")'
INERT = "'" + FORMULA


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "CSV downloads start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_formula_cells_are_made_inert_and_numbers_are_left_alone():
    assert [safe_cell(v) for v in ("=1+1", "+44", "@SUM(A1)", "-x", "\tcmd", "plain")] == [
        "'=1+1",
        "'+44",
        "'@SUM(A1)",
        "'-x",
        "'\tcmd",
        "plain",
    ]
    assert [safe_cell(v) for v in ("-12.50", "12", 3, None)] == ["-12.50", "12", 3, None]


def test_csv_download_is_an_attachment_with_a_bom():
    response, writer = csv_download("x.csv")
    writer.writerow(["Zoë", FORMULA])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert _rows(response.content) == [["Zoë", INERT]]


def test_role_register_csv_guards_formulas(client, morgan, cara, project):
    project.title = FORMULA
    project.save()
    RoleAssignmentFactory(contributor=cara, project=project, role_type="lay_reviewer")
    client.force_login(morgan)
    rows = _rows(client.get(reverse("contributors:role_register_csv")).content)
    assert rows[1][:2] == [INERT, "Cara Bennett"]


def test_finance_export_guards_formulas(client, cara, fatima, morgan, project):
    from contributors.models import BankAccount, Contributor

    cara.name = FORMULA
    cara.save()
    account = BankAccount(contributor=Contributor.objects.create(user=cara))
    account.set_details(account_name="C Bennett", sort_code="12-34-56", account_number="12345678")
    account.save()
    RateCardRowFactory(amount=Decimal("25.00"), card__effective_from=date(2024, 4, 1))
    activity = ActivityFactory(project=project, starts_at=datetime(2026, 1, 20, 10, tzinfo=UTC))
    participation = ParticipationFactory(activity=activity, contributor=cara, status="attended")
    claim = payment_services.start_claim(actor=cara, participation=participation)
    payment_services.submit_claim(actor=cara, claim=claim, declaration=True)
    payment_services.decide_claim(claim=claim, approver=fatima, approve=True)
    batch = payment_services.mark_claims_paid(
        actor=morgan, claims=[claim], paid_on=date(2026, 2, 1), reference="-RUN"
    )
    Authenticator.objects.create(user=morgan, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(morgan)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(morgan.pk)
    session.save()
    response = client.get(reverse("payments:batch_export", args=[batch.public_id]))
    rows = _rows(response.content)
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[0] == "payee"
    assert (first["payee"], first["reference"], first["total"]) == (INERT, "'-RUN", "50.00")


def test_impact_report_csv_guards_formulas(client, morgan, project, django_capture_on_commit_callbacks):
    project.title = FORMULA
    project.save()
    meeting = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=20))
    for _ in range(5):
        participation = ParticipationFactory(
            activity=meeting, contributor=UserFactory(contributor=True), status="attended"
        )
        ParticipationDiversity.objects.create(participation=participation, has_answers=True, sex="male")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        report = impact_services.request_report(
            actor=morgan,
            kind="diversity",
            project=project,
            start_on=today - timedelta(days=365),
            end_on=today,
        )
    client.force_login(morgan)
    response = client.get(reverse("impact:report_download", args=[report.public_id, "csv"]))
    rows = _rows(b"".join(response.streaming_content))
    assert response["Content-Type"].startswith("text/csv")
    assert any(
        INERT in row[1] or row[1].startswith("'=") for row in rows if len(row) > 1 and row[0] == "scope"
    )
