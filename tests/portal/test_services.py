from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from portal import services
from portal.models import AuditEvent, ParticipationStatus, Role
from portal.signals import participation_changed
from tests.factories import ActivityFactory, ParticipationFactory, UserFactory, opted_in


def test_creating_a_project_makes_the_creator_a_coordinator_and_is_audited(fatima):
    project = services.create_project(
        actor=fatima,
        title="Diabetes at work",
        summary="Insulin at work.",
        stage="design",
        status="active",
        involvement_budget=Decimal("1500.00"),
    )
    assert project.lead == fatima
    assert list(project.coordinators.all()) == [fatima]
    assert AuditEvent.objects.get(action="project.created").target_id == str(project.public_id)


def test_contributor_cannot_create_a_project(cara):
    with pytest.raises(PermissionDenied):
        services.create_project(actor=cara, title="Mine", summary="x", involvement_budget=Decimal(0))


def test_coordinator_cannot_edit_someone_elses_project(project, other_coordinator):
    with pytest.raises(PermissionDenied):
        services.update_project(actor=other_coordinator, project=project, title="Taken over")


def test_adding_someone_twice_to_an_activity_is_refused_with_a_clear_message(project, fatima, cara):
    activity = ActivityFactory(project=project)
    services.add_participant(actor=fatima, activity=activity, contributor=opted_in(cara))
    with pytest.raises(services.ParticipationError, match="already taking part"):
        services.add_participant(actor=fatima, activity=activity, contributor=cara)


def test_only_contributors_can_be_added_to_an_activity(project, fatima, morgan):
    activity = ActivityFactory(project=project)
    with pytest.raises(services.ParticipationError, match="not registered as a contributor"):
        services.add_participant(actor=fatima, activity=activity, contributor=morgan)


def test_marking_attendance_tells_the_apps_once(project, fatima, cara):
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True), contributor=cara
    )
    heard = []

    def listener(sender, participation, old_status, actor, **kwargs):
        heard.append((old_status, participation.status))

    participation_changed.connect(listener)
    try:
        services.set_participation_status(
            actor=fatima, participation=participation, status=ParticipationStatus.ATTENDED
        )
        services.set_participation_status(
            actor=fatima, participation=participation, status=ParticipationStatus.ATTENDED
        )
    finally:
        participation_changed.disconnect(listener)
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.ATTENDED
    assert heard == [("invited", "attended")]
    assert AuditEvent.objects.filter(action="participation.status").count() == 1


def test_a_participation_cannot_jump_back_from_attended_to_invited(project, fatima, cara):
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project), contributor=cara, status=ParticipationStatus.ATTENDED
    )
    with pytest.raises(services.ParticipationError):
        services.set_participation_status(
            actor=fatima, participation=participation, status=ParticipationStatus.INVITED
        )


def test_one_person_can_hold_several_roles(db):
    person = UserFactory(contributor=True)
    services.grant_role(actor=None, user=person, role=Role.COORDINATOR)
    person.refresh_from_db()
    assert (person.is_contributor, person.is_coordinator, person.is_manager) == (True, True, False)


def test_model_update_saves_only_what_changed_and_says_what(db, project):
    from portal.services import model_update

    stamp = project.updated_at
    assert model_update(project, fields=("title",), title=project.title, summary="ignored") == []
    assert model_update(project, title="A new title") == ["title"]
    project.refresh_from_db()
    assert (project.title, project.summary != "ignored") == ("A new title", True)
    assert project.updated_at > stamp
