"""Benefit limits as dated rows: counted by payment date, the limit in force then, expenses never."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contributors.models import Benefit, BenefitAnswer
from contributors.services import save_benefit, withdraw_benefit
from payments import benefits, selectors, services
from payments.models import BenefitRule, Claim, ClaimStatus, PaymentChoice
from portal.models import AuditEvent
from tests.factories import ActivityFactory, ParticipationFactory, RateCardRowFactory, give_bank_details

ESA = Benefit.ESA_HIGHER
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def rules(db):
    """ESA's higher weekly limit: £195.50 from 7 April 2025, rising to £203.00 from 6 April 2026."""
    services.add_benefit_rule(
        actor=None, benefit=ESA, period="week", limit=Decimal("195.50"), applies_from=date(2025, 4, 7)
    )
    services.add_benefit_rule(
        actor=None, benefit=ESA, period="week", limit=Decimal("203.00"), applies_from=date(2026, 4, 6)
    )


@pytest.fixture
def on_esa(cara, rules):
    save_benefit(user=cara, consent=True, benefit=ESA)
    give_bank_details(cara)
    return cara


def _claim(person, project, fee, *, expenses=None, work_on=date(2026, 3, 20)):
    row = RateCardRowFactory(code=f"day{fee}", unit="day", amount=Decimal(fee))
    row.card.effective_from = date(2020, 1, 1)
    row.card.save()
    activity = ActivityFactory(
        project=project, starts_at=datetime(work_on.year, work_on.month, work_on.day, 10, tzinfo=UTC)
    )
    participation = ParticipationFactory(activity=activity, contributor=person, status="attended")
    claim = services.start_claim(actor=person, participation=participation)
    services.add_fee_line(actor=person, claim=claim, code=row.code, quantity=Decimal("1"))
    if expenses:
        services.add_expense_line(
            actor=person,
            claim=claim,
            kind="parking",
            amount=Decimal(expenses),
            receipt=SimpleUploadedFile("p.png", PNG + expenses.encode(), content_type="image/png"),
        )
    claim.refresh_from_db()
    return claim


def _paid(person, project, fee, paid_on, fatima, morgan, **kwargs):
    claim = _claim(person, project, fee, **kwargs)
    services.submit_claim(actor=person, claim=claim, declaration=True)
    services.decide_claim(claim=claim, approver=fatima, approve=True)
    services.mark_claims_paid(actor=morgan, claims=[claim], paid_on=paid_on, reference="RUN")
    claim.refresh_from_db()
    return claim


def test_the_limit_is_the_one_in_force_on_the_first_day_of_the_period(rules):
    found = benefits.rules_for(ESA)
    rule, start, end = benefits.rule_for_period(found, date(2026, 4, 5))
    assert (rule.limit, start, end) == (Decimal("195.50"), date(2026, 3, 30), date(2026, 4, 5))
    rule, start, _ = benefits.rule_for_period(found, date(2026, 4, 8))
    assert (rule.limit, start) == (Decimal("203.00"), date(2026, 4, 6))
    # Before the first rule there is no limit at all, rather than a later one borrowed.
    assert benefits.rule_for_period(found, date(2024, 5, 1))[0] is None


def test_a_monthly_limit_uses_calendar_months(db):
    services.add_benefit_rule(
        actor=None,
        benefit=Benefit.UC_HOUSING,
        period="month",
        limit=Decimal("411.00"),
        applies_from=date(2025, 4, 7),
    )
    rule, start, end = benefits.rule_for_period(benefits.rules_for(Benefit.UC_HOUSING), date(2026, 2, 14))
    assert (rule.limit, start, end) == (Decimal("411.00"), date(2026, 2, 1), date(2026, 2, 28))


@time_machine.travel(datetime(2026, 3, 24, 12, tzinfo=UTC), tick=False)
def test_a_payment_counts_in_the_period_it_is_paid_in_not_when_the_work_was(on_esa, project, fatima, morgan):
    # Work in March, paid on Tuesday 24 March: it counts in the week of 23 March.
    _paid(on_esa, project, "150.00", date(2026, 3, 24), fatima, morgan, work_on=date(2026, 3, 2))
    claim = _claim(on_esa, project, "100.00")
    check = benefits.limit_check(claim, date(2026, 3, 24))
    # Decided within 5 days, then the next Thursday payment run: Thursday 2 April.
    assert check.expected_on == date(2026, 4, 2)
    assert (check.starts_on, check.paid_already, check.this_claim) == (
        date(2026, 3, 30),
        Decimal("0.00"),
        Decimal("100.00"),
    )
    assert not check.over


