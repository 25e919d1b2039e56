"""The diversity and impact reports: who is counted, by which answers, and that the PDF and
the CSV say the same numbers."""

import csv
import io
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from contributors.models import DiversityRecord, ParticipationDiversity
from impact import reports, selectors, services
from impact.models import ReportRequest, ReportStatus
from portal.models import Project
from tests.factories import ActivityFactory, ImpactEntryFactory, ParticipationFactory, UserFactory, opted_in

TODAY = timezone.localdate()
START, END = TODAY - timedelta(days=365), TODAY


def attend(person, activity, **answers):
    """An attended participation with the answers the person had given at the time."""
    participation = ParticipationFactory(activity=activity, contributor=person, status="attended")
    ParticipationDiversity.objects.create(participation=participation, has_answers=bool(answers), **answers)
    return participation


def question(data, key):
    return next(q for q in data["questions"] if q["key"] == key)


def row(q, code):
    return next(r for r in q["rows"] if r["code"] == code)


@pytest.fixture
def meeting(project):
    return ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=20))


def test_report_counts_the_answers_given_at_the_time_not_later_changes(project, meeting):
    people = [UserFactory(contributor=True) for _ in range(6)]
    for person in people:
        attend(person, meeting, sex="female")
        # Later, every one of them changes their current answer.
        DiversityRecord.objects.create(user=person, sex="male")
    data = selectors.diversity_report(projects=Project.objects.filter(pk=project.pk), start=START, end=END)
    sex = question(data, "sex")
    assert (row(sex, "female")["count"], row(sex, "male")["count"]) == (6, 0)


def test_each_person_is_counted_once_by_their_first_participation_in_the_period(project):
    early = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=50))
    late = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=5))
    people = [UserFactory(contributor=True) for _ in range(5)]
    for person in people:
        attend(person, early, religion="christian")
        attend(person, late, religion="none")  # they changed their answer in between
    data = selectors.diversity_report(start=START, end=END)
    religion = question(data, "religion")
    assert data["people"] == 5
    assert (row(religion, "christian")["count"], row(religion, "none")["count"]) == (5, 0)
    # A period that only holds the later activity counts the later answers.
    data = selectors.diversity_report(start=TODAY - timedelta(days=10), end=END)
    assert row(question(data, "religion"), "none")["count"] == 5


def test_people_who_only_did_not_attend_are_not_counted(project, meeting):
    for _ in range(5):
        attend(UserFactory(contributor=True), meeting, sex="male")
    ParticipationFactory(activity=meeting, status="did_not_attend")
    assert selectors.diversity_report(start=START, end=END)["people"] == 5


def test_small_numbers_are_hidden_with_the_cell_that_would_reveal_them(project, meeting):
    for _ in range(8):
        attend(UserFactory(contributor=True), meeting, ethnic_group="white_british", sex="female")
    for _ in range(2):
        attend(UserFactory(contributor=True), meeting, ethnic_group="asian_indian", sex="female")
    data = selectors.diversity_report(start=START, end=END)
    ethnic = question(data, "ethnic_group")
    assert row(ethnic, "asian")["count"] is None
    assert row(ethnic, "white")["count"] is None  # else 10 - 8 = 2 Asian people
    assert [r["count"] for r in ethnic["rows"] if r["code"] in ("mixed", "black", "other")] == [0, 0, 0]
    comparison = {c["label"]: c for c in ethnic["comparisons"]}
    assert comparison["Asian or Asian British"]["ratio"] is None
    # Everyone answered sex: 10 female, shown, with a response rate of 100%.
    sex = question(data, "sex")
    assert (row(sex, "female")["count"], sex["response_rate"]) == (10, Decimal("100.0"))


def test_representation_ratio_is_share_over_census_share(project, meeting):
    for _ in range(6):
        attend(UserFactory(contributor=True), meeting, sex="female")
    for _ in range(6):
        attend(UserFactory(contributor=True), meeting, sex="male")
    sex = question(selectors.diversity_report(start=START, end=END), "sex")
    female = next(c for c in sex["comparisons"] if c["label"] == "Female")
    # 50.0% of people against 51.0% in the Census.
    assert female["share_of_answered"] == Decimal("50.0")
    assert (female["share"], female["census"], female["ratio"]) == (
        Decimal("50.0"),
        Decimal("51.0"),
        Decimal("0.98"),
    )


