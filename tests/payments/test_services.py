import threading
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from payments import selectors, services
from payments.models import Claim, ClaimEvent, ClaimStatus, PaymentChoice, RateCard
from portal.models import AuditEvent
from tests.factories import (
    ActivityFactory,
    ContributorFactory,
    ParticipationFactory,
    ProjectFactory,
    RateCardFactory,
    RateCardRowFactory,
    UserFactory,
    give_bank_details,
)
from tests.helpers import committed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PENNY = Decimal("0.01")

pence = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("999.99"), places=2)
quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2)


def _attended(contributor, project, starts_at=None, rate_code="meeting_hour", hours="2.00"):
    activity = ActivityFactory(
        project=project,
        starts_at=starts_at or datetime(2026, 1, 20, 10, tzinfo=UTC),
        rate_code=rate_code,
        expected_hours=Decimal(hours),
    )
    return ParticipationFactory(activity=activity, contributor=contributor, status="attended")


@pytest.fixture
def card(db):
    """The 2024 card (a meeting hour at £25.00) and its NIHR +10% uplift from 16 December 2025."""
    row = RateCardRowFactory(card=RateCardFactory(effective_from=date(2024, 4, 1)), amount=Decimal("25.00"))
    RateCardRowFactory(card=row.card, code="document_review", unit="item", amount=Decimal("37.50"))
    services.uplift_rate_card(
        actor=None, card=row.card, percent=Decimal("10"), effective_from=date(2025, 12, 16)
    )
    return row.card


def _submitted(cara, project, **kwargs):
    claim = services.start_claim(actor=cara, participation=_attended(cara, project, **kwargs))
    return services.submit_claim(actor=cara, claim=claim, declaration=True)


# --- Money --------------------------------------------------------------------------------


@given(rate=pence, quantity=quantities)
def test_fee_amounts_are_exact_pence_for_any_quantity(rate, quantity):
    amount = services.fee_amount(rate, quantity)
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2
    assert amount == (rate * quantity).quantize(PENNY, rounding=ROUND_HALF_UP)
    assert abs(amount - rate * quantity) <= Decimal("0.005")


@pytest.mark.django_db
@given(
    miles=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("500.0"), places=1),
    prior=st.decimals(min_value=Decimal("0"), max_value=Decimal("12000"), places=1),
    passengers=st.integers(min_value=0, max_value=4),
)
@hsettings(deadline=None, max_examples=60)
def test_car_mileage_is_exact_pence_and_steps_down_after_ten_thousand_miles(miles, prior, passengers):
    amount, _ = services.mileage_amount(
        kind="mileage_car", miles=miles, passengers=passengers, prior_miles=prior, on=date(2026, 1, 5)
    )
    low = max(Decimal("0"), min(miles, Decimal("10000") - prior))
    expected = low * Decimal("0.45") + (miles - low) * Decimal("0.25") + miles * passengers * Decimal("0.05")
    assert amount == expected.quantize(PENNY, rounding=ROUND_HALF_UP)
    assert amount.as_tuple().exponent == -2


def test_uplift_copies_every_rate_raised_and_rounded_to_the_penny(card):
    RateCardRowFactory(card=card, code="odd", amount=Decimal("13.33"))
    new = services.uplift_rate_card(
        actor=None, card=card, percent=Decimal("10"), effective_from=date(2026, 4, 6)
    )
    amounts = dict(new.rows.values_list("code", "amount"))
    assert amounts == {
        "meeting_hour": Decimal("27.50"),
        "document_review": Decimal("41.25"),
        "odd": Decimal("14.66"),
    }


# --- Rates in force -----------------------------------------------------------------------


def test_the_rate_in_force_on_the_activity_date_is_used_across_the_uplift_boundary(card, cara, project):
    before = services.start_claim(
        actor=cara, participation=_attended(cara, project, starts_at=datetime(2025, 12, 15, 10, tzinfo=UTC))
    )
    after = services.start_claim(
        actor=cara, participation=_attended(cara, project, starts_at=datetime(2025, 12, 16, 10, tzinfo=UTC))
    )
    assert before.fee_lines.get().unit_amount == Decimal("25.00")
    assert after.fee_lines.get().unit_amount == Decimal("27.50")
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.total, after.total) == (Decimal("50.00"), Decimal("55.00"))


