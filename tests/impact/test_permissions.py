import pytest
from django.core.files.base import ContentFile

from impact.models import Certificate, EntryContributor, ReportRequest, ReportStatus
from tests.factories import ActivityFactory, ImpactEntryFactory, ParticipationFactory, ProjectFactory
from tests.matrix import Case, check, expect, params, world_fixture

# 404 for objects outside your scope, 403 for a missing role, sign-in for anonymous.
STAFF_ONLY = expect(contributor=403, other_contributor=404, other_coordinator=404)
NAMED_ONLY_POST = expect(
    contributor=302, other_contributor=404, coordinator=403, other_coordinator=404, manager=403
)
REQUESTER_ONLY = expect(contributor=404, other_contributor=404, other_coordinator=404, manager=404)
PUBLIC = expect(anonymous=200)


def entry(w):
    return {"public_id": w["entry"].public_id}


def project(w):
    return {"public_id": w["project"].public_id}


CASES = [
    Case("impact:entry_list", expect()),
    Case("impact:entry_create", expect(contributor=403, other_contributor=403)),
    Case("impact:entry_detail", expect(other_contributor=404, other_coordinator=404), kwargs=entry),
    Case("impact:entry_edit", STAFF_ONLY, kwargs=entry),
    Case("impact:entry_evidence", expect(other_contributor=404, other_coordinator=404), kwargs=entry),
    Case("impact:entry_publish", STAFF_ONLY, kwargs=entry),
    Case(
        "impact:entry_reflect",
        NAMED_ONLY_POST,
        kwargs=entry,
        method="post",
        data=lambda w: {"text": "It felt like we were listened to."},
    ),
    Case(
        "impact:entry_consent",
        NAMED_ONLY_POST,
        kwargs=entry,
        method="post",
        data=lambda w: {"consents": "yes"},
    ),
    Case("impact:cube_results", STAFF_ONLY, kwargs=project),
    Case(
        "impact:cube_checkin",
        expect(other_contributor=404, coordinator=403, other_coordinator=404, manager=403),
        kwargs=project,
    ),
    Case("impact:project_certificates", STAFF_ONLY, kwargs=project),
    Case(
        "impact:certificate_list",
        expect(coordinator=403, other_coordinator=403, manager=403),
    ),
    Case(
        "impact:certificate_download",
        expect(other_contributor=404, other_coordinator=404),
        kwargs=lambda w: {"public_id": w["certificate"].public_id},
    ),
    Case("impact:report_list", expect(contributor=403, other_contributor=403)),
    Case("impact:report_detail", REQUESTER_ONLY, kwargs=lambda w: {"public_id": w["report"].public_id}),
    Case(
        "impact:report_download",
        REQUESTER_ONLY,
        kwargs=lambda w: {"public_id": w["report"].public_id, "fmt": "csv"},
    ),
    Case(
        "impact:report_download",
        REQUESTER_ONLY,
        kwargs=lambda w: {"public_id": w["batch"].public_id, "fmt": "zip"},
    ),
    Case("impact:public_changes", PUBLIC),
    Case(
        "impact:public_project_changes",
        PUBLIC,
        kwargs=lambda w: {"public_id": w["published"].project.public_id},
    ),
    Case("impact:verify", PUBLIC),
]


def _build(cara, olu, fatima, other_coordinator, morgan, project):
    activity = ActivityFactory(project=project, past=True)
    ParticipationFactory(activity=activity, contributor=cara, status="attended")
    ProjectFactory(lead=other_coordinator)
    draft = ImpactEntryFactory(project=project)
    EntryContributor.objects.create(entry=draft, contributor=cara)
    draft.evidence_file.save("minutes.txt", ContentFile(b"Minutes of the meeting"), save=True)
    report = ReportRequest.objects.create(
        requested_by=fatima, kind="diversity", project=project, status=ReportStatus.READY, progress=100
    )
    report.csv_file.save("diversity.csv", ContentFile(b"report,x\n"), save=True)
    batch = ReportRequest.objects.create(
        requested_by=fatima, kind="certificates", project=project, status=ReportStatus.READY, progress=100
    )
    batch.zip_file.save("certificates.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "project": project,
        "entry": draft,
        "published": ImpactEntryFactory(project=project, published=True),
        "certificate": Certificate.objects.create(
            contributor=cara,
            project=project,
            issued_by=fatima,
            details={"name": "Cara Bennett", "activities": []},
        ),
        "report": report,
        "batch": batch,
    }


world = world_fixture(_build)


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(db, client, world, case, persona):
    check(client, world, case, persona)