@time_machine.travel(datetime(2026, 3, 24, 12, tzinfo=UTC), tick=False)
def test_crossing_the_limit_warns_and_expenses_never_count(on_esa, project, fatima, morgan):
    _paid(on_esa, project, "150.00", date(2026, 3, 31), fatima, morgan, expenses="40.00")
    claim = _claim(on_esa, project, "100.00", expenses="30.00")
    check = benefits.limit_check(claim, date(2026, 3, 24))
    assert (check.paid_already, check.total, check.limit) == (
        Decimal("150.00"),
        Decimal("250.00"),
        Decimal("195.50"),
    )
    assert check.over
    assert check.over_by == Decimal("54.50")
    assert check.room == Decimal("45.50")


@time_machine.travel(datetime(2026, 3, 24, 12, tzinfo=UTC), tick=False)
def test_paying_after_the_april_rise_uses_the_new_limit(on_esa, project, fatima, morgan):
    claim = _claim(on_esa, project, "200.00")
    assert benefits.limit_check(claim, date(2026, 3, 24)).over  # £200 > £195.50 in the week of 30 March
    services.adjust_for_limit(actor=on_esa, claim=claim, option="pay_after", pay_after=date(2026, 4, 6))
    claim.refresh_from_db()
    check = benefits.limit_check(claim, date(2026, 3, 24))
    assert (check.expected_on, check.limit, check.over) == (date(2026, 4, 9), Decimal("203.00"), False)


@time_machine.travel(datetime(2026, 3, 24, 12, tzinfo=UTC), tick=False)
def test_a_reduced_amount_or_expenses_only_keeps_within_the_limit(on_esa, project):
    claim = _claim(on_esa, project, "250.00", expenses="12.00")
    services.adjust_for_limit(actor=on_esa, claim=claim, option="reduced", reduced_amount=Decimal("195.50"))
    claim.refresh_from_db()
    assert (claim.payment_choice, claim.fee_total, claim.total) == (
        PaymentChoice.REDUCED,
        Decimal("195.50"),
        Decimal("207.50"),
    )
    assert not benefits.limit_check(claim, date(2026, 3, 24)).over
    services.adjust_for_limit(actor=on_esa, claim=claim, option="expenses_only")
    claim.refresh_from_db()
    assert (claim.fee_total, claim.total) == (Decimal("0.00"), Decimal("12.00"))


@time_machine.travel(datetime(2026, 3, 24, 12, tzinfo=UTC), tick=False)
def test_the_payment_run_refuses_a_claim_before_its_pay_after_date(on_esa, project, fatima, morgan):
    claim = _claim(on_esa, project, "100.00")
    services.adjust_for_limit(actor=on_esa, claim=claim, option="pay_after", pay_after=date(2026, 4, 6))
    services.submit_claim(actor=on_esa, claim=claim, declaration=True)
    services.decide_claim(claim=claim, approver=fatima, approve=True)
    with pytest.raises(services.ClaimError, match="not to be paid before"):
        services.mark_claims_paid(actor=morgan, claims=[claim], paid_on=date(2026, 3, 26), reference="R")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    services.mark_claims_paid(actor=morgan, claims=[claim], paid_on=date(2026, 4, 6), reference="R2")
    claim.refresh_from_db()
    assert (claim.status, claim.paid_on) == (ClaimStatus.PAID, date(2026, 4, 6))


def test_a_pay_after_date_must_be_in_the_future(on_esa, project):
    claim = _claim(on_esa, project, "100.00")
    with pytest.raises(services.ClaimError):
        services.adjust_for_limit(actor=on_esa, claim=claim, option="pay_after", pay_after=date(2000, 1, 1))
    claim.refresh_from_db()
    assert claim.pay_after is None


