from django.core.management import call_command
from django.utils import timezone

from partners.models import Assessment, Partner, PartnerInvoice


def test_the_demo_has_two_partners_a_paid_and_a_waiting_invoice_and_last_years_assessment(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Partner.objects.count() == 2
    assert sorted(PartnerInvoice.objects.values_list("status", flat=True)) == ["paid", "submitted"]
    waiting = PartnerInvoice.objects.get(status="submitted")
    assert waiting.submitted_by.email == "coordinator@example.org"  # so Morgan may decide it
    today = timezone.localdate()
    this_year = today.year if today.month >= 4 else today.year - 1
    last = Assessment.objects.get(project=None)
    assert (last.year, last.completed_at is not None) == (this_year - 1, True)