def test_the_census_is_compared_with_the_share_of_those_who_answered(project, meeting):
    """Six women answered, six people said nothing: 100% of those who answered, 50% of all."""
    for _ in range(6):
        attend(UserFactory(contributor=True), meeting, sex="female")
    for _ in range(6):
        attend(UserFactory(contributor=True), meeting)
    sex = question(selectors.diversity_report(start=START, end=END), "sex")
    female = next(c for c in sex["comparisons"] if c["label"] == "Female")
    assert (female["share"], female["share_of_answered"], female["ratio"]) == (
        Decimal("50.0"),
        Decimal("100.0"),
        Decimal("1.96"),
    )
    assert row(sex, "not_answered")["share_of_answered"] is None


def test_share_of_those_who_answered_is_blank_when_it_would_give_away_a_hidden_count(project, meeting):
    for _ in range(10):
        attend(UserFactory(contributor=True), meeting, sex="female")
    for _ in range(2):
        attend(UserFactory(contributor=True), meeting, sex="prefer_not_to_say")
    sex = question(selectors.diversity_report(start=START, end=END), "sex")
    assert row(sex, "prefer_not_to_say")["count"] is None
    assert row(sex, "female")["share_of_answered"] is None


def test_a_report_too_small_to_show_is_one_page_saying_so(project, meeting, tmp_path):
    for _ in range(3):
        attend(UserFactory(contributor=True), meeting, sex="female")
    data = selectors.diversity_report(start=START, end=END)
    pdf = reports.diversity_pdf(data)
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    assert "Too few people to report on" in text
    assert "[c]" not in text
    assert text.count("Page 1 of 1") == 1
    assert "[c]" not in reports.diversity_csv(data).split("\n", 5)[-1]


def test_a_report_for_fewer_people_than_the_threshold_hides_everything(project, meeting):
    for _ in range(3):
        attend(UserFactory(contributor=True), meeting, sex="female")
    data = selectors.diversity_report(start=START, end=END)
    assert data["people"] is None
    assert all(r["count"] is None for q in data["questions"] for r in q["rows"] if r["code"] != "x")


