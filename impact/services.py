"""Every write in the impact app with a business meaning, each audited."""

import logging
import tempfile
import zipfile
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from portal.celery import queue
from portal.emails import send_templated_email
from portal.errors import PortalError
from portal.links import absolute_reverse
from portal.models import Project, User
from portal.services import model_update, record_audit

from . import permissions
from .models import (
    Certificate,
    CubeCheckIn,
    EntryContributor,
    EntryStatus,
    ImpactEntry,
    Reflection,
    ReportKind,
    ReportRequest,
    ReportStatus,
    UKStandard,
)

logger = logging.getLogger(__name__)


class ImpactError(PortalError):
    """An impact rule was broken. The message is safe to show to the user."""


ENTRY_FIELDS = (
    "title",
    "stage",
    "occurred_on",
    "hoped_to_influence",
    "outcome",
    "what_changed",
    "why_it_matters",
    "significance",
    "standards",
    "evidence_text",
    "evidence_url",
)


def _check_links(project: Project, activities, feedback_items, contributors) -> None:
    if any(a.project_id != project.pk for a in activities):
        raise ImpactError("Linked activities must belong to the entry's project.")
    if any(i.feedback.activity.project_id != project.pk for i in feedback_items):
        raise ImpactError("Linked feedback must be about the entry's project.")
    if any(not c.is_contributor for c in contributors):
        raise ImpactError("Only contributors can be named on an entry.")


def _set_links(entry: ImpactEntry, activities, feedback_items, contributors) -> None:
    entry.activities.set(activities)
    entry.feedback_items.set(feedback_items)
    keep = {c.pk for c in contributors}
    entry.people.exclude(contributor_id__in=keep).delete()
    have = set(entry.people.values_list("contributor_id", flat=True))
    EntryContributor.objects.bulk_create(
        [EntryContributor(entry=entry, contributor=c) for c in contributors if c.pk not in have]
    )


def _set_evidence(entry: ImpactEntry, evidence_file) -> None:
    if evidence_file:
        if entry.evidence_file:
            entry.evidence_file.delete(save=False)
        entry.evidence_file_name = evidence_file.name[:200]
        entry.evidence_file.save(evidence_file.name, evidence_file, save=False)


@transaction.atomic
def create_entry(
    *,
    actor: User,
    project: Project,
    activities=(),
    feedback_items=(),
    contributors=(),
    evidence_file=None,
    **fields,
) -> ImpactEntry:
    """Log what involvement changed (or did not) on a project."""
    if not permissions.can_log_impact(actor, project):
        raise PermissionDenied
    _check_links(project, activities, feedback_items, contributors)
    if any(code not in UKStandard.values for code in fields.get("standards", [])):
        raise ImpactError("Choose standards from the list.")
    entry = ImpactEntry(
        project=project, created_by=actor, **{k: v for k, v in fields.items() if k in ENTRY_FIELDS}
    )
    _set_evidence(entry, evidence_file)
    entry.save()
    _set_links(entry, activities, feedback_items, contributors)
    record_audit(actor=actor, action="impact.entry_created", target=entry, project=str(project.public_id))
    return entry


@transaction.atomic
def update_entry(
    *,
    actor: User,
    entry: ImpactEntry,
    activities=(),
    feedback_items=(),
    contributors=(),
    evidence_file=None,
    **fields,
) -> ImpactEntry:
    """Edit an entry. A published entry goes back to draft, to be reviewed again."""
    entry = ImpactEntry.objects.select_for_update().get(pk=entry.pk)
    if not permissions.can_change_entry(actor, entry):
        raise PermissionDenied
    _check_links(entry.project, activities, feedback_items, contributors)
    changed = model_update(entry, fields=ENTRY_FIELDS, save=False, **fields)
    _set_evidence(entry, evidence_file)
    was_published = entry.is_published
    if was_published:
        entry.status, entry.published_at, entry.published_by = EntryStatus.DRAFT, None, None
    entry.save()
    _set_links(entry, activities, feedback_items, contributors)
    record_audit(
        actor=actor, action="impact.entry_updated", target=entry, fields=changed, unpublished=was_published
    )
    return entry