def test_a_later_card_never_rewrites_a_priced_claim(card, cara, project, morgan):
    claim = services.start_claim(actor=cara, participation=_attended(cara, project))
    newer = RateCard.objects.get(effective_from=date(2025, 12, 16))
    services.uplift_rate_card(
        actor=morgan, card=newer, percent=Decimal("50"), effective_from=date(2026, 1, 1)
    )
    assert claim.fee_lines.get().unit_amount == Decimal("27.50")


def test_a_retired_card_no_longer_prices_activities_after_its_retirement(card, morgan):
    newer = RateCard.objects.get(effective_from=date(2025, 12, 16))
    services.retire_rate_card(actor=morgan, card=newer, retired_on=date(2026, 2, 1))
    assert services.rate_card_in_force(date(2026, 1, 31)) == newer
    assert services.rate_card_in_force(date(2026, 2, 1)) == card
    assert AuditEvent.objects.filter(action="ratecard.retired").count() == 1


def test_a_contributor_cannot_manage_rate_cards(card, cara):
    with pytest.raises(PermissionDenied):
        services.retire_rate_card(actor=cara, card=card, retired_on=date(2026, 1, 1))


# --- Building a claim -----------------------------------------------------------------------


def test_starting_a_claim_twice_returns_the_same_draft(card, cara, project):
    participation = _attended(cara, project)
    first = services.start_claim(actor=cara, participation=participation)
    second = services.start_claim(actor=cara, participation=participation)
    assert first.pk == second.pk
    assert Claim.objects.count() == 1


def test_preparation_time_is_its_own_fee_line(card, cara, project):
    claim = services.start_claim(actor=cara, participation=_attended(cara, project))
    services.add_fee_line(
        actor=cara, claim=claim, code="meeting_hour", quantity=Decimal("1.5"), is_preparation=True
    )
    claim.refresh_from_db()
    assert [line.is_preparation for line in claim.fee_lines.all()] == [False, True]
    assert claim.fee_total == Decimal("96.25")  # (2 + 1.5) × £27.50


def test_payment_choices_change_the_fee_but_never_the_expenses(card, cara, project):
    claim = services.start_claim(actor=cara, participation=_attended(cara, project))
    services.add_expense_line(actor=cara, claim=claim, kind="parking", amount=Decimal("4.00"))
    services.update_claim_choices(
        actor=cara, claim=claim, payment_choice=PaymentChoice.REDUCED, reduced_amount=Decimal("20")
    )
    claim.refresh_from_db()
    assert (claim.fee_total, claim.expense_total, claim.total) == (
        Decimal("20.00"),
        Decimal("4.00"),
        Decimal("24.00"),
    )
    services.update_claim_choices(actor=cara, claim=claim, payment_choice=PaymentChoice.EXPENSES_ONLY)
    claim.refresh_from_db()
    assert (claim.fee_total, claim.total) == (Decimal("0.00"), Decimal("4.00"))


def test_mileage_uses_miles_already_claimed_in_the_same_tax_year(card, cara, project):
    first = services.start_claim(actor=cara, participation=_attended(cara, project))
    services.add_expense_line(actor=cara, claim=first, kind="mileage_car", miles=Decimal("9990"))
    second = services.start_claim(
        actor=cara, participation=_attended(cara, project, starts_at=datetime(2026, 2, 2, 10, tzinfo=UTC))
    )
    line, _ = services.add_expense_line(
        actor=cara, claim=second, kind="mileage_car", miles=Decimal("20"), passengers=1
    )
    assert line.amount == Decimal("8.00")  # 10 × 45p + 10 × 25p + 20 × 5p


def test_an_expense_over_the_limit_needs_a_receipt(card, cara, project):
    claim = services.start_claim(actor=cara, participation=_attended(cara, project))
    with pytest.raises(services.ClaimError, match="Add a receipt"):
        services.add_expense_line(actor=cara, claim=claim, kind="taxi", amount=Decimal("10.01"))
    line, warnings = services.add_expense_line(
        actor=cara,
        claim=claim,
        kind="taxi",
        amount=Decimal("10.01"),
        receipt=SimpleUploadedFile("r.png", PNG),
    )
    assert warnings == []
    assert line.receipt_sha256
    assert line.receipt.name.startswith("receipts/")