def test_past_statements_keep_the_limit_that_applied_then(on_esa, project, fatima, morgan):
    _paid(on_esa, project, "190.00", date(2026, 3, 31), fatima, morgan, expenses="25.00")
    _paid(on_esa, project, "200.00", date(2026, 4, 7), fatima, morgan, work_on=date(2026, 3, 25))
    before = selectors.statement(contributor=on_esa, year=2025).periods
    assert [(p["starts_on"], p["fees"], p["expenses"], p["limit"], p["over"]) for p in before] == [
        (date(2026, 3, 30), Decimal("190.00"), Decimal("25.00"), Decimal("195.50"), False)
    ]
    # A later row from a later date (and a correction for next year) changes nothing in 2025–26.
    services.add_benefit_rule(
        actor=None, benefit=ESA, period="week", limit=Decimal("150.00"), applies_from=date(2026, 6, 1)
    )
    assert selectors.statement(contributor=on_esa, year=2025).periods == before
    after = selectors.statement(contributor=on_esa, year=2026).periods
    assert [(p["starts_on"], p["income"], p["limit"]) for p in after] == [
        (date(2026, 4, 6), Decimal("200.00"), Decimal("203.00"))
    ]


def test_statements_for_other_people_leave_the_benefit_out(on_esa, project, fatima, morgan):
    _paid(on_esa, project, "190.00", date(2026, 3, 31), fatima, morgan)
    s = selectors.statement(contributor=on_esa, year=2025, with_benefit=False)
    assert (s.benefit, s.periods) == ("", [])


def test_no_benefit_answer_means_no_limit_check(cara, project, rules):
    assert benefits.limit_check(_claim(cara, project, "100.00"), date(2026, 3, 24)) is None


def test_a_benefit_without_a_sourced_limit_asks_for_advice(cara, project):
    services.add_benefit_rule(
        actor=None, benefit=Benefit.CARERS, period="week", limit=None, applies_from=date(2025, 4, 7)
    )
    save_benefit(user=cara, consent=True, benefit=Benefit.CARERS)
    check = benefits.limit_check(_claim(cara, project, "100.00"), date(2026, 3, 24))
    assert (check.limit, check.over) == (None, False)


def test_the_benefit_answer_needs_consent_and_can_be_deleted(cara):
    from contributors.services import ContributorError

    with pytest.raises(ContributorError):
        save_benefit(user=cara, consent=False, benefit=ESA)
    assert not BenefitAnswer.objects.filter(user=cara).exists()
    save_benefit(user=cara, consent=True, benefit=ESA)
    withdraw_benefit(user=cara)
    assert not BenefitAnswer.objects.filter(user=cara).exists()
    assert set(AuditEvent.objects.filter(action__startswith="benefit.").values_list("action", flat=True)) == {
        "benefit.given",
        "benefit.withdrawn",
    }


def test_only_managers_add_benefit_rules_and_each_date_once(fatima, morgan, rules):
    with pytest.raises(PermissionDenied):
        services.add_benefit_rule(
            actor=fatima, benefit=ESA, period="week", limit=Decimal("1"), applies_from=date(2027, 4, 5)
        )
    with pytest.raises(services.BenefitRuleError):
        services.add_benefit_rule(
            actor=morgan, benefit=ESA, period="week", limit=Decimal("1"), applies_from=date(2026, 4, 6)
        )
    assert BenefitRule.objects.count() == 2


def test_the_seed_file_loads_once_with_carers_allowance_and_advice_needed(db):
    from payments.demo import BENEFIT_CSV

    assert services.load_benefit_rules(BENEFIT_CSV) == 6
    assert services.load_benefit_rules(BENEFIT_CSV) == 0
    assert BenefitRule.objects.get(benefit=Benefit.CARERS).limit is None
    assert BenefitRule.objects.get(benefit=Benefit.OTHER).limit is None


