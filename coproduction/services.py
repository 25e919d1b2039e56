"""Every write to the co-production log, learning records and checks: permission checked,
row locked where one changes, audited."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from contributors.models import RoleType
from portal.errors import PortalError
from portal.models import Activity, ActivityKind, ParticipationStatus, Project, ProjectStage, User
from portal.permissions import can_manage_activity
from portal.services import record_audit

from . import permissions
from .models import (
    AgreementMethod,
    CheckKind,
    CheckRecord,
    Course,
    Decision,
    DecisionMethod,
    GroundRules,
    GroundRulesAgreement,
    LearningRecord,
    LearningSource,
    Reflection,
    RoleRequirement,
    ViewsChangedIt,
    Visibility,
)
from .selectors import current_rules


class CoproductionError(PortalError):
    """A rule of the log was broken. The message is safe to show to the user."""


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


# --- Ground rules ------------------------------------------------------------------------------


@transaction.atomic
def set_ground_rules(*, actor: User, project: Project, text: str, change_note: str = "") -> GroundRules:
    """A new version of the rules; the team agrees this version afresh."""
    project = _lock_project(project)  # two coordinators saving at once get versions n and n+1
    if not permissions.can_keep_log(actor, project):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise CoproductionError("Write the ground rules.")
    latest = current_rules(project)
    if latest is not None and latest.text.strip() == text:
        raise CoproductionError(
            "These are the ground rules already agreed. Change the text to make a new version."
        )
    version = (GroundRules.objects.filter(project=project).aggregate(v=Max("version"))["v"] or 0) + 1
    rules = GroundRules.objects.create(
        project=project, version=version, text=text, change_note=change_note.strip(), written_by=actor
    )
    record_audit(actor=actor, action="coproduction.ground_rules_set", target=project, version=version)
    return rules


@transaction.atomic
def agree_ground_rules(
    *, actor: User, rules: GroundRules, person: User | None = None
) -> GroundRulesAgreement:
    """`actor` agrees the rules, or (a coordinator) records that an offline `person` did."""
    person = person or actor
    if not permissions.can_take_part(actor, rules.project):
        raise PermissionDenied
    on_behalf = person.pk != actor.pk
    if on_behalf and not permissions.can_keep_log(actor, rules.project):
        raise PermissionDenied
    if on_behalf and not permissions.holds_role(person, rules.project, current=True):
        raise CoproductionError(f"{person} does not hold a role on this project.")
    if current_rules(rules.project).pk != rules.pk:
        raise CoproductionError("These ground rules have been changed since. Read the new version.")
    try:
        with transaction.atomic():
            agreement = GroundRulesAgreement.objects.create(
                rules=rules,
                person=person,
                method=AgreementMethod.THROUGH_COORDINATOR if on_behalf else AgreementMethod.PORTAL,
                recorded_by=actor if on_behalf else None,
            )
    except IntegrityError:
        raise CoproductionError(f"{person} has already agreed version {rules.version}.") from None
    record_audit(
        actor=actor,
        action="coproduction.ground_rules_agreed",
        target=rules.project,
        version=rules.version,
        person=str(person.public_id),
        method=agreement.method,
    )
    return agreement


# --- Key decisions -----------------------------------------------------------------------------

DECISION_FIELDS = (
    "title",
    "decided_on",
    "stage",
    "options",
    "method",
    "views_changed_it",
    "how_views_changed_it",
)


def _check_decision(project: Project, fields: dict, impact_entries, feedback_items) -> None:
    if fields.get("method") not in DecisionMethod.values:
        raise CoproductionError("Say how it was decided.")
    if fields.get("views_changed_it") not in ViewsChangedIt.values:
        raise CoproductionError("Say whether contributors' views changed the decision.")
    if fields.get("stage") not in ProjectStage.values:
        raise CoproductionError("Choose the research stage.")
    # Links only to this project's own records, whatever a tampered form sends.
    if any(e.project_id != project.pk for e in impact_entries):
        raise CoproductionError("An impact entry you chose belongs to another project.")
    if any(i.feedback.activity.project_id != project.pk for i in feedback_items):
        raise CoproductionError("A feedback item you chose belongs to another project.")


@transaction.atomic
def log_decision(
    *,
    actor: User,
    project: Project,
    participants=(),
    impact_entries=(),
    feedback_items=(),
    **fields,
) -> Decision:
    if not permissions.can_keep_log(actor, project):
        raise PermissionDenied
    _check_decision(project, fields, impact_entries, feedback_items)
    decision = Decision.objects.create(
        project=project, recorded_by=actor, **{k: v for k, v in fields.items() if k in DECISION_FIELDS}
    )
    decision.participants.set(participants)
    decision.impact_entries.set(impact_entries)
    decision.feedback_items.set(feedback_items)
    record_audit(
        actor=actor,
        action="coproduction.decision_logged",
        target=decision,
        participants=len(participants),
        impact_entries=[str(e.public_id) for e in impact_entries],
    )
    return decision


@transaction.atomic
def update_decision(
    *, actor: User, decision: Decision, participants=(), impact_entries=(), feedback_items=(), **fields
) -> Decision:
    """Correct a logged decision; the audit row names what changed."""
    decision = Decision.objects.select_for_update().select_related("project").get(pk=decision.pk)
    if not permissions.can_keep_log(actor, decision.project):
        raise PermissionDenied
    _check_decision(decision.project, fields, impact_entries, feedback_items)
    changed = [k for k in DECISION_FIELDS if k in fields and getattr(decision, k) != fields[k]]
    for name in changed:
        setattr(decision, name, fields[name])
    decision.save()
    for name, chosen in (
        ("participants", participants),
        ("impact_entries", impact_entries),
        ("feedback_items", feedback_items),
    ):
        related = getattr(decision, name)
        if set(related.values_list("pk", flat=True)) != {o.pk for o in chosen}:
            related.set(chosen)
            changed.append(name)
    record_audit(actor=actor, action="coproduction.decision_updated", target=decision, fields=changed)
    return decision


# --- Reflections -------------------------------------------------------------------------------


@transaction.atomic
def write_reflection(*, actor: User, project: Project, stage: str, visibility: str, **answers) -> Reflection:
    if not permissions.can_take_part(actor, project):
        raise PermissionDenied
    if visibility not in Visibility.values:
        raise CoproductionError("Choose who can read it.")
    fields = {k: (answers.get(k) or "").strip() for k in ("power", "voice", "working", "not_working")}
    if not any(fields.values()):
        raise CoproductionError("Answer at least one of the questions.")
    reflection = Reflection.objects.create(
        project=project, author=actor, stage=stage, visibility=visibility, **fields
    )
    # The words stay out of the audit trail: a private reflection is private.
    record_audit(actor=actor, action="coproduction.reflection_written", target=project, visibility=visibility)
    return reflection


@transaction.atomic
def change_reflection_visibility(*, actor: User, reflection: Reflection, visibility: str) -> Reflection:
    """Only the author decides who reads their words, and can take back a report's quote."""
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if reflection.author_id != actor.pk:
        raise PermissionDenied
    if visibility not in Visibility.values:
        raise CoproductionError("Choose who can read it.")
    old = reflection.visibility
    reflection.visibility = visibility
    reflection.save(update_fields=["visibility", "updated_at"])
    record_audit(
        actor=actor,
        action="coproduction.reflection_visibility_changed",
        target=reflection.project,
        old=old,
        new=visibility,
    )
    return reflection