def test_a_receipt_file_used_on_another_claim_warns(card, cara, project):
    one = services.start_claim(actor=cara, participation=_attended(cara, project))
    two = services.start_claim(actor=cara, participation=_attended(cara, project))
    services.add_expense_line(
        actor=cara, claim=one, kind="taxi", amount=Decimal("12"), receipt=SimpleUploadedFile("a.png", PNG)
    )
    _, warnings = services.add_expense_line(
        actor=cara, claim=two, kind="taxi", amount=Decimal("12"), receipt=SimpleUploadedFile("b.png", PNG)
    )
    assert "already been used" in warnings[0]
    assert services.duplicate_receipt_lines(two)


def test_a_file_pretending_to_be_a_png_is_refused(card, cara, project):
    claim = services.start_claim(actor=cara, participation=_attended(cara, project))
    with pytest.raises(services.ClaimError, match="not a real PDF, JPEG or PNG"):
        services.add_expense_line(
            actor=cara,
            claim=claim,
            kind="taxi",
            amount=Decimal("12"),
            receipt=SimpleUploadedFile("r.png", b"MZ\x90 not"),
        )


def test_a_public_sector_employee_must_confirm_before_submitting(card, cara, project):
    from contributors.models import Contributor

    Contributor.objects.create(user=cara, is_public_sector_employee=True)
    claim = services.start_claim(actor=cara, participation=_attended(cara, project))
    with pytest.raises(services.ClaimError, match="public-sector"):
        services.submit_claim(actor=cara, claim=claim, declaration=True)
    services.update_claim_choices(
        actor=cara, claim=claim, payment_choice="full_fee", public_sector_confirmed=True
    )
    assert services.submit_claim(actor=cara, claim=claim, declaration=True).status == ClaimStatus.SUBMITTED


def test_submitting_needs_the_declaration(card, cara, project):
    claim = services.start_claim(actor=cara, participation=_attended(cara, project))
    with pytest.raises(services.ClaimError, match="declaration"):
        services.submit_claim(actor=cara, claim=claim, declaration=False)


# --- Workflow -----------------------------------------------------------------------------------


def test_approving_a_submitted_claim_records_who_and_when_and_emails_after_commit(
    card, cara, fatima, project, django_capture_on_commit_callbacks
):
    from portal.models import OutgoingEmail

    claim = _submitted(cara, project)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.decide_claim(claim=claim, approver=fatima, approve=True)
        # Recorded in the decision's own transaction; nothing has gone yet.
        assert OutgoingEmail.objects.filter(
            template="payments_claim_update", to=["cara@example.org"]
        ).exists()
        assert mail.outbox == []
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, fatima)
    assert claim.events.last().to_status == ClaimStatus.APPROVED
    assert len(callbacks) == 1  # one path: portal.emails queues the delivery
    assert mail.outbox[0].to == ["cara@example.org"]
    assert "approved" in mail.outbox[0].subject


def test_a_decision_that_rolls_back_records_no_email(card, cara, fatima, project):
    from django.db import transaction

    from portal.models import OutgoingEmail

    claim = _submitted(cara, project)
    before = OutgoingEmail.objects.count()

    def decide_then_fail():
        with transaction.atomic():
            services.decide_claim(claim=claim, approver=fatima, approve=True)
            raise RuntimeError("the surrounding change failed")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert OutgoingEmail.objects.count() == before


def test_a_coordinator_who_also_contributes_cannot_approve_their_own_claim(card, fatima, project):
    from django.contrib.auth.models import Group

    fatima.groups.add(Group.objects.get(name="Contributor"))
    fatima.__dict__.pop("_role_cache", None)
    claim = _submitted(fatima, project)
    with pytest.raises(PermissionDenied):
        services.decide_claim(claim=claim, approver=fatima, approve=True)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_coordinator_can_claim_only_for_contributors_who_are_offline(card, cara, fatima, project):
    with pytest.raises(PermissionDenied):
        services.start_claim(actor=fatima, participation=_attended(cara, project))
    with pytest.raises(services.ClaimError, match="can sign in"):
        services.start_ad_hoc_claim(
            actor=fatima, contributor=cara, project=project, description="Call", work_on=date(2026, 1, 5)
        )


def test_a_coordinator_cannot_approve_a_claim_they_entered_for_someone(card, fatima, project):
    dennis = UserFactory(email=None, name="Dennis Morris", contributor=True)
    claim = services.start_claim(actor=fatima, participation=_attended(dennis, project))
    assert claim.entered_by == fatima
    services.submit_claim(actor=fatima, claim=claim, declaration=True)
    with pytest.raises(PermissionDenied):
        services.decide_claim(claim=claim, approver=fatima, approve=True)
    assert "Entered by Fatima Rahman" in claim.events.first().note


