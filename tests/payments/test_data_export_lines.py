"""The payments section of "Your data" reads each claim's fee lines, expense lines and timeline
in one query (payments.panels._ClaimsWithLines): the download and the page say exactly what the
lines, read one relation at a time as model instances, say."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contributors.data_export import SECTIONS, _card, export_for, readable_section
from payments.models import Claim, ClaimEvent, ExpenseLine, FeeLine
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ContributorFactory,
    ParticipationFactory,
    RateCardRowFactory,
)

pytestmark = pytest.mark.django_db


def _as_model_instances(claim) -> dict:
    """What the section said of a claim before, from the claim and each relation of its lines
    in its model's order, as model instances."""
    claim.refresh_from_db()
    return {
        "for": claim.title,
        "reference": claim.reference,
        "claim": str(claim.public_id),
        "project": claim.project.title,
        "date_of_work": claim.work_on.isoformat(),
        "status": claim.get_status_display(),
        "payment_choice": claim.get_payment_choice_display(),
        "fee_total": str(claim.fee_total),
        "expense_total": str(claim.expense_total),
        "total": str(claim.total),
        "paid_on": claim.paid_on.isoformat() if claim.paid_on else None,
        "payment_reference": claim.payment_reference,
        "fees": [
            {
                "description": f.description,
                "rate": str(f.unit_amount),
                "quantity": str(f.quantity),
                "amount": str(f.amount),
            }
            for f in claim.fee_lines.all()
        ],
        "expenses": [
            {
                "type": e.get_kind_display(),
                "description": e.description,
                "miles": str(e.miles or ""),
                "amount": str(e.amount),
                "receipt": e.receipt_name,
            }
            for e in claim.expense_lines.all()
        ],
        "timeline": [
            {"when": ev.created_at.isoformat(), "status": ev.get_to_status_display(), "note": ev.note}
            for ev in claim.events.all()
        ],
    }


@pytest.fixture
def claims(cara, project):
    """Claims with no lines, with fees (one preparation line, saved first), mileage with and
    without miles, an expense of a kind no longer offered, and timelines whose events were
    saved out of order and at the same moment."""
    ContributorFactory(user=cara)
    row = RateCardRowFactory()
    now = timezone.now()
    made = []
    for i in range(30):
        if i % 5 == 1:  # a task a coordinator agreed, not an activity
            claim = ClaimFactory(
                participation=None,
                contributor=cara,
                project=project,
                ad_hoc_description=f"Task {i}",
                work_on=timezone.localdate() - timedelta(days=i),
            )
        else:
            claim = ClaimFactory(
                participation=ParticipationFactory(
                    activity=ActivityFactory(project=project, past=True, title=f"Panel {i}"),
                    contributor=cara,
                    status="attended",
                )
            )
        if i % 4 == 2:
            Claim.objects.filter(pk=claim.pk).update(
                status="paid", paid_on=timezone.localdate(), payment_reference=f"PAY-{i}",
                payment_choice="vouchers", fee_total=Decimal("12.30"), expense_total=Decimal("0.05"),
            )  # fmt: skip
        made.append(claim)
        if i % 3 == 0:
            continue  # no lines, no timeline
        FeeLine.objects.create(
            claim=claim, rate_row=row, description="Preparation <b>", unit="hour",
            unit_amount=Decimal("25.00"), quantity=Decimal("1.50"), amount=Decimal("37.50"),
            is_preparation=True,
        )  # fmt: skip
        FeeLine.objects.create(
            claim=claim, rate_row=row, description=f"Meeting {i}", unit="hour",
            unit_amount=Decimal("27.50"), quantity=Decimal("2.00"), amount=Decimal("55.00"),
        )  # fmt: skip
        ExpenseLine.objects.create(
            claim=claim, kind="mileage_car", description="To the hospital\nand back",
            miles=Decimal("12.5"), amount=Decimal("5.63"), receipt_name="",
        )  # fmt: skip
        ExpenseLine.objects.create(
            claim=claim, kind="taxi", miles=None, amount=Decimal("0.00"), receipt_name="taxi.pdf"
        )
        ExpenseLine.objects.create(claim=claim, kind="retired_kind", amount=Decimal("3.10"))
        later = ClaimEvent.objects.create(
            claim=claim, from_status="submitted", to_status="approved", note="OK"
        )
        first = ClaimEvent.objects.create(claim=claim, from_status="draft", to_status="submitted")
        same = ClaimEvent.objects.create(claim=claim, from_status="approved", to_status="paid", note="")
        ClaimEvent.objects.filter(pk=first.pk).update(created_at=now - timedelta(days=2))
        ClaimEvent.objects.filter(pk__in=[later.pk, same.pk]).update(created_at=now - timedelta(days=1))
    return made


def test_the_download_says_of_every_line_what_the_model_instances_say(cara, claims):
    exported = export_for(cara)["payments"]["claims"]
    assert len(exported) == len(claims)
    by_id = {str(claim.public_id): claim for claim in claims}
    expected = [_as_model_instances(by_id[record["claim"]]) for record in exported]
    # Byte for byte, as the download writes it.
    assert json.dumps(exported, indent=2, ensure_ascii=False) == json.dumps(
        expected, indent=2, ensure_ascii=False
    )
    with_lines = next(r for r in exported if r["fees"])
    # The preparation line, saved first, comes after the meeting (FeeLine's order).
    assert [f["description"] for f in with_lines["fees"]][1] == "Preparation <b>"
    assert [e["type"] for e in with_lines["expenses"]] == ["Mileage: car or van", "Taxi", "retired_kind"]
    assert [e["miles"] for e in with_lines["expenses"]] == ["12.5", "", ""]
    assert [t["status"] for t in with_lines["timeline"]] == ["Submitted", "Approved", "Paid"]


def test_each_page_shows_the_cards_the_model_instances_give(cara, claims):
    section = SECTIONS["payments"]
    by_id = {str(claim.public_id): claim for claim in claims}
    for number in ("1", "2", "99"):
        request = RequestFactory().get("/", {"claims": number})
        request.user = cara
        with CaptureQueriesContext(connection) as queries:
            [group] = readable_section(request, section, cara)["groups"]
        if number != "99":  # past the end: the first page asked again for the count, then the last
            # The page with its count and its claims' three kinds of line: one round trip on
            # PostgreSQL (portal.compiled.batch), one by one elsewhere.
            assert len(queries) == (1 if connection.vendor == "postgresql" else 4)
        shown = [card["rows"] for card in group["cards"]]
        page_ids = [str(row["public_id"]) for row in group["page"].object_list]
        expected = [_card(_as_model_instances(by_id[pk]), "for")["rows"] for pk in page_ids]
        assert shown == expected
        assert group["page"].paginator.count == len(claims)


def test_a_long_download_reads_the_lines_in_batches_and_says_the_same(cara, claims, monkeypatch):
    whole = export_for(cara)["payments"]
    # A database allowing six parameters a query: two claims a batch (each key once per table).
    monkeypatch.setattr(connection.features, "max_query_params", 6)
    with CaptureQueriesContext(connection) as queries:
        batched = export_for(cara)["payments"]
    assert sum("UNION ALL" in q["sql"] for q in queries.captured_queries) == len(claims) // 2
    assert batched == whole
