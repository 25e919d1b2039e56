from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from partners import services
from partners.models import Introduction, PartnerInvoice, Rating
from portal.models import AuditEvent
from tests.factories import ActivityFactory, ParticipationFactory


def test_only_a_manager_adds_a_partner(fatima):
    with pytest.raises(PermissionDenied):
        services.create_partner(
            actor=fatima, name="Deaf Club", kind="community", communities="Deaf BSL users"
        )


def test_a_contact_is_kept_only_with_consent(morgan, partner):
    with pytest.raises(services.PartnerError):
        services.add_contact(
            actor=morgan, partner=partner, name="Sam", email="sam@example.org", consent=False
        )
    assert partner.contacts.count() == 1


def test_entering_an_invoice_audits_it_and_waits_for_a_decision(invoice, fatima):
    invoice.refresh_from_db()
    assert (invoice.status, invoice.submitted_by, invoice.amount) == ("submitted", fatima, Decimal("360.00"))
    assert invoice.reference.startswith("PI-")
    assert AuditEvent.objects.filter(action="partner.invoice_entered", actor=fatima).count() == 1


def test_the_same_partner_invoice_cannot_be_entered_twice(invoice, partner, project, fatima):
    with pytest.raises(services.PartnerError):
        services.enter_invoice(
            actor=fatima,
            partner=partner,
            project=project,
            invoice_reference_text="RCC-1",
            description="Again",
            invoiced_on=date(2026, 11, 1),
            amount=Decimal("360.00"),
        )
    assert PartnerInvoice.objects.count() == 1


def test_a_coordinator_cannot_enter_an_invoice_for_another_coordinators_project(
    partner, other_coordinator, project
):
    with pytest.raises(PermissionDenied):
        services.enter_invoice(
            actor=other_coordinator,
            partner=partner,
            project=project,
            invoice_reference_text="X",
            description="X",
            invoiced_on=date(2026, 11, 1),
            amount=Decimal("1.00"),
        )


def test_the_person_who_entered_an_invoice_cannot_approve_it(invoice, fatima):
    with pytest.raises(PermissionDenied):
        services.decide_invoice(actor=fatima, invoice=invoice, approve=True)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.decided_by) == ("submitted", None)
    assert not AuditEvent.objects.filter(action="partner.invoice_approved").exists()


def test_someone_else_approves_an_invoice_and_it_is_recorded(invoice, morgan):
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.decided_by) == ("approved", morgan)
    assert [e.to_status for e in invoice.events.all()] == ["submitted", "approved"]
    assert AuditEvent.objects.filter(action="partner.invoice_approved", actor=morgan).count() == 1


def test_an_invoice_cannot_be_decided_twice(invoice, morgan, second_manager):
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    with pytest.raises(services.PartnerError):
        services.decide_invoice(actor=second_manager, invoice=invoice, approve=False, note="No")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.decided_by) == ("approved", morgan)


def test_rejecting_needs_a_reason(invoice, morgan):
    with pytest.raises(services.PartnerError):
        services.decide_invoice(actor=morgan, invoice=invoice, approve=False, note=" ")
    invoice.refresh_from_db()
    assert invoice.status == "submitted"


def test_a_pay_run_pays_approved_invoices_together(invoice, morgan):
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    run = services.pay_invoices(
        actor=morgan, invoices=[invoice], paid_on=date(2026, 11, 20), reference="BACS-9"
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.pay_run, invoice.paid_on) == ("paid", run, date(2026, 11, 20))
    audit = AuditEvent.objects.get(action="partner.pay_run")
    assert audit.data == {"invoices": 1, "total": "360.00"}


def test_a_pay_run_refuses_an_invoice_that_is_not_approved_and_pays_nothing(
    invoice, morgan, partner, project
):
    other = services.enter_invoice(
        actor=morgan,
        partner=partner,
        project=project,
        invoice_reference_text="RCC-9",
        description="Room",
        invoiced_on=date(2026, 11, 2),
        amount=Decimal("10.00"),
    )
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    with pytest.raises(services.PartnerError):
        services.pay_invoices(
            actor=morgan, invoices=[invoice, other], paid_on=date(2026, 11, 20), reference="B"
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.pay_run) == ("approved", None)


def test_a_coordinator_cannot_pay(invoice, morgan, fatima):
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    with pytest.raises(PermissionDenied):
        services.pay_invoices(actor=fatima, invoices=[invoice], paid_on=date(2026, 11, 20), reference="B")