# --- Learning ----------------------------------------------------------------------------------

COURSE_FIELDS = ("title", "provider", "format", "length", "description", "url", "accessible_versions")


@transaction.atomic
def add_course(*, actor: User, **fields) -> Course:
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied
    course = Course.objects.create(added_by=actor, **{k: v for k, v in fields.items() if k in COURSE_FIELDS})
    record_audit(actor=actor, action="coproduction.course_added", target=course)
    return course


@transaction.atomic
def record_learning(
    *,
    actor: User,
    person: User,
    course: Course,
    completed_on: date,
    evidence: str = "",
    on_certificate: bool = False,
) -> LearningRecord:
    """A person tells us what they finished, or a coordinator records it for them."""
    own = person.pk == actor.pk
    if not (own and actor.is_authenticated) and not permissions.can_record_for(actor, person):
        raise PermissionDenied
    if not course.is_active:
        raise CoproductionError("That course is no longer in the catalogue.")
    if completed_on > timezone.localdate():
        raise CoproductionError("The date finished cannot be in the future.")
    record = LearningRecord.objects.create(
        person=person,
        course=course,
        completed_on=completed_on,
        evidence=evidence.strip(),
        on_certificate=on_certificate,
        source=LearningSource.SELF_REPORTED if own else LearningSource.COORDINATOR,
        recorded_by=actor,
    )
    record_audit(
        actor=actor,
        action="coproduction.learning_recorded",
        target=record,
        person=str(person.public_id),
        source=record.source,
    )
    return record


