from django.urls import reverse

from partners.models import Introduction, Partner, PartnerInvoice


def test_a_manager_adds_a_partner_through_the_form(client, morgan):
    client.force_login(morgan)
    response = client.post(
        reverse("partners:partner_create"),
        {"name": "Deaf Club", "kind": "community", "communities": "Deaf BSL users", "status": "active"},
    )
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:partner_detail", kwargs={"public_id": partner.public_id})


def test_a_partner_form_with_a_missing_answer_is_a_400_and_adds_nothing(client, morgan):
    client.force_login(morgan)
    response = client.post(reverse("partners:partner_create"), {"name": "Deaf Club", "kind": "community"})
    assert response.status_code == 400
    assert not Partner.objects.exists()


def test_rejecting_without_a_reason_is_a_400_and_changes_nothing(client, invoice, morgan):
    client.force_login(morgan)
    url = reverse("partners:invoice_decide", kwargs={"public_id": invoice.public_id})
    assert client.post(url, {"decision": "reject", "reason": ""}).status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == "submitted"


def test_the_person_who_entered_an_invoice_is_told_someone_else_approves_it(client, invoice, fatima):
    client.force_login(fatima)
    response = client.get(reverse("partners:invoice_detail", kwargs={"public_id": invoice.public_id}))
    assert "someone else approves it" in response.content.decode()
    assert "Record decision" not in response.content.decode()


def test_paying_marks_the_ticked_invoices_paid(client, invoice, morgan):
    from partners import services

    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    client.force_login(morgan)
    response = client.post(
        reverse("partners:paying"),
        {"invoices": [str(invoice.public_id)], "paid_on": "2026-11-20", "reference": "BACS-1"},
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.pay_run.reference) == ("paid", "BACS-1")


def test_the_finance_export_neutralises_a_formula_in_a_supplier_name(client, invoice, morgan, partner):
    from datetime import date

    from partners import services

    Partner.objects.filter(pk=partner.pk).update(name="=HYPERLINK(1)")
    services.decide_invoice(actor=morgan, invoice=invoice, approve=True)
    run = services.pay_invoices(actor=morgan, invoices=[invoice], paid_on=date(2026, 11, 20), reference="B")
    client.force_login(morgan)
    body = client.get(reverse("partners:run_export", kwargs={"public_id": run.public_id})).content.decode()
    assert "'=HYPERLINK(1)" in body
    assert "360.00" in body


def test_a_malformed_project_id_on_the_reach_page_is_a_404(client, fatima):
    client.force_login(fatima)
    assert client.get(reverse("partners:reach") + "?project=not-a-uuid").status_code == 404


def test_a_contributor_says_who_introduced_them(client, cara, partner):
    client.force_login(cara)
    response = client.post(reverse("partners:introduction"), {"partner": partner.pk, "consent": "on"})
    assert response.status_code == 302
    assert Introduction.objects.get(user=cara).partner == partner


def test_without_consent_nothing_is_saved(client, cara, partner):
    client.force_login(cara)
    assert client.post(reverse("partners:introduction"), {"partner": partner.pk}).status_code == 400
    assert not Introduction.objects.exists()


def test_the_project_page_shows_its_partners(client, fatima, partner, project):
    client.force_login(fatima)
    response = client.get(reverse("portal:project_detail", kwargs={"public_id": project.public_id}))
    assert "Riverside Carers&#x27; Centre" in response.content.decode()
    assert PartnerInvoice.objects.count() == 0


def test_the_paying_page_for_claims_leads_to_partners_invoices(client, morgan):
    client.force_login(morgan)
    response = client.get(reverse("payments:payment_list"))
    assert reverse("partners:paying") in response.content.decode()


def test_every_organisations_payment_run_is_reachable_a_page_at_a_time(client, morgan):
    """The runs had stopped at the newest twenty, so older runs' finance exports could not be
    reached: they page now, newest first."""
    from datetime import timedelta

    from django.utils import timezone

    from partners.models import PartnerPayRun

    today = timezone.localdate()
    for n in range(30):
        PartnerPayRun.objects.create(
            paid_on=today - timedelta(days=n), reference=f"ORG-{n:02d}", created_by=morgan
        )
    client.force_login(morgan)
    url = reverse("partners:paying")
    first, second = client.get(url).content.decode(), client.get(url, {"runs_page": 2}).content.decode()
    assert ("ORG-00" in first, "ORG-24" in first, "ORG-25" in first) == (True, True, False)
    assert ("ORG-29" in second, "ORG-24" in second) == (True, False)
    assert "runs_page=2" in first
