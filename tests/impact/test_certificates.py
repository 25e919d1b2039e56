"""Certificates of involvement: what they say, the public check, and a project's batch."""

import io
import re
import subprocess
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contributors.models import Contributor
from impact import services
from impact.models import Certificate, ReportRequest, ReportStatus
from portal.models import AuditEvent
from tests.factories import ActivityFactory, ParticipationFactory, UserFactory


@pytest.fixture
def involvement(project, cara):
    for days, hours in ((40, "3.00"), (10, "2.50")):
        activity = ActivityFactory(
            project=project, starts_at=timezone.now() - timedelta(days=days), expected_hours=Decimal(hours)
        )
        ParticipationFactory(activity=activity, contributor=cara, status="attended")
    # Invited but not attended: not on the certificate.
    ParticipationFactory(activity=ActivityFactory(project=project), contributor=cara, status="confirmed")
    return project


def test_certificate_lists_attended_activities_hours_and_projects(cara, involvement):
    cert = services.issue_own_certificate(actor=cara)
    assert cert.details["name"] == "Cara Bennett"
    assert cert.details["total_hours"] == "5.50"
    assert len(cert.details["activities"]) == 2
    assert cert.details["projects"] == ["Getting home after a stroke"]


def test_certificate_pdf_shows_the_name_hours_and_code(client, cara, involvement, tmp_path):
    client.force_login(cara)
    client.post(reverse("impact:certificate_list"))
    cert = Certificate.objects.get()
    response = client.get(reverse("impact:certificate_download", args=[cert.public_id]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "c.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Cara Bennett" in text
    assert "5.50 hours" in " ".join(text.split())
    assert cert.code in text


def test_in_large_print_nothing_on_a_certificate_is_smaller_than_its_text(cara, involvement, tmp_path):
    """The large-print stylesheet raises every size to 16pt; the verification code (13pt on the
    standard certificate) and the name (larger than the text) must not fall below it."""
    from impact import reports

    cert = services.issue_own_certificate(actor=cara)
    path = tmp_path / "large.pdf"
    path.write_bytes(reports.certificates_pdf([cert], large_print=True))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout

    def height(word: str) -> float:
        found = re.search(rf'yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">{re.escape(word)}<', boxes)
        assert found, word
        return float(found[2]) - float(found[1])

    text = height("certifies")
    assert height(cert.code) >= text - 0.01  # the same 16pt, give or take rounding
    assert height("Bennett") > text * 1.3


def test_a_genuine_code_verifies_and_a_made_up_one_does_not(client, cara, involvement):
    cert = services.issue_own_certificate(actor=cara)
    response = client.get(reverse("impact:verify"), {"code": cert.code.lower().replace("-", " ")})
    assert b"This certificate is genuine" in response.content
    assert b"Cara Bennett" in response.content
    response = client.get(reverse("impact:verify"), {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 200
    assert b"We have no certificate with that code" in response.content
    assert b"Cara Bennett" not in response.content


def test_a_contributor_with_no_attended_activity_gets_a_message_not_a_certificate(client, olu):
    client.force_login(olu)
    response = client.post(reverse("impact:certificate_list"), follow=True)
    assert b"no attended activity" in response.content
    assert not Certificate.objects.exists()


def test_certificate_details_do_not_change_when_activities_change_later(cara, involvement):
    cert = services.issue_own_certificate(actor=cara)
    involvement.activities.update(expected_hours=Decimal("9.00"))
    cert.refresh_from_db()
    assert cert.details["total_hours"] == "5.50"


def test_coordinator_makes_certificates_for_everyone_on_a_project(
    client, fatima, cara, involvement, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    olu = UserFactory(contributor=True, name="Olu Adebayo")
    ParticipationFactory(activity=involvement.activities.first(), contributor=olu, status="attended")
    client.force_login(fatima)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("impact:project_certificates", args=[involvement.public_id]))
    report = ReportRequest.objects.get()
    assert response.status_code == 302
    assert report.status == ReportStatus.READY
    assert set(Certificate.objects.values_list("contributor__name", flat=True)) == {
        "Cara Bennett",
        "Olu Adebayo",
    }
    assert all(c.project == involvement for c in Certificate.objects.all())
    assert (report.done, report.total, report.progress) == (2, 2, 100)
    assert not report.pdf_file
    response = client.get(reverse("impact:report_download", args=[report.public_id, "zip"]))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="certificates-project-')
    pdfs = _pdfs_in(b"".join(response.streaming_content), tmp_path)
    # One PDF per person, each named after them and their certificate's code.
    assert sorted(name.rsplit("-", 3)[0] for name in pdfs) == [
        "certificate-cara-bennett",
        "certificate-olu-adebayo",
    ]
    for cert in Certificate.objects.all():
        (text,) = [t for name, t in pdfs.items() if cert.code in name]
        assert cert.details["name"] in text
        assert cert.code in text
        assert "Getting home after a stroke" in " ".join(text.split())
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "The certificates for Getting home after a stroke are ready"
    assert "a ZIP file with one PDF for each person" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="impact.report_requested", actor=fatima).count() == 1
    assert AuditEvent.objects.filter(action="impact.certificate_issued").count() == 2


def _pdfs_in(data: bytes, tmp_path) -> dict[str, str]:
    """The ZIP's members as name -> the PDF's text."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        for name in bundle.namelist():
            path = tmp_path / name
            path.write_bytes(bundle.read(name))
            out[name] = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
    return out


def _word_height(pdf_path, word: str) -> float:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True).stdout
    match = re.search(rf'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">{word}<', html)
    return float(match.group(2)) - float(match.group(1))


def test_a_batch_prints_each_person_in_their_own_format(
    fatima, cara, involvement, django_capture_on_commit_callbacks, tmp_path
):
    olu = UserFactory(contributor=True, name="Olu Adebayo")
    Contributor.objects.update_or_create(user=olu, defaults={"access_needs": ["large_print"]})
    ParticipationFactory(activity=involvement.activities.first(), contributor=olu, status="attended")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(actor=fatima, kind="certificates", project=involvement)
    report.refresh_from_db()
    with report.zip_file.open("rb") as f:
        _pdfs_in(f.read(), tmp_path)
    (cara_pdf,) = tmp_path.glob("certificate-cara-bennett-*.pdf")
    (olu_pdf,) = tmp_path.glob("certificate-olu-adebayo-*.pdf")
    assert _word_height(olu_pdf, "Activities") >= 1.4 * _word_height(cara_pdf, "Activities")


def test_the_waiting_page_counts_certificates_made(client, fatima, involvement):
    report = ReportRequest.objects.create(
        requested_by=fatima, kind="certificates", project=involvement, status="running", done=20, total=57
    )
    client.force_login(fatima)
    response = client.get(reverse("impact:report_detail", args=[report.public_id]))
    assert "20 of 57 certificates made" in " ".join(response.content.decode().split())


def test_a_batch_is_for_who_asked_and_only_while_they_run_the_project(
    client, fatima, morgan, cara, involvement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(actor=fatima, kind="certificates", project=involvement)
    url = reverse("impact:report_download", args=[report.public_id, "zip"])
    for other in (morgan, cara):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(fatima)
    assert client.get(url).status_code == 200
    involvement.lead = UserFactory(coordinator=True)
    involvement.save()
    involvement.coordinators.remove(fatima)
    assert client.get(url).status_code == 403


def test_other_contributor_cannot_download_someone_elses_certificate(client, cara, olu, involvement):
    cert = services.issue_own_certificate(actor=cara)
    client.force_login(olu)
    assert client.get(reverse("impact:certificate_download", args=[cert.public_id])).status_code == 404


def test_verifying_the_certificate_of_an_erased_person_hides_their_details(client, cara, involvement):
    from contributors.services import anonymise_person

    cert = services.issue_own_certificate(actor=cara)
    anonymise_person(user=cara)
    response = client.get(reverse("impact:verify"), {"code": cert.code})
    assert b"This certificate is genuine" in response.content
    assert b"asked us to erase their details" in response.content
    assert b"Cara Bennett" not in response.content