def test_response_rate_counts_prefer_not_to_say_as_an_answer(project, meeting):
    for _ in range(6):
        attend(UserFactory(contributor=True), meeting, sexual_orientation="prefer_not_to_say")
    for _ in range(6):
        attend(UserFactory(contributor=True), meeting)
    q = question(selectors.diversity_report(start=START, end=END), "sexual_orientation")
    assert (q["responded"], q["response_rate"]) == (6, Decimal("50.0"))


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_diversity_pdf_and_csv_show_the_same_numbers(project, meeting, tmp_path):
    answers = [
        {"sex": "female", "ethnic_group": "white_british", "religion": "none", "year_of_birth": 1960},
        {"sex": "male", "ethnic_group": "black_african", "religion": "christian", "year_of_birth": 1985},
        {"sex": "female", "ethnic_group": "asian_pakistani", "religion": "muslim", "year_of_birth": 1950},
    ]
    for n in range(21):
        attend(UserFactory(contributor=True), meeting, **answers[n % 3])
    data = selectors.diversity_report(start=START, end=END)
    text = _pdf_text(reports.diversity_pdf(data), tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    rows = list(csv.reader(io.StringIO(reports.diversity_csv(data))))
    checked = 0
    for record in rows[8:]:
        _question, table, label, count, of_answered, census_pct, ratio, share = record
        if table == "response":
            continue
        numbers = " ".join(v for v in (count, of_answered, census_pct, ratio, share) if v)
        assert any(line.startswith(label) and line.endswith(numbers) for line in lines), (label, numbers)
        checked += 1
    assert checked > 40
    assert "People who took part: 21" in " ".join(lines)


def test_impact_pdf_and_csv_show_the_same_numbers(project, meeting, tmp_path, fatima):
    attend(UserFactory(contributor=True), meeting)
    ImpactEntryFactory(project=project, stage="design", occurred_on=TODAY - timedelta(days=3), published=True)
    ImpactEntryFactory(
        project=project,
        stage="ethics",
        significance="major",
        occurred_on=TODAY - timedelta(days=2),
        published=True,
    )
    data = selectors.impact_report(project=project, start=START, end=END)
    text = _pdf_text(reports.impact_pdf(data), tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    rows = list(csv.reader(io.StringIO(reports.impact_csv(data))))
    measures = [r for r in rows[5:] if len(r) == 3 and r[2] and r[0] != "section"]
    for _section, measure, value in measures:
        assert any(line.startswith(measure) and line.endswith(value) for line in lines), (measure, value)
    assert len(measures) > 20
    assert ["2. Methods", "Hours of involvement", "2.00"] in rows
    assert ["3. Results: impact entries by research stage", "Ethics", "1"] in rows


def test_impact_report_counts_activities_people_and_hours_in_the_period(project):
    recent = ActivityFactory(
        project=project, starts_at=timezone.now() - timedelta(days=3), expected_hours=Decimal("3.50")
    )
    old = ActivityFactory(project=project, starts_at=timezone.now() - timedelta(days=800))
    a, b = UserFactory(contributor=True), UserFactory(contributor=True)
    for person in (a, b):
        ParticipationFactory(activity=recent, contributor=person, status="attended")
        ParticipationFactory(activity=old, contributor=person, status="attended")
    methods = selectors.impact_report(project=project, start=START, end=END)["methods"]
    assert (methods["activities"], methods["people"], methods["hours"]) == (1, 2, Decimal("7.00"))


def test_contributors_and_other_coordinators_cannot_ask_for_a_projects_report(
    cara, other_coordinator, project
):
    for person in (cara, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.request_report(
                actor=person, kind="diversity", project=project, start_on=START, end_on=END
            )


def test_coordinators_cannot_ask_for_the_whole_organisation(fatima):
    with pytest.raises(PermissionDenied):
        services.request_report(actor=fatima, kind="impact", project=None, start_on=START, end_on=END)


def test_other_coordinator_posting_someone_elses_project_gets_an_error(client, other_coordinator, project):
    client.force_login(other_coordinator)
    response = client.post(
        reverse("impact:report_list"),
        {"kind": "diversity", "project": project.public_id, "start_on": START, "end_on": END},
    )
    assert response.status_code == 400
    assert not ReportRequest.objects.exists()


def test_manager_asks_for_a_report_and_gets_pdf_csv_and_email(
    client, morgan, project, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(5):
        attend(UserFactory(contributor=True), meeting, sex="male")
    client.force_login(morgan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("impact:report_list"),
            {"kind": "diversity", "project": "", "start_on": START, "end_on": END},
        )
    report = ReportRequest.objects.get()
    assert response.status_code == 302
    assert (report.status, report.progress, report.project) == (ReportStatus.READY, 100, None)
    pdf = client.get(reverse("impact:report_download", args=[report.public_id, "pdf"]))
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    csv_response = client.get(reverse("impact:report_download", args=[report.public_id, "csv"]))
    assert "people who took part,5" in b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert len(mailoutbox) == 1
    assert "ready" in mailoutbox[0].subject


def test_a_coordinator_who_leaves_the_project_can_no_longer_download_its_report(client, fatima, project):
    other = UserFactory(coordinator=True)
    project.coordinators.add(other)
    report = services.request_report(actor=other, kind="impact", project=project, start_on=START, end_on=END)
    project.coordinators.remove(other)
    client.force_login(other)
    assert client.get(reverse("impact:report_download", args=[report.public_id, "csv"])).status_code == 403


def test_report_that_is_still_being_made_offers_check_again_without_a_meta_refresh(client, fatima, project):
    report = ReportRequest.objects.create(
        requested_by=fatima, kind="impact", project=project, start_on=START, end_on=END
    )
    client.force_login(fatima)
    response = client.get(reverse("impact:report_detail", args=[report.public_id]))
    assert b'http-equiv="refresh"' not in response.content
    assert b"Check again" in response.content
    assert b"portal/report-status.js" in response.content


def test_making_a_report_twice_does_nothing_the_second_time(
    fatima, project, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(
            actor=fatima, kind="impact", project=project, start_on=START, end_on=END
        )
    report.refresh_from_db()
    first_file = report.pdf_file.name
    services.make_report(report_id=report.pk)
    report.refresh_from_db()
    assert (report.pdf_file.name, len(mailoutbox)) == (first_file, 1)


def test_impact_report_counts_entries_by_stage_significance_and_outcome(project):
    for days in (3, 4, 5):
        ImpactEntryFactory(
            project=project, stage="design", occurred_on=TODAY - timedelta(days=days), published=True
        )
    ImpactEntryFactory(
        project=project, stage="ethics", significance="major", outcome="not_changed", published=True
    )
    ImpactEntryFactory(project=project, stage="delivery", title="Not reviewed yet")
    data = selectors.impact_report(project=project, start=START, end=END)
    assert data["results"]["unreviewed"] == 1
    assert "Not reviewed yet" not in [e.title for e in data["results"]["entries"]]
    stages = {s["label"]: s["n"] for s in data["results"]["by_stage"]}
    significance = {s["label"]: s["n"] for s in data["influence"]["by_significance"]}
    outcomes = {o["label"]: o["n"] for o in data["influence"]["by_outcome"]}
    standards = {s["label"]: s["n"] for s in data["influence"]["by_standard"]}
    assert (stages["Design"], stages["Ethics"], stages["Delivery"]) == (3, 1, 0)
    assert (significance["Moderate"], significance["Major"]) == (3, 1)
    assert (outcomes["Something changed"], outcomes["Nothing changed"]) == (3, 1)
    assert (standards["Communications"], standards["Governance"]) == (4, 0)


def test_answers_changed_after_taking_part_do_not_change_the_report(fatima, project, meeting):
    """Through the real services: attending keeps a snapshot; a later change does not touch it."""
    from contributors.services import save_diversity
    from portal.services import add_participant

    people = [UserFactory(contributor=True) for _ in range(5)]
    for person in people:
        save_diversity(user=person, consent=True, answers={"religion": "christian"})
        add_participant(actor=fatima, activity=meeting, contributor=opted_in(person), status="attended")
        save_diversity(user=person, consent=True, answers={"religion": "none"})
    religion = question(selectors.diversity_report(start=START, end=END), "religion")
    assert (row(religion, "christian")["count"], row(religion, "none")["count"]) == (5, 0)


def test_report_files_are_deleted_after_the_keep_period_and_the_page_says_so(
    client, fatima, project, settings
):
    from django.core.files.base import ContentFile

    settings.PORTAL_IMPACT_REPORT_KEEP_DAYS = 30
    old = ReportRequest.objects.create(
        requested_by=fatima,
        kind="impact",
        project=project,
        status=ReportStatus.READY,
        finished_at=timezone.now() - timedelta(days=31),
    )
    old.pdf_file.save("old.pdf", ContentFile(b"%PDF old"), save=True)
    path = old.pdf_file.path
    recent = ReportRequest.objects.create(
        requested_by=fatima,
        kind="impact",
        project=project,
        status=ReportStatus.READY,
        finished_at=timezone.now() - timedelta(days=29),
    )
    assert services.delete_expired_report_files() == 1
    assert services.delete_expired_report_files() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.pdf_file.name, recent.status) == (ReportStatus.EXPIRED, "", ReportStatus.READY)
    import os

    assert not os.path.exists(path)
    client.force_login(fatima)
    assert (
        b"deleted 30 days after" in client.get(reverse("impact:report_detail", args=[old.public_id])).content
    )
    assert client.get(reverse("impact:report_download", args=[old.public_id, "pdf"])).status_code == 404


def test_report_form_linked_from_a_project_has_that_project_chosen(client, fatima, project):
    client.force_login(fatima)
    response = client.get(reverse("impact:report_list") + f"?project={project.public_id}")
    assert f'<option value="{project.public_id}" selected>' in response.content.decode()
