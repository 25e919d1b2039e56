"""Every payments URL for every persona: 404 outside your scope, 403 for a missing role."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from payments import services
from payments.models import PaymentBatch
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    ProjectFactory,
    RateCardRowFactory,
    give_bank_details,
)
from tests.matrix import REFUSED, Case, check, expect, params, world_fixture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

NOT_STAFF = {"contributor": 403, "other_contributor": 403}
MANAGER_ONLY = {**NOT_STAFF, "coordinator": 403, "other_coordinator": 403}
# An editable claim of Cara's: others in scope may look, not change; the rest get 404.
EDIT = expect(contributor=302, other_contributor=404, coordinator=403, other_coordinator=404, manager=403)
DRAFT = lambda w: {"public_id": w["draft"].public_id}  # noqa: E731

CASES = [
    Case("payments:claim_list", expect()),
    Case(
        "payments:claim_start",
        method="post",
        # Fatima may only claim for contributors who are offline; Cara signs in herself. Anyone
        # else cannot choose Cara's participation: the form refuses it.
        expect=expect(
            contributor=302,
            other_contributor=REFUSED,
            coordinator=403,
            other_coordinator=REFUSED,
            manager=REFUSED,
        ),
        data=lambda w: {"participation": w["unclaimed"].pk},
    ),
    Case("payments:claim_enter", expect(**NOT_STAFF, manager=403)),
    Case("payments:claim_queue", expect(**NOT_STAFF)),
    Case(
        "payments:claim_bulk_approve",
        method="post",
        # Another project's coordinator cannot pick the claim: nothing to approve.
        expect=expect(**NOT_STAFF, coordinator=302, other_coordinator=REFUSED, manager=302),
        data=lambda w: {"claims": [str(w["submitted"].public_id)]},
    ),
    Case("payments:claim_detail", expect(other_contributor=404, other_coordinator=404), kwargs=DRAFT),
    Case(
        "payments:claim_choices",
        method="post",
        expect=EDIT,
        kwargs=DRAFT,
        data=lambda w: {"payment_choice": "vouchers"},
    ),
    Case(
        "payments:claim_fee_add",
        method="post",
        expect=EDIT,
        kwargs=DRAFT,
        data=lambda w: {"code": "meeting_hour", "quantity": "1"},
    ),
    Case(
        "payments:claim_fee_remove",
        method="post",
        expect=EDIT,
        kwargs=lambda w: {"public_id": w["draft"].public_id, "line_id": w["draft"].fee_lines.first().pk},
    ),
    Case(
        "payments:claim_expense_add",
        method="post",
        expect=EDIT,
        kwargs=DRAFT,
        data=lambda w: {"kind": "parking", "amount": "4.00"},
    ),
    Case(
        "payments:claim_expense_remove",
        method="post",
        expect=EDIT,
        kwargs=lambda w: {"public_id": w["draft"].public_id, "line_id": w["expense"].public_id},
    ),
    Case(
        "payments:claim_check",
        expect=expect(
            contributor=200, other_contributor=404, coordinator=403, other_coordinator=404, manager=403
        ),
        kwargs=DRAFT,
    ),
    Case(
        "payments:claim_submit",
        method="post",
        expect=EDIT,
        kwargs=DRAFT,
        data=lambda w: {"declaration": "on"},
    ),
    Case(
        "payments:claim_withdraw",
        method="post",
        expect=EDIT,
        kwargs=DRAFT,
        data=lambda w: {"confirmed": "yes"},
    ),
    Case(
        "payments:claim_adjust",
        method="post",
        expect=EDIT,
        kwargs=DRAFT,
        data=lambda w: {"option": "expenses_only"},
    ),
    Case("payments:benefitrule_list", expect(**MANAGER_ONLY)),
    Case("payments:benefitrule_create", expect(**MANAGER_ONLY)),
    Case(
        "payments:benefitrule_create",
        method="post",
        expect=expect(**MANAGER_ONLY, manager=302),
        data=lambda w: {
            "benefit": "esa_permitted_work_higher",
            "period": "week",
            "limit": "203.00",
            "applies_from": "2099-04-06",
            "source": "Test",
        },
        id="post payments:benefitrule_create",
    ),
    Case("payments:jobcentre_letter", expect(coordinator=403, other_coordinator=403, manager=403)),
    # The letter for someone else: a manager, or the coordinator who claims for them (offline).
    Case(
        "payments:jobcentre_letter_for",
        expect(other_contributor=404, coordinator=404, other_coordinator=404),
        kwargs=lambda w: {"person_id": w["contributor"].public_id},
    ),
    Case(
        "payments:claim_decide",
        method="post",
        # Cara may see her own claim but never decide it.
        expect=expect(
            contributor=403, other_contributor=404, coordinator=302, other_coordinator=404, manager=302
        ),
        kwargs=lambda w: {"public_id": w["submitted"].public_id},
        data=lambda w: {"decision": "approve"},
    ),
    Case(
        "payments:receipt",
        expect(other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"line_id": w["expense"].public_id},
    ),
    Case("payments:payment_list", expect(**MANAGER_ONLY)),
    Case("payments:batch_list", expect(**MANAGER_ONLY)),
    Case(
        "payments:claims_pay",
        method="post",
        expect=expect(**MANAGER_ONLY, manager=302),
        data=lambda w: {
            "paid_on": "2026-01-10",
            "bank_reference": "RUN-1",
            "confirm": "yes",
            "claims": [str(w["approved"].public_id)],
        },
    ),
    # A manager without an authenticator app is told to set one up (403 until they do).
    Case(
        "payments:batch_export",
        expect(**MANAGER_ONLY, manager=403),
        kwargs=lambda w: {"public_id": w["batch"].public_id},
    ),
    Case("payments:ratecard_list", expect(**MANAGER_ONLY)),
    Case("payments:ratecard_create", expect(**MANAGER_ONLY)),
    Case(
        "payments:ratecard_detail",
        expect(**MANAGER_ONLY),
        kwargs=lambda w: {"public_id": w["card"].public_id},
    ),
    Case(
        "payments:ratecard_uplift",
        method="post",
        expect=expect(**MANAGER_ONLY, manager=302),
        kwargs=lambda w: {"public_id": w["card"].public_id},
        data=lambda w: {"percent": "10", "effective_from": "2099-01-01"},
    ),
    Case(
        "payments:ratecard_retire",
        method="post",
        expect=expect(**MANAGER_ONLY, manager=302),
        kwargs=lambda w: {"public_id": w["card"].public_id},
        data=lambda w: {"retired_on": "2099-01-01"},
    ),
    Case("payments:statement", expect(coordinator=403, other_coordinator=403, manager=403)),
    Case(
        "payments:statement_for",
        expect(other_contributor=404, coordinator=404, other_coordinator=404),
        kwargs=lambda w: {"person_id": w["contributor"].public_id, "year": 2025},
    ),
    Case(
        "payments:statement_pdf",
        expect(coordinator=403, other_coordinator=403, manager=403),
        kwargs=lambda w: {"year": 2025},
    ),
]


def _build(cara, olu, fatima, other_coordinator, morgan, project):
    ProjectFactory(lead=other_coordinator)
    row = RateCardRowFactory()

    def participation():
        return ParticipationFactory(
            activity=ActivityFactory(project=project, past=True), contributor=cara, status="attended"
        )

    draft = services.start_claim(actor=cara, participation=participation())
    expense, _ = services.add_expense_line(
        actor=cara,
        claim=draft,
        kind="taxi",
        amount=Decimal("12.00"),
        receipt=SimpleUploadedFile("taxi.png", PNG, content_type="image/png"),
    )
    submitted = services.start_claim(actor=cara, participation=participation())
    services.submit_claim(actor=cara, claim=submitted, declaration=True)
    approved = services.start_claim(actor=cara, participation=participation())
    services.submit_claim(actor=cara, claim=approved, declaration=True)
    services.decide_claim(claim=approved, approver=fatima, approve=True)
    paid = services.start_claim(actor=cara, participation=participation())
    services.submit_claim(actor=cara, claim=paid, declaration=True)
    services.decide_claim(claim=paid, approver=fatima, approve=True)
    # Cara has bank details, so her approved claims can join a bank-transfer run.
    give_bank_details(paid.contributor)
    batch = services.mark_claims_paid(actor=morgan, claims=[paid], paid_on=paid.work_on, reference="RUN-0")
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "card": row.card,
        "draft": draft,
        "expense": expense,
        "submitted": submitted,
        "approved": approved,
        "batch": PaymentBatch.objects.get(pk=batch.pk),
        "unclaimed": participation(),
    }


world = world_fixture(_build)


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(db, client, world, case, persona):
    check(client, world, case, persona)
