"""Impact in a browser: a manager downloads both reports, the public reads what changed, and a
contributor's certificate code is confirmed on the public check page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from impact.models import EntryContributor
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ImpactEntryFactory, ParticipationFactory, UserFactory


@pytest.fixture
def impact_demo(cara, olu, fatima, morgan, project):
    activity = ActivityFactory(
        project=project, title="Design workshop", starts_at=timezone.now() - timedelta(days=20)
    )
    for person in (cara, olu):
        ParticipationFactory(activity=activity, contributor=person, status="attended")
    entry = ImpactEntryFactory(project=project, title="A shorter leaflet", published=True)
    EntryContributor.objects.create(entry=entry, contributor=cara, consents_to_be_named=True)
    EntryContributor.objects.create(entry=entry, contributor=olu)
    offline = UserFactory(email=None, name="Bert Offline", contributor=True)
    EntryContributor.objects.create(entry=entry, contributor=offline)
    ImpactEntryFactory(project=project, title="Still a draft")
    return project


def test_manager_downloads_diversity_and_impact_reports_as_pdf_and_csv(page, live_server, impact_demo):
    sign_in(page, live_server, "morgan@example.org")
    page.goto(live_server.url + reverse("impact:report_list"))
    check_page(page, "reports")
    for kind in ("Diversity of the people who took part", "Impact of public involvement"):
        page.goto(live_server.url + reverse("impact:report_list"))
        page.get_by_label(kind).check()
        page.get_by_role("button", name="Make the report").click()
        expect(page.get_by_text("Your report is ready.")).to_be_visible()
        check_page(page, f"report ready: {kind}")
        for link, suffix in (("Download the PDF", ".pdf"), ("Download the CSV", ".csv")):
            with page.expect_download() as info:
                page.get_by_role("link", name=link).click()
            assert info.value.suggested_filename.endswith(suffix)


def test_anonymous_visitor_reads_the_public_page_from_the_sign_in_page(page, live_server, impact_demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="what public involvement has changed in our research").click()
    expect(page.get_by_role("heading", name="A shorter leaflet")).to_be_visible()
    expect(page.get_by_text("Cara Bennett")).to_be_visible()
    expect(page.get_by_text("Olu Adebayo")).to_have_count(0)
    expect(page.get_by_text("Still a draft")).to_have_count(0)
    check_page(page, "public what changed")


def test_contributor_downloads_a_certificate_whose_code_the_public_page_confirms(
    page, live_server, impact_demo
):
    sign_in(page, live_server, "cara@example.org")
    page.goto(live_server.url + reverse("impact:certificate_list"))
    check_page(page, "certificates")
    page.get_by_role("button", name="Make a new certificate").click()
    code = page.locator(".portal-code").first.inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download PDF certificate {code}").click()
    assert info.value.suggested_filename == f"certificate-{code}.pdf"
    check_page(page, "certificate made")
    page.goto(live_server.url + reverse("impact:verify"))
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Check the code").click()
    expect(page.get_by_role("heading", name="This certificate is genuine")).to_be_visible()
    check_page(page, "verify")
    page.goto(live_server.url + reverse("impact:cube_checkin", args=[impact_demo.public_id]))
    check_page(page, "cube check-in form")
    page.goto(live_server.url + reverse("portal:home"))
    page.get_by_role("link", name="A shorter leaflet").click()
    page.get_by_label("Your reflection").fill("It felt like we were listened to.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("your reflection is saved")).to_be_visible()
    check_page(page, "entry with reflection")


def test_coordinator_logs_an_entry_reviews_and_publishes_it(page, live_server, impact_demo):
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("impact:entry_create") + f"?project={impact_demo.public_id}")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: ")
    check_page(page, "entry form errors")
    page.get_by_label("Short title").fill("Bigger print on consent forms")
    page.get_by_label("What contributors hoped to influence").fill("The consent form.")
    page.get_by_label("Something changed").check()
    page.get_by_label("What changed, or why it did not").fill("14pt print throughout.")
    page.get_by_label("Why it matters").fill("People with sight loss can read it.")
    page.get_by_label("Major").check()
    page.get_by_label("Communications").check()
    page.get_by_label("Cara Bennett").check()
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("heading", name="Bigger print on consent forms")).to_be_visible()
    check_page(page, "entry detail")
    page.get_by_role("link", name="Review and publish").click()
    check_page(page, "publish review")
    page.get_by_label("I have checked this entry").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The entry is on the public")).to_be_visible()
    page.goto(live_server.url + reverse("impact:cube_results", args=[impact_demo.public_id]))
    check_page(page, "cube results")
    page.goto(live_server.url + reverse("impact:entry_list"))
    page.get_by_role("link", name="A shorter leaflet").click()
    page.get_by_role("button", name="They told us they agree to be named: Bert Offline").click()
    expect(page.get_by_text("Bert Offline’s choice about being named is saved.")).to_be_visible()
    check_page(page, "entry with an offline contributor")