def test_coordinators_see_only_that_limits_need_checking(client, on_esa, fatima, project):
    from contributors.models import Contributor

    _claim(on_esa, project, "100.00")
    profile = Contributor.objects.get(user=on_esa)
    client.force_login(fatima)
    page = client.get(reverse("contributors:person_detail", args=[profile.public_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Check limits before offering extra work" in text
    assert "Employment and Support Allowance" not in text


@time_machine.travel(datetime(2026, 3, 24, 12, tzinfo=UTC), tick=False)
def test_the_check_page_warns_and_offers_the_ways_out(client, on_esa, project):
    claim = _claim(on_esa, project, "250.00")
    client.force_login(on_esa)
    page = client.get(reverse("payments:claim_check", args=[claim.public_id]))
    text = page.content.decode()
    assert "over the £195.50 limit" in text
    assert "Be paid in a later week" in text
    response = client.post(
        reverse("payments:claim_adjust", args=[claim.public_id]),
        {"option": "pay_after", "pay_after": "2026-04-06"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.pay_after == date(2026, 4, 6)


def test_submitting_fixes_the_on_time_target_in_working_days(cara, project):
    claim = _claim(cara, project, "100.00")
    with time_machine.travel(datetime(2026, 3, 24, 12, tzinfo=UTC), tick=False):
        services.submit_claim(actor=cara, claim=claim, declaration=True)
    claim.refresh_from_db()
    # 20 working days after Tuesday 24 March 2026.
    assert claim.pay_by == date(2026, 4, 21)
    assert Claim.objects.get(pk=claim.pk).pay_by == benefits.add_working_days(date(2026, 3, 24), 20)


def test_on_time_share_and_slowest_step_per_project(cara, project, fatima, morgan, django_assert_num_queries):
    give_bank_details(cara)
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        quick = _claim(cara, project, "50.00", work_on=date(2026, 2, 20))
        slow = _claim(cara, project, "60.00", work_on=date(2026, 2, 20))
        for c in (quick, slow):
            services.submit_claim(actor=cara, claim=c, declaration=True)
    with time_machine.travel(datetime(2026, 3, 4, 9, tzinfo=UTC), tick=False):
        for c in (quick, slow):
            services.decide_claim(claim=c, approver=fatima, approve=True)
    services.mark_claims_paid(actor=morgan, claims=[quick], paid_on=date(2026, 3, 12), reference="A")
    services.mark_claims_paid(actor=morgan, claims=[slow], paid_on=date(2026, 4, 30), reference="B")
    with django_assert_num_queries(1):
        rows = selectors.on_time_by_project()
    assert [(r["project__title"], r["paid_count"], r["on_time"], r["share"], r["slowest"]) for r in rows] == [
        (project.title, 2, 1, 50, "approved → paid")
    ]
    assert rows[0]["days_to_approve"] == 2.0
    assert rows[0]["days_to_pay"] == 32.5  # 8 and 57 days
    assert selectors.on_time_overall()["share"] == 50


def test_approved_claims_past_the_target_go_to_the_managers_digest(
    cara, project, fatima, morgan, mailoutbox, django_capture_on_commit_callbacks
):
    from payments.panels import decision_sweep

    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        claim = _claim(cara, project, "50.00", work_on=date(2026, 2, 20))
        services.submit_claim(actor=cara, claim=claim, declaration=True)
        services.decide_claim(claim=claim, approver=fatima, approve=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # emails go after commit
        decision_sweep(now=datetime(2026, 3, 27, 9, tzinfo=UTC), dry_run=False)  # 19 working days
    assert not [m for m in mailoutbox if morgan.email in m.to]
    with django_capture_on_commit_callbacks(execute=True):  # emails go after commit
        decision_sweep(now=datetime(2026, 4, 1, 9, tzinfo=UTC), dry_run=False)
    late = [m for m in mailoutbox if morgan.email in m.to]
    assert len(late) == 1
    assert claim.reference in late[0].body
    with django_capture_on_commit_callbacks(execute=True):  # emails go after commit
        decision_sweep(now=datetime(2026, 4, 1, 15, tzinfo=UTC), dry_run=False)  # once a week
    assert len([m for m in mailoutbox if morgan.email in m.to]) == 1


def test_the_paying_page_holds_back_a_claim_until_its_pay_after_date(client, on_esa, project, fatima, morgan):
    claim = _claim(on_esa, project, "100.00")
    services.adjust_for_limit(
        actor=on_esa, claim=claim, option="pay_after", pay_after=timezone.localdate() + timedelta(days=10)
    )
    services.submit_claim(actor=on_esa, claim=claim, declaration=True)
    services.decide_claim(claim=claim, approver=fatima, approve=True)
    client.force_login(morgan)
    text = client.get(reverse("payments:payment_list")).content.decode()
    assert claim.reference not in text
    assert "1 approved claim is not listed yet" in text
    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        client.force_login(morgan)  # the idle timeout signed the session out
        assert claim.reference in client.get(reverse("payments:payment_list")).content.decode()


def test_the_coordinator_of_an_offline_contributor_prints_their_letter(client, fatima, morgan, project):
    import subprocess

    from contributors.services import register_offline_contributor

    dennis = register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="phone", phone="0113 496 0001"
    ).user
    claim = services.start_ad_hoc_claim(
        actor=fatima,
        contributor=dennis,
        project=project,
        description="Phone interview",
        work_on=date(2026, 3, 2),
    )
    assert claim.entered_by == fatima
    client.force_login(fatima)
    response = client.get(reverse("payments:jobcentre_letter_for", args=[dennis.public_id]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "To the work coach of Dennis Morris" in text
    assert "not employment" in text


def test_the_benefit_answer_is_in_the_persons_data_download(client, on_esa):
    client.force_login(on_esa)
    data = client.get(reverse("contributors:my_data_json")).json()
    assert data["benefit"]["benefit"] == Benefit(ESA).label


def _pdf_text(content: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_own_statement_pdf_shows_benefit_periods_but_a_managers_copy_does_not(
    client, on_esa, project, fatima, morgan
):
    _paid(on_esa, project, "190.00", date(2026, 3, 31), fatima, morgan, expenses="25.00")
    client.force_login(on_esa)
    own = _pdf_text(client.get(reverse("payments:statement_pdf", args=[2025])).content)
    assert "By benefit period" in own
    assert "£195.50" in own
    client.force_login(morgan)
    theirs = _pdf_text(client.get(reverse("payments:statement_for", args=[on_esa.public_id, 2025])).content)
    assert "By week" in theirs
    assert "By benefit period" not in theirs
    assert "Employment and Support Allowance" not in theirs


def test_erasure_deletes_the_benefit_answer(on_esa):
    from contributors.services import anonymise_person

    anonymise_person(user=on_esa)
    assert not BenefitAnswer.objects.filter(user=on_esa).exists()


def test_the_home_pages_summary_gives_the_statements_totals_and_warnings(on_esa, project, fatima, morgan):
    _paid(on_esa, project, "190.00", date(2026, 3, 31), fatima, morgan, expenses="25.00")
    _paid(on_esa, project, "30.00", date(2026, 4, 1), fatima, morgan, work_on=date(2026, 3, 25))
    _claim(on_esa, project, "50.00", work_on=date(2026, 3, 26))  # a draft: in neither
    # Two more paid the same day, one as vouchers: the summary sums a day's claims in SQL.
    _paid(on_esa, project, "12.00", date(2026, 3, 31), fatima, morgan, work_on=date(2026, 3, 24))
    vouchers = _paid(on_esa, project, "8.00", date(2026, 3, 31), fatima, morgan, work_on=date(2026, 3, 23))
    Claim.objects.filter(pk=vouchers.pk).update(payment_choice=PaymentChoice.VOUCHERS)
    full = selectors.statement(contributor=on_esa, year=2025)
    summary = selectors.statement_summary(contributor=on_esa, year=2025)
    assert (summary.fees, summary.vouchers, summary.expenses) == (full.fees, full.vouchers, full.expenses)
    assert (summary.income, summary.vouchers) == (Decimal("240.00"), Decimal("8.00"))
    assert summary.periods == full.periods
    assert [p["income"] for p in summary.periods_over_limit] == [Decimal("240.00")]
    assert (summary.benefit_label, summary.receives_benefits) == (full.benefit_label, full.receives_benefits)


def test_without_a_benefit_the_home_pages_summary_sums_each_choice_alone(on_esa, project, fatima, morgan):
    """No benefit answer: only the totals, summed per payment choice (issue 12), the same as
    the statement's."""
    from contributors.services import withdraw_benefit

    withdraw_benefit(user=on_esa)
    _paid(on_esa, project, "190.00", date(2026, 3, 31), fatima, morgan, expenses="25.00")
    _paid(on_esa, project, "30.00", date(2026, 4, 1), fatima, morgan, work_on=date(2026, 3, 25))
    vouchers = _paid(on_esa, project, "8.00", date(2026, 3, 30), fatima, morgan, work_on=date(2026, 3, 23))
    Claim.objects.filter(pk=vouchers.pk).update(payment_choice=PaymentChoice.VOUCHERS)
    _paid(on_esa, project, "5.00", date(2026, 5, 1), fatima, morgan, work_on=date(2026, 4, 20))  # next year
    full = selectors.statement(contributor=on_esa, year=2025)
    summary = selectors.statement_summary(contributor=on_esa, year=2025)
    assert (summary.fees, summary.vouchers, summary.expenses) == (full.fees, full.vouchers, full.expenses)
    assert (summary.fees, summary.vouchers, summary.expenses) == (
        Decimal("220.00"),
        Decimal("8.00"),
        Decimal("25.00"),
    )
    assert (summary.benefit, summary.periods) == ("", [])