def test_an_ad_hoc_task_is_priced_at_the_rate_on_its_date_and_recorded_as_entered(
    card, fatima, morgan, project
):
    from payments import permissions

    dennis = UserFactory(email=None, name="Dennis Morris", contributor=True)
    ContributorFactory(user=dennis, registered_by=fatima, contact_method="phone")
    claim = services.start_ad_hoc_claim(
        actor=fatima,
        contributor=dennis,
        project=project,
        description="Phone conversation about the leaflet",
        work_on=date(2025, 12, 15),
        rate_code="meeting_hour",
        quantity=Decimal("1"),
    )
    assert (claim.entered_by, claim.total) == (fatima, Decimal("25.00"))
    assert claim.title == "Phone conversation about the leaflet"
    assert permissions.can_view_statement_of(fatima, dennis)
    assert not permissions.can_view_statement_of(UserFactory(coordinator=True), dennis)
    assert permissions.can_view_statement_of(morgan, dennis)


def test_a_coordinator_of_another_project_cannot_decide(card, cara, other_coordinator, project):
    claim = _submitted(cara, project)
    with pytest.raises(PermissionDenied):
        services.decide_claim(claim=claim, approver=other_coordinator, approve=True)


def test_returning_needs_a_reason_and_the_contributor_can_fix_and_resubmit(card, cara, fatima, project):
    claim = _submitted(cara, project)
    with pytest.raises(services.ClaimError, match="Say what needs changing"):
        services.return_claim(claim=claim, actor=fatima, reason="  ")
    services.return_claim(claim=claim, actor=fatima, reason="Add the bus ticket")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETURNED
    assert claim.events.last().note == "Add the bus ticket"
    services.add_expense_line(actor=cara, claim=claim, kind="public_transport", amount=Decimal("3.20"))
    services.submit_claim(actor=cara, claim=claim, declaration=True)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert [e.to_status for e in claim.events.all()] == ["draft", "submitted", "returned", "submitted"]


def test_rejecting_needs_a_reason(card, cara, fatima, project):
    claim = _submitted(cara, project)
    with pytest.raises(services.ClaimError, match="reason"):
        services.decide_claim(claim=claim, approver=fatima, approve=False, note="")
    services.decide_claim(claim=claim, approver=fatima, approve=False, note="Claimed twice")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


def test_a_paid_claim_cannot_be_withdrawn_or_decided_again(card, cara, fatima, morgan, project):
    claim = _submitted(cara, project)
    services.decide_claim(claim=claim, approver=fatima, approve=True)
    give_bank_details(claim.contributor)
    services.mark_claims_paid(actor=morgan, claims=[claim], paid_on=date(2026, 2, 1), reference="R1")
    with pytest.raises(services.ClaimError):
        services.withdraw_claim(actor=cara, claim=claim)
    with pytest.raises(services.ClaimError):
        services.decide_claim(claim=claim, approver=fatima, approve=True)


def test_a_withdrawn_claim_frees_the_participation_for_a_new_claim(card, cara, project):
    participation = _attended(cara, project)
    claim = services.start_claim(actor=cara, participation=participation)
    services.withdraw_claim(actor=cara, claim=claim)
    again = services.start_claim(actor=cara, participation=participation)
    assert again.pk != claim.pk


def test_above_the_limit_a_second_different_person_must_approve(
    card, cara, fatima, morgan, project, settings
):
    settings.PORTAL_SECOND_APPROVAL_ABOVE = Decimal("40.00")
    claim = _submitted(cara, project)  # £55.00
    services.decide_claim(claim=claim, approver=fatima, approve=True)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.awaiting_second_approval
    with pytest.raises(services.ClaimError, match="second, different person"):
        services.decide_claim(claim=claim, approver=fatima, approve=True)
    services.decide_claim(claim=claim, approver=morgan, approve=True)
    claim.refresh_from_db()
    assert (claim.status, claim.second_approved_by) == (ClaimStatus.APPROVED, morgan)