@transaction.atomic
def publish_entry(*, actor: User, entry: ImpactEntry, checked_no_personal_details: bool) -> ImpactEntry:
    """Put a reviewed entry on the public "what changed" page."""
    entry = ImpactEntry.objects.select_for_update().get(pk=entry.pk)
    if not permissions.can_publish_entry(actor, entry):
        raise PermissionDenied
    if not checked_no_personal_details:
        raise ImpactError("Confirm you have checked the entry has no personal details before publishing.")
    if entry.is_published:
        return entry
    entry.status, entry.published_at, entry.published_by = EntryStatus.PUBLISHED, timezone.now(), actor
    entry.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    record_audit(actor=actor, action="impact.published", target=entry)
    return entry


@transaction.atomic
def unpublish_entry(*, actor: User, entry: ImpactEntry) -> ImpactEntry:
    """Take an entry off the public page."""
    entry = ImpactEntry.objects.select_for_update().get(pk=entry.pk)
    if not permissions.can_publish_entry(actor, entry):
        raise PermissionDenied
    if not entry.is_published:
        return entry
    entry.status, entry.published_at, entry.published_by = EntryStatus.DRAFT, None, None
    entry.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    record_audit(actor=actor, action="impact.unpublished", target=entry)
    return entry


@transaction.atomic
def set_naming_consent(
    *, actor: User, entry: ImpactEntry, consents: bool, contributor: User | None = None
) -> EntryContributor:
    """A contributor says whether the public page may name them on this entry. For someone
    who cannot sign in (no email), the coordinator records what they said by phone or post."""
    contributor = contributor or actor
    if contributor != actor and not (contributor.is_offline and permissions.can_change_entry(actor, entry)):
        raise PermissionDenied
    mention = (
        EntryContributor.objects.select_for_update().filter(entry=entry, contributor=contributor).first()
    )
    if mention is None:
        raise PermissionDenied
    mention.consents_to_be_named = consents
    mention.consent_changed_at = timezone.now()
    mention.save(update_fields=["consents_to_be_named", "consent_changed_at"])
    record_audit(
        actor=actor,
        action="impact.naming_consent",
        target=entry,
        consents=consents,
        on_behalf_of=str(contributor.public_id) if contributor != actor else "",
    )
    return mention


@transaction.atomic
def save_reflection(*, actor: User, entry: ImpactEntry, text: str) -> Reflection:
    """Add or replace the contributor's own reflection on an entry."""
    if not permissions.can_reflect_on_entry(actor, entry):
        raise PermissionDenied
    if not text.strip():
        raise ImpactError("Write your reflection.")
    reflection, created = Reflection.objects.update_or_create(
        entry=entry, contributor=actor, defaults={"text": text.strip()}
    )
    record_audit(actor=actor, action="impact.reflection_saved", target=entry, created=created)
    return reflection


@transaction.atomic
def record_cube_checkin(
    *,
    actor: User,
    project: Project,
    voice: int,
    contribute: int,
    agenda: int,
    change: int,
    comments: str = "",
) -> CubeCheckIn:
    """A contributor answers the Cube's four questions about a project."""
    if not permissions.can_check_in(actor, project):
        raise PermissionDenied
    scores = {"voice": voice, "contribute": contribute, "agenda": agenda, "change": change}
    if any(not 0 <= s <= 10 for s in scores.values()):
        raise ImpactError("Each answer is a number from 0 to 10.")
    checkin = CubeCheckIn.objects.create(project=project, contributor=actor, comments=comments, **scores)
    record_audit(actor=actor, action="impact.cube_checkin", target=project)
    return checkin


def _issue(*, actor: User, contributor: User, project: Project | None) -> Certificate:
    from .selectors import certificate_details

    details = certificate_details(contributor=contributor, project=project)
    if not details["activities"]:
        raise ImpactError("There is no attended activity to put on a certificate yet.")
    cert = Certificate.objects.create(
        contributor=contributor, project=project, issued_by=actor, details=details
    )
    record_audit(actor=actor, action="impact.certificate_issued", target=cert, code=cert.code)
    return cert