# --- Checks ------------------------------------------------------------------------------------


@transaction.atomic
def record_check(
    *, actor: User, person: User, check_kind: str, checked_on: date, expires_on: date, reference: str = ""
) -> CheckRecord:
    if not permissions.can_record_for(actor, person):
        raise PermissionDenied
    if check_kind not in CheckKind.values:
        raise CoproductionError("Choose the check.")
    if expires_on <= checked_on:
        raise CoproductionError("The expiry date must be after the date of the check.")
    check = CheckRecord.objects.create(
        person=person,
        check_kind=check_kind,
        checked_on=checked_on,
        expires_on=expires_on,
        reference=reference.strip(),
        recorded_by=actor,
    )
    record_audit(
        actor=actor,
        action="coproduction.check_recorded",
        target=check,
        person=str(person.public_id),
        expires_on=expires_on.isoformat(),
    )
    return check


@transaction.atomic
def add_requirement(*, actor: User, project: Project, role_type: str, check_kind: str) -> RoleRequirement:
    if not permissions.can_keep_log(actor, project):
        raise PermissionDenied
    if role_type not in RoleType.values or check_kind not in CheckKind.values:
        raise CoproductionError("Choose a role and a check.")
    requirement, created = RoleRequirement.objects.get_or_create(
        project=project, role_type=role_type, check_kind=check_kind, defaults={"added_by": actor}
    )
    if not created:
        raise CoproductionError("That role already needs that check.")
    record_audit(
        actor=actor,
        action="coproduction.requirement_added",
        target=project,
        role_type=role_type,
        check_kind=check_kind,
    )
    return requirement


@transaction.atomic
def link_course_to_activity(*, actor: User, activity: Activity, course: Course) -> None:
    """This training activity is a session of this course: who attends it has done the course."""
    if not can_manage_activity(actor, activity):
        raise PermissionDenied
    if activity.kind != ActivityKind.TRAINING:
        raise CoproductionError("Only a training activity can be a session of a course.")
    if not course.is_active:
        raise CoproductionError("That course is no longer in the catalogue.")
    course.activities.add(activity)
    record_audit(
        actor=actor, action="coproduction.course_session_linked", target=activity, course=course.title
    )


def on_participation_changed(sender, participation, old_status, actor=None, **kwargs) -> None:
    """portal.signals.participation_changed: attending a course's training session records
    the learning (once), for the person's record, certificate and data download."""
    activity = participation.activity
    recorder = actor if actor is not None and actor.pk else activity.coordinator
    if old_status == ParticipationStatus.ATTENDED and participation.status != ParticipationStatus.ATTENDED:
        # A correction: they did not attend after all, so they did not do the course there.
        withdrawn = LearningRecord.objects.filter(person=participation.contributor, activity=activity)
        for record in withdrawn:
            record_audit(
                actor=recorder,
                action="coproduction.learning_withdrawn",
                target=record,
                person=str(participation.contributor.public_id),
                activity=str(activity.public_id),
            )
        withdrawn.delete()
        return
    if participation.status != ParticipationStatus.ATTENDED or old_status == ParticipationStatus.ATTENDED:
        return
    for course in Course.objects.filter(activities=activity):
        record, created = LearningRecord.objects.get_or_create(
            person=participation.contributor,
            course=course,
            activity=activity,
            defaults={
                "completed_on": activity.occurs_on,
                "source": LearningSource.COORDINATOR,
                "recorded_by": recorder,
            },
        )
        if created:
            record_audit(
                actor=recorder,
                action="coproduction.learning_recorded",
                target=record,
                person=str(participation.contributor.public_id),
                source=record.source,
                activity=str(activity.public_id),
            )
