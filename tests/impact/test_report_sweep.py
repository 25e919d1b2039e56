"""A report asked for while the broker is down, or left half made by a stopped worker, is not
waited on for ever: the hourly sweep starts it, or says it failed so the person can ask again."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from impact import services, tasks
from impact.models import ReportRequest, ReportStatus
from portal.models import AuditEvent

TODAY = timezone.localdate()


def test_asking_for_a_report_while_the_broker_is_down_is_not_a_500_and_the_sweep_makes_it(
    client, fatima, project, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def down(pk):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.make_report, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(
            actor=fatima, kind="impact", project=project, start_on=TODAY - timedelta(days=30), end_on=TODAY
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    client.force_login(fatima)
    assert b"Waiting to start" in client.get(reverse("impact:report_detail", args=[report.public_id])).content
    monkeypatch.undo()
    assert services.sweep_reports(older_than_minutes=15)["queued"] == 0  # too new to be lost
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_reports(older_than_minutes=0)["queued"] == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert len(mailoutbox) == 1
    assert services.sweep_reports(older_than_minutes=0) == {"queued": 0, "failed": 0}


def test_a_report_left_half_made_by_a_stopped_worker_fails_so_the_person_can_ask_again(
    client, fatima, project
):
    stopped = ReportRequest.objects.create(
        requested_by=fatima,
        kind="impact",
        project=project,
        status=ReportStatus.RUNNING,
        progress=40,
        created_at=timezone.now() - timedelta(hours=3),
    )
    running = ReportRequest.objects.create(
        requested_by=fatima, kind="impact", project=project, status=ReportStatus.RUNNING, progress=40
    )
    assert services.sweep_reports() == {"queued": 0, "failed": 1}
    stopped.refresh_from_db()
    running.refresh_from_db()
    assert (stopped.status, running.status) == (ReportStatus.FAILED, ReportStatus.RUNNING)
    client.force_login(fatima)
    page = client.get(reverse("impact:report_detail", args=[stopped.public_id])).content.decode()
    assert "Ask for it again" in page
    assert AuditEvent.objects.filter(action="impact.reports_stalled").count() == 1


def test_the_report_sweep_runs_every_hour():
    assert settings.CELERY_BEAT_SCHEDULE["impact-sweep-reports"]["task"] == tasks.sweep_reports.name
