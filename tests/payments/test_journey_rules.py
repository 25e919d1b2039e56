"""The rules behind issue 9's payments journeys, at the service level: references, the shown
payment choice, payment runs, routing, bulk approval, rate codes and statements."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contributors.services import register_offline_contributor
from payments import selectors, services
from payments.models import Claim, ClaimStatus, PaymentChoice
from portal.forms import ActivityForm
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    ProjectFactory,
    RateCardRowFactory,
    UserFactory,
    give_bank_details,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def card(db):
    return RateCardRowFactory(
        amount=Decimal("25.00"), card__effective_from=timezone.localdate() - timedelta(days=400)
    ).card


def _claim(person, project, actor=None):
    activity = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=2))
    participation = ParticipationFactory(activity=activity, contributor=person, status="attended")
    return services.start_claim(actor=actor or person, participation=participation)


def _approved(person, project, fatima, choice=PaymentChoice.FULL_FEE):
    claim = _claim(person, project)
    services.submit_claim(actor=person, claim=claim, declaration=True, payment_choice=choice)
    return services.decide_claim(claim=claim, approver=fatima, approve=True)


def test_every_claim_gets_a_short_unique_reference_when_it_is_started(cara, olu, project):
    first, second = _claim(cara, project), _claim(olu, project)
    assert re.fullmatch(r"CL-\d{4}-\d{5}", first.reference)
    assert first.reference != second.reference
    assert first.reference == f"CL-{first.created_at.year}-{first.pk:05d}"


def test_submitting_applies_the_choice_the_check_page_showed(cara, project):
    claim = _claim(cara, project)
    services.submit_claim(
        actor=cara, claim=claim, declaration=True, payment_choice="reduced", reduced_amount=Decimal("20")
    )
    claim.refresh_from_db()
    assert (claim.status, claim.payment_choice, claim.total) == ("submitted", "reduced", Decimal("20.00"))


def test_a_run_refuses_zero_claims_mixed_methods_and_missing_bank_details(cara, olu, fatima, morgan, project):
    give_bank_details(cara)
    bank = _approved(cara, project, fatima)
    vouchers = _approved(olu, project, fatima, choice=PaymentChoice.VOUCHERS)
    zero = _approved(cara, project, fatima, choice=PaymentChoice.EXPENSES_ONLY)
    nobody = UserFactory(contributor=True)
    no_bank = _approved(nobody, project, fatima)
    today = timezone.localdate()
    for claims, message in (
        ([zero], "£0.00"),
        ([bank, vouchers], "separate runs"),
        ([no_bank], "no bank details"),
    ):
        with pytest.raises(services.ClaimError, match=message):
            services.mark_claims_paid(actor=morgan, claims=claims, paid_on=today, reference="R")
    assert Claim.objects.filter(status=ClaimStatus.PAID).count() == 0
    batches = services.pay_run(
        actor=morgan, claims=[bank, vouchers], paid_on=today, bank_reference="B1", voucher_reference="V1"
    )
    assert sorted((b.method, b.reference, b.claims.count()) for b in batches) == [
        ("bank_transfer", "B1", 1),
        ("vouchers", "V1", 1),
    ]


def test_an_offline_claim_entered_by_the_only_coordinator_goes_to_the_managers(
    fatima, morgan, project, django_capture_on_commit_callbacks
):
    dennis = register_offline_contributor(
        actor=morgan, name="Dennis", contact_method="phone", phone="0113 496 0001"
    )
    claim = _claim(dennis.user, project, actor=fatima)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_claim(actor=fatima, claim=claim, declaration=True)
    assert [m.to for m in mail.outbox] == [["morgan@example.org"]]
    assert list(Claim.objects.routed_to_managers()) == [claim]
    assert list(Claim.objects.awaiting_decision_by(morgan)) == [claim]
    assert list(Claim.objects.awaiting_decision_by(fatima)) == []


def test_with_another_coordinator_the_claim_goes_to_them_not_the_managers(
    fatima, morgan, other_coordinator, project, django_capture_on_commit_callbacks
):
    project.coordinators.add(other_coordinator)
    dennis = register_offline_contributor(
        actor=morgan, name="Dennis", contact_method="phone", phone="0113 496 0001"
    )
    claim = _claim(dennis.user, project, actor=fatima)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_claim(actor=fatima, claim=claim, declaration=True)
    assert [m.to for m in mail.outbox] == [[other_coordinator.email]]
    assert not Claim.objects.routed_to_managers().exists()
    assert list(Claim.objects.awaiting_decision_by(other_coordinator)) == [claim]


def test_an_ordinary_claim_is_not_routed_to_the_managers(cara, project):
    claim = _claim(cara, project)
    services.submit_claim(actor=cara, claim=claim, declaration=True)
    assert not Claim.objects.routed_to_managers().exists()


def test_bulk_approve_skips_flagged_claims_and_says_why(cara, olu, fatima, project):
    flagged = []
    for person in (cara, olu):
        claim = _claim(person, project)
        services.add_expense_line(
            actor=person,
            claim=claim,
            kind="taxi",
            amount=Decimal("5.00"),
            receipt=SimpleUploadedFile("r.png", PNG, content_type="image/png"),
        )
        services.submit_claim(actor=person, claim=claim, declaration=True)
        flagged.append(claim)
    plain = _claim(olu, project)
    services.submit_claim(actor=olu, claim=plain, declaration=True)
    done, problems = services.bulk_approve(approver=fatima, claims=[*flagged, plain])
    assert [c.pk for c in done] == [plain.pk]
    assert problems == [
        f"{c.reference}: not approved because a receipt is also on another claim. Open it to decide."
        for c in flagged
    ]
    assert {c.status for c in Claim.objects.filter(pk__in=[c.pk for c in flagged])} == {"submitted"}


def test_an_uplift_is_named_as_people_write_percentages(card):
    new = services.uplift_rate_card(
        actor=None,
        card=card,
        percent=Decimal("10.00"),
        effective_from=card.effective_from + timedelta(days=1),
    )
    assert new.name.endswith("+ 10%")
    assert "10% uplift" in new.notes
    assert services.percent_text(Decimal("2.50")) == "2.5%"


def test_an_activity_rate_code_must_be_on_the_card_in_force_on_its_date(fatima, card):
    when = timezone.localtime() + timedelta(days=3)
    data = {
        "title": "Advisory group",
        "kind": "meeting",
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "expected_hours": "2",
        "mode": "online",
        "coordinator": fatima.pk,
    }
    assert ActivityForm({**data, "rate_code": "meeting_hour"}).is_valid()
    typo = ActivityForm({**data, "rate_code": "meetinghour"})
    assert not typo.is_valid()
    assert "Choose a rate from the rate card in force" in typo.errors["rate_code"][0]
    assert ActivityForm({**data, "rate_code": ""}).is_valid()


def test_every_tax_year_from_the_first_payment_is_offered(cara):
    project = ProjectFactory()
    claim = _claim(cara, project)
    Claim.objects.filter(pk=claim.pk).update(status="paid", paid_on=date(2022, 5, 1))
    years = selectors.tax_years_with_claims(cara, date(2026, 12, 1))
    assert years == [2026, 2025, 2024, 2023, 2022]