def test_marking_paid_records_the_batch_and_days_to_pay(card, cara, fatima, morgan, project):
    with time_machine.travel(datetime(2026, 1, 21, 9, tzinfo=UTC)):
        claim = _submitted(cara, project)
    services.decide_claim(claim=claim, approver=fatima, approve=True)
    give_bank_details(cara)
    batch = services.mark_claims_paid(
        actor=morgan, claims=[claim], paid_on=date(2026, 2, 4), reference="BACS-7"
    )
    claim.refresh_from_db()
    assert (claim.status, claim.batch, claim.payment_reference) == (ClaimStatus.PAID, batch, "BACS-7")
    assert claim.days_to_pay == 14
    assert selectors.time_to_pay() == {"count": 1, "median": 14, "longest": 14}
    assert AuditEvent.objects.filter(action="payments.batch_paid", data__total="55.00").exists()


def test_a_payment_run_refuses_claims_that_are_not_approved(card, cara, morgan, project):
    claim = _submitted(cara, project)
    give_bank_details(claim.contributor)
    with pytest.raises(services.ClaimError, match="no longer approved"):
        services.mark_claims_paid(actor=morgan, claims=[claim], paid_on=date(2026, 2, 4), reference="X")
    with pytest.raises(PermissionDenied):
        services.mark_claims_paid(actor=cara, claims=[claim], paid_on=date(2026, 2, 4), reference="X")


def test_bulk_approve_skips_claims_the_approver_may_not_decide(card, cara, fatima, project):
    from django.contrib.auth.models import Group

    fatima.groups.add(Group.objects.get(name="Contributor"))
    fatima.__dict__.pop("_role_cache", None)
    theirs = _submitted(cara, project)
    own = _submitted(fatima, project)
    done, problems = services.bulk_approve(approver=fatima, claims=[theirs, own])
    assert [c.pk for c in done] == [theirs.pk]
    assert len(problems) == 1
    own.refresh_from_db()
    assert own.status == ClaimStatus.SUBMITTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_approving_at_once_give_one_approval(card):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    lead = UserFactory(coordinator=True)
    second = UserFactory(coordinator=True)
    project = ProjectFactory(lead=lead, coordinators=[second])
    contributor = UserFactory(contributor=True)
    claim = _submitted(contributor, project)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        from django.db import connections

        try:
            barrier.wait()
            services.decide_claim(claim=claim, approver=user, approve=True)
            outcomes.append("approved")
        except services.ClaimError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (lead, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert ClaimEvent.objects.filter(claim=claim, to_status=ClaimStatus.APPROVED).count() == 1


# --- Budgets and statements ---------------------------------------------------------------------


def test_project_spend_counts_approved_and_paid_claims(card, cara, fatima, morgan, project):
    approved = _submitted(cara, project)
    services.decide_claim(claim=approved, approver=fatima, approve=True)
    paid = _submitted(cara, project)
    services.decide_claim(claim=paid, approver=fatima, approve=True)
    give_bank_details(paid.contributor)
    services.mark_claims_paid(actor=morgan, claims=[paid], paid_on=date(2026, 2, 1), reference="R")
    _submitted(cara, project)
    spend = selectors.project_spend(project=project)
    assert (spend["budget"], spend["committed"], spend["paid"], spend["remaining"]) == (
        Decimal("1000.00"),
        Decimal("110.00"),
        Decimal("55.00"),
        Decimal("890.00"),
    )
    assert spend["awaiting_decision"] == Decimal("55.00")
    assert selectors.project_spend()["committed"] == Decimal("110.00")


def test_approval_that_would_exceed_the_budget_is_flagged(card, cara, project):
    project.involvement_budget = Decimal("50.00")
    project.save()
    claim = _submitted(cara, project)
    assert selectors.would_exceed_budget(claim.project, claim.total)


def test_statement_splits_income_from_expenses_within_the_tax_year(card, cara, fatima, morgan, project):
    def paid(paid_on, choice=PaymentChoice.FULL_FEE):
        claim = services.start_claim(actor=cara, participation=_attended(cara, project))
        services.add_expense_line(actor=cara, claim=claim, kind="parking", amount=Decimal("3.00"))
        services.update_claim_choices(actor=cara, claim=claim, payment_choice=choice)
        services.submit_claim(actor=cara, claim=claim, declaration=True)
        services.decide_claim(claim=claim, approver=fatima, approve=True)
        give_bank_details(claim.contributor)
        services.mark_claims_paid(actor=morgan, claims=[claim], paid_on=paid_on, reference="R")

    paid(date(2026, 4, 5))  # last day of 2025-26
    paid(date(2026, 4, 6), PaymentChoice.VOUCHERS)  # first day of 2026-27
    paid(date(2026, 4, 7))
    s = selectors.statement(contributor=cara, year=2026)
    assert (s.fees, s.vouchers, s.income, s.expenses) == (
        Decimal("55.00"),
        Decimal("55.00"),
        Decimal("110.00"),
        Decimal("6.00"),
    )
    assert [w["income"] for w in s.weeks] == [Decimal("110.00")]
    assert s.allowance_left == Decimal("890.00")
    assert selectors.statement(contributor=cara, year=2025).income == Decimal("55.00")


def test_statement_warns_near_the_allowance(card, cara, settings):
    settings.PORTAL_ALLOWANCE_WARNING_AT = Decimal("100.00")
    s = selectors.Statement(
        contributor=cara,
        year=2025,
        start=date(2025, 4, 6),
        end=date(2026, 4, 5),
        fees=Decimal("100.00"),
        allowance=Decimal("1000.00"),
    )
    assert s.near_allowance
    assert not s.over_allowance


def test_statement_pdf_renders(card, cara):
    from payments.pdf import render_statement_pdf

    assert render_statement_pdf(selectors.statement(contributor=cara, year=2025), person=cara).startswith(
        b"%PDF"
    )


# --- Reminders ------------------------------------------------------------------------------------


def test_coordinators_get_one_weekly_digest_of_claims_waiting_too_long(card, cara, fatima, project):
    from payments.panels import decision_sweep

    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC)):
        _submitted(cara, project)
    mail.outbox.clear()
    now = datetime(2026, 2, 10, 9, tzinfo=UTC)
    assert len(committed(decision_sweep, now=now, dry_run=False)) == 1
    assert committed(decision_sweep, now=now + timedelta(days=1), dry_run=False) == []
    assert [m.to for m in mail.outbox] == [["fatima@example.org"]]
    assert len(committed(decision_sweep, now=now + timedelta(days=7), dry_run=False)) == 1