@transaction.atomic
def issue_own_certificate(*, actor: User) -> Certificate:
    """A contributor makes a certificate of all their involvement so far."""
    if not permissions.can_get_own_certificate(actor):
        raise PermissionDenied
    return _issue(actor=actor, contributor=actor, project=None)


# --- Reports ---------------------------------------------------------------------------------


@transaction.atomic
def request_report(
    *,
    actor: User,
    kind: str,
    project: Project | None,
    start_on: date | None = None,
    end_on: date | None = None,
) -> ReportRequest:
    """Queue a report (or a project's certificates) to be made in the background."""
    if kind not in ReportKind.values:
        raise ImpactError("Choose a report from the list.")
    if kind == ReportKind.CERTIFICATES:
        if project is None or not permissions.can_issue_project_certificates(actor, project):
            raise PermissionDenied
    elif not permissions.can_request_report(actor, project):
        raise PermissionDenied
    if start_on and end_on and start_on > end_on:
        raise ImpactError("The period must start before it ends.")
    report = ReportRequest.objects.create(
        requested_by=actor, kind=kind, project=project, start_on=start_on, end_on=end_on
    )
    record_audit(
        actor=actor,
        action="impact.report_requested",
        target=report,
        kind=kind,
        project=str(project.public_id) if project else "",
        start=str(start_on or ""),
        end=str(end_on or ""),
    )
    transaction.on_commit(lambda: _queue_report(report.pk))
    return report


def _queue_report(report_id: int) -> None:
    from .tasks import make_report as make_report_task

    queue(make_report_task, report_id)  # if not, the page shows it waiting and the sweep starts it


# A report still "being made" this long after it was asked for was left by a worker that
# stopped: the biggest batch (1,000 certificates) takes about a minute.
REPORT_STALLED_AFTER = timedelta(hours=2)


def sweep_reports(*, older_than_minutes: int = 15, now=None) -> dict[str, int]:
    """Start the reports a broker outage left waiting, and fail the ones a stopped worker left
    half made, so that the person sees "Failed" and can ask again rather than wait for ever.
    Queuing twice is harmless: `make_report` starts only a queued report."""
    now = now or timezone.now()
    waiting = list(
        ReportRequest.objects.filter(
            status=ReportStatus.QUEUED, created_at__lt=now - timedelta(minutes=older_than_minutes)
        ).values_list("pk", flat=True)
    )
    for pk in waiting:
        _queue_report(pk)
    stalled = ReportRequest.objects.filter(
        status=ReportStatus.RUNNING, created_at__lt=now - REPORT_STALLED_AFTER
    )
    failed = stalled.update(
        status=ReportStatus.FAILED,
        error="Making it stopped part way. Ask for it again.",
        finished_at=now,
    )
    if failed:
        record_audit(actor=None, action="impact.reports_stalled", count=failed)
    return {"queued": len(waiting), "failed": failed}


def _progress(report: ReportRequest, pct: int) -> None:
    ReportRequest.objects.filter(pk=report.pk).update(progress=pct)


def make_report(*, report_id: int) -> ReportRequest:
    """Make the files for a queued report, then email the person who asked. Safe to run twice:
    only a queued report is started."""
    started = ReportRequest.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, progress=5
    )
    report = ReportRequest.objects.select_related("project", "requested_by").get(pk=report_id)
    if not started:
        return report
    try:
        if report.kind == ReportKind.CERTIFICATES:
            _make_project_certificates(report)
        else:
            _make_report_files(report)
    except Exception as exc:
        logger.warning("Report %s failed: %s", report.pk, exc, exc_info=True)
        ReportRequest.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        report.refresh_from_db()
        return report
    report.status, report.progress, report.finished_at = ReportStatus.READY, 100, timezone.now()
    report.save(
        update_fields=[
            "status",
            "progress",
            "finished_at",
            "pdf_file",
            "csv_file",
            "zip_file",
            "done",
            "total",
        ]
    )
    record_audit(actor=None, action="impact.report_ready", target=report)
    if report.requested_by.email:
        send_templated_email(
            name="impact_report_ready",
            to=[report.requested_by.email],
            context={
                "report": report,
                "person": report.requested_by,
                "keep_days": settings.PORTAL_IMPACT_REPORT_KEEP_DAYS,
                "url": absolute_reverse("impact:report_detail", public_id=report.public_id),
            },
        )
    return report


