"""Issue 12: a project's certificates come as a ZIP of one PDF per person, made in the
background, with the count made so far shown while it runs."""

import io
import re
import subprocess
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from impact.models import ReportRequest, ReportStatus
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ParticipationFactory, UserFactory


@pytest.fixture
def took_part(project, cara, olu):
    workshop = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=7))
    people = [cara, olu, UserFactory(contributor=True, name="Dev Shah")]
    for person in people:
        ParticipationFactory(activity=workshop, contributor=person, status="attended")
    return people


def test_coordinator_asks_for_a_batch_sees_it_made_and_downloads_one_pdf_per_person(
    page, live_server, fatima, project, took_part, tmp_path
):
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("impact:project_certificates", args=[project.public_id]))
    expect(page.get_by_text("3 people have attended an activity on this project")).to_be_visible()
    check_page(page, "certificates for a project")
    page.get_by_role("button", name="Make the certificates").click()
    # Tests run the task at once, so the page after asking already says it is ready.
    expect(page.get_by_text(re.compile("a ZIP file with one PDF for each of the 3 people"))).to_be_visible()
    check_page(page, "certificate batch ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the certificates (ZIP)").click()
    path = tmp_path / "certificates.zip"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
        assert len(names) == 3
        texts = []
        for name in names:
            pdf = tmp_path / name
            pdf.write_bytes(bundle.read(name))
            subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / name)], check=True)
            texts.append(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert sorted(next(p.name for p in took_part if p.name in t) for t in texts) == sorted(
        p.name for p in took_part
    )


def test_the_waiting_page_counts_certificates_made_and_then_offers_the_zip(
    page, live_server, fatima, project
):
    report = ReportRequest.objects.create(
        requested_by=fatima,
        kind="certificates",
        project=project,
        status=ReportStatus.RUNNING,
        done=40,
        total=120,
    )
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("impact:report_detail", args=[report.public_id]))
    expect(page.get_by_text("40 of 120 certificates made")).to_be_visible()
    check_page(page, "certificate batch running")
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("certificate-cara-bennett-ABCD.pdf", b"%PDF-1.7")
    report.zip_file.save("certificates.zip", ContentFile(bundle.getvalue()), save=False)
    report.status, report.done, report.progress = ReportStatus.READY, 120, 100
    report.save()
    # Without a reload: the page's script asks again and shows the link (the "Check again"
    # button does the same without JavaScript).
    expect(page.get_by_role("link", name="Download the certificates (ZIP)")).to_be_visible(timeout=12_000)
    check_page(page, "certificate batch ready, updated in place")