def test_feedback_to_a_partner_is_emailed_to_its_contacts_after_commit(
    partner, project, fatima, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.give_partner_feedback(
            actor=fatima,
            partner=partner,
            project=project,
            what_they_told_us="The first week home is hardest.",
            what_changed="We ask about the first week separately.",
        )
    feedback.refresh_from_db()
    assert feedback.sent_to == ["janet@example.org"]
    assert feedback.sent_at is not None
    assert [m.to for m in mail.outbox] == [["janet@example.org"]]
    assert "first week separately" in mail.outbox[0].body


def test_another_coordinator_cannot_give_feedback_to_a_partner_not_on_their_projects(
    partner, project, other_coordinator
):
    with pytest.raises(PermissionDenied):
        services.give_partner_feedback(
            actor=other_coordinator, partner=partner, project=project, what_they_told_us="x", what_changed="y"
        )


def test_a_person_says_who_introduced_them_only_with_consent(partner, cara):
    with pytest.raises(services.PartnerError):
        services.set_introduction(user=cara, partner=partner, consent=False)
    services.set_introduction(user=cara, partner=partner, consent=True)
    assert Introduction.objects.get(user=cara).partner == partner
    # The audit trail does not say which partner: staff cannot read who came through whom.
    assert str(partner.public_id) not in str(
        AuditEvent.objects.filter(action="partner.introduction_set").values()
    )
    services.set_introduction(user=cara, partner=None, consent=False)
    assert not Introduction.objects.filter(user=cara).exists()


def test_reach_counts_people_a_partner_introduced_who_took_part(partner, project, cara, olu):
    from partners import selectors

    activity = ActivityFactory(project=project, past=True)
    ParticipationFactory(activity=activity, contributor=cara, status="attended")
    services.set_introduction(user=cara, partner=partner, consent=True)
    services.set_introduction(user=olu, partner=partner, consent=True)
    row = selectors.reach_by_partner(partners=type(partner).objects.all(), project=project)[0]
    assert (row["introduced"], row["took_part"]) == (2, 1)
    diversity = selectors.diversity_through_partners(project)
    assert (diversity["pool_size"], diversity["group_size"]) == (1, 0)


def test_an_assessment_fills_in_the_portals_figures_for_the_year(morgan, project, uk_standards):
    from impact.models import ImpactEntry
    from tests.factories import ImpactEntryFactory

    ImpactEntryFactory(project=project, occurred_on=date(2025, 6, 1))
    ImpactEntryFactory(project=project, occurred_on=date(2024, 6, 1))  # the year before: not counted
    assessment = services.start_assessment(actor=morgan, framework=uk_standards, year=2025)
    assert assessment.answers.count() == 6
    impact = assessment.answers.get(standard__title="Impact")
    assert impact.evidence[0] == ["Impact entries", "1"]
    assert ImpactEntry.objects.count() == 2


def test_starting_an_assessment_twice_gives_the_same_one(morgan, uk_standards):
    first = services.start_assessment(actor=morgan, framework=uk_standards, year=2025)
    assert services.start_assessment(actor=morgan, framework=uk_standards, year=2025) == first


def test_a_coordinator_cannot_start_an_assessment(fatima, uk_standards):
    with pytest.raises(PermissionDenied):
        services.start_assessment(actor=fatima, framework=uk_standards, year=2025)


def test_completing_needs_every_rating_and_then_fixes_the_assessment(morgan, uk_standards):
    assessment = services.start_assessment(actor=morgan, framework=uk_standards, year=2025)
    with pytest.raises(services.PartnerError):
        services.complete_assessment(actor=morgan, assessment=assessment)
    for answer in assessment.answers.all():
        services.save_answer(actor=morgan, answer=answer, rating=Rating.DEVELOPING, working="w", improve="i")
    services.complete_assessment(actor=morgan, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.completed_by == morgan
    with pytest.raises(services.PartnerError):
        services.save_answer(
            actor=morgan, answer=assessment.answers.first(), rating=Rating.ESTABLISHED, working="", improve=""
        )
    assert not assessment.answers.filter(rating=Rating.ESTABLISHED).exists()


def test_a_new_framework_is_data_and_needs_no_code(morgan):
    from partners.frameworks import load_framework
    from partners.models import Framework, Standard

    load_framework(
        Framework,
        Standard,
        {
            "slug": "race-equality",
            "name": "Race equality self-assessment",
            "description": "",
            "standards": [("Leadership", "Leaders act on race equality.", "Who leads?", "governance")],
        },
    )
    framework = Framework.objects.get(slug="race-equality")
    assessment = services.start_assessment(actor=morgan, framework=framework, year=2025)
    assert assessment.answers.get().evidence[0][0] == "Contributors in governance roles"


def test_erasing_a_person_forgets_who_introduced_them(partner, cara):
    from portal.signals import person_erased

    services.set_introduction(user=cara, partner=partner, consent=True)
    person_erased.send(sender=type(cara), user=cara)
    assert not Introduction.objects.filter(user=cara).exists()


def test_renaming_a_partner_to_anothers_name_is_refused(morgan, partner):
    other = services.create_partner(
        actor=morgan, name="Deaf Club", kind="community", communities="Deaf people"
    )
    with pytest.raises(services.PartnerError):
        services.update_partner(actor=morgan, partner=other, name="riverside carers' centre")
    other.refresh_from_db()
    assert other.name == "Deaf Club"


def test_above_the_claims_threshold_two_different_people_approve_an_invoice(
    invoice, morgan, second_manager, settings
):
    settings.PORTAL_SECOND_APPROVAL_ABOVE = Decimal("100.00")
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.decided_by) == ("submitted", morgan)
    with pytest.raises(services.PartnerError):
        services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    services.decide_invoice(actor=second_manager, invoice=invoice, approve=True)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.second_approved_by) == ("approved", second_manager)
    assert [e.to_status for e in invoice.events.all()] == ["submitted", "submitted", "approved"]


def test_changing_the_agreement_audits_the_fields_that_changed(morgan, partner):
    services.update_partner(actor=morgan, partner=partner, name=partner.name, how_paid="Quarterly invoices")
    partner.refresh_from_db()
    assert partner.how_paid == "Quarterly invoices"
    assert AuditEvent.objects.get(action="partner.updated").data == {"fields": ["how_paid"]}


def test_evidence_shares_round_half_up_to_a_whole_percentage():
    from partners.evidence import _share

    assert (_share(7, 8), _share(1, 3), _share(0, 0)) == ("7 of 8 (88%)", "1 of 3 (33%)", "0 of 0")