def report_file_stem(report: ReportRequest) -> str:
    scope = "organisation" if report.project is None else f"project-{str(report.project.public_id)[:8]}"
    return f"{report.kind}-{scope}-{report.public_id.hex[:8]}"


def _make_report_files(report: ReportRequest) -> None:
    from . import reports, selectors

    projects = None if report.project is None else Project.objects.filter(pk=report.project_id)
    if report.kind == ReportKind.DIVERSITY:
        data = selectors.diversity_report(projects=projects, start=report.start_on, end=report.end_on)
        _progress(report, 40)
        pdf = reports.diversity_pdf(data)
        csv_text = reports.diversity_csv(data)
    else:
        data = selectors.impact_report(project=report.project, start=report.start_on, end=report.end_on)
        _progress(report, 40)
        pdf = reports.impact_pdf(data)
        csv_text = reports.impact_csv(data)
    _progress(report, 90)
    stem = report_file_stem(report)
    report.pdf_file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.csv_file.save(f"{stem}.csv", ContentFile(csv_text.encode("utf-8-sig")), save=False)


def _certificate_member_name(cert: Certificate, person: User) -> str:
    return f"certificate-{slugify(person.name) or 'person'}-{cert.code}.pdf"


def _make_project_certificates(report: ReportRequest) -> None:
    """Issue a certificate to everyone who attended an activity on the project, and put one PDF
    per person (each in their own format: large print if they asked) into a ZIP.

    Memory stays flat whatever the size of the project: each PDF is written straight into
    the ZIP, which is a temporary file on disk that storage then copies in chunks (a multipart
    upload on S3), and `done` out of `total` is saved every few people for the progress page."""
    from contributors.models import Contributor

    from . import reports

    project = report.project
    people = list(
        User.objects.filter(participations__activity__project=project, participations__status="attended")
        .distinct()
        .order_by("name")
    )
    if not people:
        raise ImpactError("Nobody has attended an activity on this project yet.")
    large_print = {
        c.user_id
        for c in Contributor.objects.filter(user__in=people).only("user_id", "access_needs")
        if c.wants_large_print
    }
    total = len(people)
    ReportRequest.objects.filter(pk=report.pk).update(total=total, done=0)
    with tempfile.TemporaryFile() as spool:
        # PDFs are compressed already: deflating them again gains little and costs time.
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as bundle:
            for n, person in enumerate(people, start=1):
                with transaction.atomic():
                    cert = _issue(actor=report.requested_by, contributor=person, project=project)
                with bundle.open(_certificate_member_name(cert, person), "w") as member:
                    reports.certificates_pdf([cert], large_print=person.pk in large_print, target=member)
                if n % 10 == 0 or n == total:
                    ReportRequest.objects.filter(pk=report.pk).update(
                        done=n, progress=5 + int(90 * n / total)
                    )
        spool.seek(0)
        report.zip_file.save(f"{report_file_stem(report)}.zip", File(spool), save=False)
    report.done, report.total = total, total


def delete_expired_report_files(*, now=None) -> int:
    """Delete report files older than PORTAL_IMPACT_REPORT_KEEP_DAYS: reports are easy to make
    again, and a file that no longer exists cannot leak. Safe to run twice."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PORTAL_IMPACT_REPORT_KEEP_DAYS)
    expired = 0
    for report in ReportRequest.objects.filter(status=ReportStatus.READY, finished_at__lt=cutoff):
        # Claim the row first, so two sweeps never both work on it.
        if not ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.READY).update(
            status=ReportStatus.EXPIRED
        ):
            continue
        for field in (report.pdf_file, report.csv_file, report.zip_file):
            if field:
                field.delete(save=False)
        ReportRequest.objects.filter(pk=report.pk).update(pdf_file="", csv_file="", zip_file="")
        expired += 1
    if expired:
        record_audit(actor=None, action="impact.reports_expired", count=expired)
    return expired
