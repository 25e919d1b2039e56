"""The co-production log, learning and checks: who may write, what is recorded, what is audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from coproduction import selectors, services
from coproduction.models import (
    AgreementMethod,
    CheckRecord,
    Decision,
    GroundRules,
    GroundRulesAgreement,
    LearningRecord,
    LearningSource,
    Reflection,
)
from portal.models import AuditEvent
from tests.factories import (
    CheckRecordFactory,
    ContributorFactory,
    CoproductionReflectionFactory,
    CourseFactory,
    FeedbackItemFactory,
    ImpactEntryFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UserFactory,
)


@pytest.fixture
def team(project, cara, olu):
    RoleAssignmentFactory(contributor=cara, project=project)
    RoleAssignmentFactory(contributor=olu, project=project)
    return project


def _actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# --- Ground rules ------------------------------------------------------------------------------


def test_each_change_to_the_rules_is_a_new_version_and_asks_everyone_again(fatima, team, cara):
    v1 = services.set_ground_rules(actor=fatima, project=team, text="We listen.")
    services.agree_ground_rules(actor=cara, rules=v1)
    v2 = services.set_ground_rules(
        actor=fatima, project=team, text="We listen.\nWe take breaks.", change_note="Breaks"
    )
    assert (v1.version, v2.version) == (1, 2)
    assert selectors.current_rules(team) == v2
    assert GroundRulesAgreement.objects.filter(rules=v2).count() == 0  # cara agreed v1 only
    v1.refresh_from_db()
    assert v1.text == "We listen."  # the old version is kept as it was
    assert _actions() == [
        "coproduction.ground_rules_set",
        "coproduction.ground_rules_agreed",
        "coproduction.ground_rules_set",
    ]


def test_the_same_text_again_is_not_a_new_version(fatima, team):
    services.set_ground_rules(actor=fatima, project=team, text="We listen.")
    with pytest.raises(services.CoproductionError):
        services.set_ground_rules(actor=fatima, project=team, text=" We listen. ")
    assert GroundRules.objects.count() == 1


def test_contributors_and_other_coordinators_cannot_write_rules(team, cara, other_coordinator):
    for person in (cara, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.set_ground_rules(actor=person, project=team, text="Mine.")
    assert GroundRules.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_contributor_agrees_once_in_the_portal(fatima, team, cara):
    rules = services.set_ground_rules(actor=fatima, project=team, text="We listen.")
    agreement = services.agree_ground_rules(actor=cara, rules=rules)
    assert (agreement.person, agreement.method, agreement.recorded_by) == (cara, AgreementMethod.PORTAL, None)
    with pytest.raises(services.CoproductionError, match="already agreed"):
        services.agree_ground_rules(actor=cara, rules=rules)
    assert GroundRulesAgreement.objects.count() == 1


def test_a_coordinator_records_an_offline_persons_agreement_as_such(fatima, team):
    dennis = UserFactory(email=None, name="Dennis Morris", contributor=True)
    RoleAssignmentFactory(contributor=dennis, project=team)
    rules = services.set_ground_rules(actor=fatima, project=team, text="We listen.")
    agreement = services.agree_ground_rules(actor=fatima, rules=rules, person=dennis)
    assert agreement.method == AgreementMethod.THROUGH_COORDINATOR
    assert agreement.recorded_by == fatima
    event = AuditEvent.objects.get(action="coproduction.ground_rules_agreed")
    assert event.actor == fatima
    assert event.data["person"] == str(dennis.public_id)


def test_a_contributor_cannot_agree_for_someone_else(fatima, team, cara, olu):
    rules = services.set_ground_rules(actor=fatima, project=team, text="We listen.")
    with pytest.raises(PermissionDenied):
        services.agree_ground_rules(actor=cara, rules=rules, person=olu)
    assert not GroundRulesAgreement.objects.exists()


def test_people_without_a_current_role_cannot_agree(fatima, project, olu):
    RoleAssignmentFactory(
        contributor=olu,
        project=project,
        starts_on=timezone.localdate() - timedelta(days=90),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    rules = services.set_ground_rules(actor=fatima, project=project, text="We listen.")
    with pytest.raises(PermissionDenied):
        services.agree_ground_rules(actor=olu, rules=rules)
    with pytest.raises(services.CoproductionError):
        services.agree_ground_rules(actor=fatima, rules=rules, person=olu)


def test_an_old_version_cannot_be_agreed(fatima, team, cara):
    v1 = services.set_ground_rules(actor=fatima, project=team, text="We listen.")
    services.set_ground_rules(actor=fatima, project=team, text="We listen and take breaks.")
    with pytest.raises(services.CoproductionError, match="changed since"):
        services.agree_ground_rules(actor=cara, rules=v1)


# --- Decisions ---------------------------------------------------------------------------------


def _decision(**extra):
    return {
        "title": "Days out of the house is a main outcome",
        "decided_on": timezone.localdate(),
        "stage": "design",
        "options": "Keep physical recovery only, or add days out.",
        "method": "consensus",
        "views_changed_it": "yes",
        "how_views_changed_it": "Contributors said it mattered most.",
        **extra,
    }


def test_a_decision_records_who_took_part_and_links_to_impact_and_feedback(fatima, team, cara, olu):
    entry = ImpactEntryFactory(project=team)
    item = FeedbackItemFactory(feedback__activity__project=team)
    decision = services.log_decision(
        actor=fatima,
        project=team,
        participants=[cara, olu, fatima],
        impact_entries=[entry],
        feedback_items=[item],
        **_decision(),
    )
    decision.refresh_from_db()
    assert set(decision.participants.all()) == {cara, olu, fatima}
    assert list(decision.impact_entries.all()) == [entry]
    assert list(decision.feedback_items.all()) == [item]
    event = AuditEvent.objects.get(action="coproduction.decision_logged")
    assert event.data == {"participants": 3, "impact_entries": [str(entry.public_id)]}


def test_a_decision_cannot_link_another_projects_impact_entry(fatima, team):
    other = ImpactEntryFactory(project=ProjectFactory())
    with pytest.raises(services.CoproductionError):
        services.log_decision(actor=fatima, project=team, impact_entries=[other], **_decision())
    assert not Decision.objects.exists()


def test_only_the_projects_coordinators_and_managers_log_decisions(team, cara, other_coordinator, morgan):
    for person in (cara, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.log_decision(actor=person, project=team, **_decision())
    services.log_decision(actor=morgan, project=team, **_decision())
    assert Decision.objects.count() == 1


def test_decisions_in_the_report_are_those_contributors_took_part_in(fatima, team, cara):
    with_them = services.log_decision(actor=fatima, project=team, participants=[cara, fatima], **_decision())
    services.log_decision(actor=fatima, project=team, participants=[fatima], **_decision(title="Staff only"))
    far = timezone.localdate() + timedelta(days=1)
    assert list(selectors.decisions_with_contributors([team], far - timedelta(days=30), far)) == [with_them]


def test_correcting_a_decision_audits_what_changed(fatima, team, cara, olu):
    decision = services.log_decision(actor=fatima, project=team, participants=[cara, fatima], **_decision())
    services.update_decision(
        actor=fatima,
        decision=decision,
        participants=[cara, olu, fatima],
        **_decision(views_changed_it="partly"),
    )
    decision.refresh_from_db()
    assert decision.views_changed_it == "partly"
    assert set(decision.participants.all()) == {cara, olu, fatima}
    event = AuditEvent.objects.get(action="coproduction.decision_updated")
    assert event.data == {"fields": ["views_changed_it", "participants"]}
    with pytest.raises(PermissionDenied):
        services.update_decision(actor=cara, decision=decision, **_decision(title="Mine"))
    decision.refresh_from_db()
    assert decision.title == "Days out of the house is a main outcome"


# --- Reflections -------------------------------------------------------------------------------


def test_a_contributor_writes_a_reflection_and_its_words_stay_out_of_the_audit(team, cara):
    reflection = services.write_reflection(
        actor=cara, project=team, stage="design", visibility="report", power="We changed the main outcome."
    )
    assert reflection.author == cara
    event = AuditEvent.objects.get(action="coproduction.reflection_written")
    assert "main outcome" not in str(event.data)


def test_a_reflection_needs_an_answer_and_a_team_member(team, cara, olu, other_coordinator):
    with pytest.raises(services.CoproductionError):
        services.write_reflection(actor=cara, project=team, stage="design", visibility="team")
    project = ProjectFactory()
    for person in (olu, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.write_reflection(
                actor=person, project=project, stage="design", visibility="team", voice="x"
            )
    assert not Reflection.objects.exists()


def test_who_reads_a_reflection(team, cara, olu, fatima):
    private = CoproductionReflectionFactory(project=team, author=cara, visibility="private")
    shared = CoproductionReflectionFactory(project=team, author=cara, visibility="team")
    report = CoproductionReflectionFactory(project=team, author=cara, visibility="report")
    assert set(selectors.reflections_visible_to(cara, team)) == {private, shared, report}
    assert set(selectors.reflections_visible_to(olu, team)) == {shared, report}
    assert set(selectors.reflections_visible_to(fatima, team)) == {shared, report}
    today = timezone.localdate()
    assert list(selectors.shareable_reflections([team], today, today)) == [report]


def test_an_erased_persons_reflections_leave_the_report(team, cara):
    CoproductionReflectionFactory(project=team, author=cara, visibility="report")
    cara.is_active = False
    cara.save()
    today = timezone.localdate()
    assert not selectors.shareable_reflections([team], today, today).exists()
    assert not selectors.reflections_visible_to(team.lead, team).exists()


def test_the_author_alone_takes_a_reflection_back_out_of_the_reports(team, cara, fatima):
    reflection = CoproductionReflectionFactory(project=team, author=cara, visibility="report")
    with pytest.raises(PermissionDenied):
        services.change_reflection_visibility(actor=fatima, reflection=reflection, visibility="private")
    services.change_reflection_visibility(actor=cara, reflection=reflection, visibility="private")
    reflection.refresh_from_db()
    assert reflection.visibility == "private"
    today = timezone.localdate()
    assert not selectors.shareable_reflections([team], today, today).exists()
    event = AuditEvent.objects.get(action="coproduction.reflection_visibility_changed")
    assert event.data == {"old": "report", "new": "private"}


# --- Involvement levels ------------------------------------------------------------------------


def test_people_at_each_level_by_stage(project, cara, olu):
    RoleAssignmentFactory(contributor=cara, project=project, involvement_level="partner")
    RoleAssignmentFactory(contributor=olu, project=project, involvement_level="listener")
    RoleAssignmentFactory(project=project, involvement_level="partner")
    RoleAssignmentFactory(
        project=project,
        involvement_level="decision_maker",
        starts_on=timezone.localdate() - timedelta(days=60),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    (row,) = selectors.level_counts([project])
    assert row["stage"] == project.get_stage_display()
    assert {lv["label"]: lv["n"] for lv in row["levels"]} == {
        "Listener": 1,
        "Co-thinker": 0,
        "Adviser": 0,
        "Partner": 2,
        "Decision-maker": 0,  # that role has ended
        "Not agreed yet": 0,
    }


# --- Learning ----------------------------------------------------------------------------------


def test_a_contributor_records_their_own_learning(cara):
    course = CourseFactory()
    record = services.record_learning(
        actor=cara, person=cara, course=course, completed_on=timezone.localdate(), evidence="Cert 123"
    )
    assert (record.source, record.recorded_by) == (LearningSource.SELF_REPORTED, cara)
    assert AuditEvent.objects.filter(action="coproduction.learning_recorded", actor=cara).exists()


def test_a_coordinator_records_learning_for_someone_and_a_contributor_cannot(fatima, project, cara, olu):
    RoleAssignmentFactory(contributor=cara, project=project)  # in Fatima's scope
    course = CourseFactory()
    record = services.record_learning(
        actor=fatima, person=cara, course=course, completed_on=timezone.localdate()
    )
    assert record.source == LearningSource.COORDINATOR
    with pytest.raises(PermissionDenied):
        services.record_learning(actor=olu, person=cara, course=course, completed_on=timezone.localdate())
    assert LearningRecord.objects.count() == 1


def test_learning_is_in_the_persons_data_download(cara):
    from contributors.data_export import export_for

    ContributorFactory(user=cara)
    services.record_learning(
        actor=cara, person=cara, course=CourseFactory(title="Interviewing"), completed_on=timezone.localdate()
    )
    data = export_for(cara)
    section = data["learning_checks_and_coproduction"]
    assert [r["course"] for r in section["learning"]] == ["Interviewing"]


# --- Checks ------------------------------------------------------------------------------------


def test_a_coordinator_cannot_record_for_someone_outside_their_scope(other_coordinator, project, cara):
    RoleAssignmentFactory(contributor=cara, project=project)  # Fatima's project, not Sam's
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.record_check(
            actor=other_coordinator,
            person=cara,
            check_kind="dbs_enhanced",
            checked_on=today,
            expires_on=today + timedelta(days=30),
        )
    with pytest.raises(PermissionDenied):
        services.record_learning(
            actor=other_coordinator, person=cara, course=CourseFactory(), completed_on=today
        )
    assert not CheckRecord.objects.exists()
    assert not LearningRecord.objects.exists()


def test_a_coordinator_records_a_check_and_a_contributor_cannot(fatima, project, cara):
    RoleAssignmentFactory(contributor=cara, project=project)
    today = timezone.localdate()
    services.record_check(
        actor=fatima,
        person=cara,
        check_kind="dbs_enhanced",
        checked_on=today,
        expires_on=today + timedelta(days=1095),
    )
    with pytest.raises(PermissionDenied):
        services.record_check(
            actor=cara,
            person=cara,
            check_kind="dbs_enhanced",
            checked_on=today,
            expires_on=today + timedelta(days=1),
        )
    with pytest.raises(services.CoproductionError):
        services.record_check(
            actor=fatima, person=cara, check_kind="dbs_enhanced", checked_on=today, expires_on=today
        )
    assert CheckRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="coproduction.check_recorded").count() == 1


def test_unmet_requirements_name_the_missing_checks(fatima, project, cara):
    services.add_requirement(
        actor=fatima, project=project, role_type="co_researcher", check_kind="dbs_enhanced"
    )
    services.add_requirement(
        actor=fatima, project=project, role_type="co_researcher", check_kind="safeguarding"
    )
    CheckRecordFactory(person=cara, check_kind="safeguarding")
    CheckRecordFactory(
        person=cara,
        check_kind="dbs_enhanced",
        checked_on=timezone.localdate() - timedelta(days=1200),
        expires_on=timezone.localdate() - timedelta(days=5),
    )
    assert selectors.unmet_requirements(people=[cara], project=project, role_type="co_researcher") == {
        cara.pk: ["Enhanced DBS check"]
    }
    assert selectors.unmet_requirements(people=[cara], project=project, role_type="advisory_group") == {}


def test_learning_is_on_the_certificate_only_if_the_person_wishes(cara):
    from impact.selectors import certificate_details

    services.record_learning(
        actor=cara,
        person=cara,
        course=CourseFactory(title="Interviewing", provider="NIHR Learn"),
        completed_on=timezone.localdate(),
        on_certificate=True,
    )
    services.record_learning(
        actor=cara,
        person=cara,
        course=CourseFactory(title="Private course"),
        completed_on=timezone.localdate(),
    )
    (section,) = certificate_details(contributor=cara)["extra_sections"]
    assert section["title"] == "Learning and development"
    assert [what for what, _when in section["rows"]] == ["Interviewing (NIHR Learn)"]


def test_no_learning_section_when_nothing_is_chosen(cara):
    from impact.selectors import certificate_details

    assert certificate_details(contributor=cara)["extra_sections"] == []


def test_attending_a_courses_training_session_records_the_learning_once(fatima, project, cara):
    from portal.services import set_participation_status
    from tests.factories import ActivityFactory, ParticipationFactory

    course = CourseFactory(title="Interviewing skills")
    training = ActivityFactory(project=project, kind="training", starts_at=timezone.now() - timedelta(days=2))
    services.link_course_to_activity(actor=fatima, activity=training, course=course)
    participation = ParticipationFactory(activity=training, contributor=cara, status="confirmed")
    set_participation_status(actor=fatima, participation=participation, status="attended")
    set_participation_status(actor=fatima, participation=participation, status="did_not_attend")
    assert not LearningRecord.objects.exists()  # a correction takes it back
    assert AuditEvent.objects.filter(action="coproduction.learning_withdrawn").count() == 1
    set_participation_status(actor=fatima, participation=participation, status="attended")
    record = LearningRecord.objects.get()
    assert (record.person, record.course, record.activity) == (cara, course, training)
    assert (record.source, record.recorded_by, record.completed_on) == (
        LearningSource.COORDINATOR,
        fatima,
        training.occurs_on,
    )


def test_only_a_training_activity_can_be_a_course_session(fatima, project, cara):
    from tests.factories import ActivityFactory

    meeting = ActivityFactory(project=project, kind="meeting")
    with pytest.raises(services.CoproductionError):
        services.link_course_to_activity(actor=fatima, activity=meeting, course=CourseFactory())
    with pytest.raises(PermissionDenied):
        services.link_course_to_activity(
            actor=cara, activity=ActivityFactory(project=project, kind="training"), course=CourseFactory()
        )