def test_a_forgotten_draft_reminds_the_contributor_once(card, cara, project):
    from payments.panels import decision_sweep

    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC)):
        services.start_claim(actor=cara, participation=_attended(cara, project))
    now = datetime(2026, 2, 12, 9, tzinfo=UTC)
    assert decision_sweep(now=now, dry_run=True)  # dry run sends nothing
    assert mail.outbox == []
    assert len(committed(decision_sweep, now=now, dry_run=False)) == 1
    assert committed(decision_sweep, now=now + timedelta(days=3), dry_run=False) == []
    assert mail.outbox[0].to == ["cara@example.org"]


def test_a_persons_data_download_includes_their_claims(card, cara, project):
    from contributors.data_export import export_for

    services.start_claim(actor=cara, participation=_attended(cara, project))
    section = export_for(cara)["payments"]
    assert section["claims"][0]["total"] == "55.00"
    assert section["claims"][0]["fees"][0]["rate"] == "27.50"


@pytest.mark.django_db
@given(quantities=st.lists(quantities, min_size=1, max_size=4), rate=pence)
@hsettings(deadline=None, max_examples=25)
def test_a_claims_stored_totals_are_the_exact_sum_of_its_pence_lines(quantities, rate):
    contributor = UserFactory(contributor=True, email=None)
    project = ProjectFactory()
    row = RateCardRowFactory(card=RateCardFactory(effective_from=date(2000, 1, 1)), code="x", amount=rate)
    activity = ActivityFactory(project=project, starts_at=datetime(2001, 1, 1, 10, tzinfo=UTC), rate_code="")
    participation = ParticipationFactory(activity=activity, contributor=contributor, status="attended")
    claim = services.start_claim(actor=contributor, participation=participation)
    for quantity in quantities:
        services.add_fee_line(actor=contributor, claim=claim, code=row.code, quantity=quantity)
    claim.refresh_from_db()
    expected = sum(((rate * q).quantize(PENNY, rounding=ROUND_HALF_UP) for q in quantities), Decimal("0"))
    assert claim.fee_total == claim.total == expected
    assert claim.total.as_tuple().exponent == -2
    RateCard.objects.filter(pk=row.card_id).update(retired_on=date(2000, 1, 2))


def test_a_period_over_the_benefit_limit_is_flagged(cara):
    s = selectors.Statement(
        contributor=cara,
        year=2025,
        start=date(2025, 4, 6),
        end=date(2026, 4, 5),
        periods=[{"income": Decimal("195.00"), "over": False}, {"income": Decimal("195.51"), "over": True}],
    )
    assert s.periods_over_limit == [{"income": Decimal("195.51"), "over": True}]
