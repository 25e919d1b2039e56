"""Roles: assigning, editing, ending and accepting them."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.models import Project, User
from portal.people import people_visible_to
from portal.services import model_update, record_audit

from .. import permissions
from ..models import RoleAssignment, RoleStatus, RoleType
from ._common import ContributorError
from .reaching import notify

ROLE_FIELDS = (
    "role_type",
    "role_description",
    "involvement_level",
    "starts_on",
    "ends_on",
    "expectations",
    "frequency",
    "payment_offered",
    "feedback_arrangements",
    "feedback_due_days",
)


def _check_role(fields: dict) -> None:
    if fields.get("role_type") == RoleType.OTHER and not fields.get("role_description"):
        raise ContributorError("Describe the role.")
    if fields.get("ends_on") and fields.get("starts_on") and fields["ends_on"] < fields["starts_on"]:
        raise ContributorError("The end date must be on or after the start date.")


@transaction.atomic
def assign_role(*, actor: User, contributor: User, project: Project, **fields) -> RoleAssignment:
    """Give a contributor a role on a project, with its role agreement, and tell them."""
    if not permissions.can_manage_roles(actor, project):
        raise PermissionDenied
    if not contributor.is_contributor:
        raise ContributorError(f"{contributor} is not registered as a contributor.")
    if not people_visible_to(actor).filter(pk=contributor.pk).exists():
        raise PermissionDenied
    _check_role(fields)
    assignment = RoleAssignment.objects.create(
        contributor=contributor,
        project=project,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in ROLE_FIELDS},
    )
    record_audit(
        actor=actor, action="role_assignment.created", target=assignment, role_type=assignment.role_type
    )
    notify(
        user=contributor,
        template="contributors_role_assigned",
        subject=f"Your role on {project.title}",
        body=(
            f"{contributor.name} is now {assignment.role_label} on {project.title} "
            f"from {assignment.starts_on:%-d %B %Y}."
        ),
        context={"assignment": assignment},
    )
    return assignment


@transaction.atomic
def update_role(*, actor: User, assignment: RoleAssignment, **fields) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.can_change_role(actor, assignment):
        raise PermissionDenied
    merged = {k: getattr(assignment, k) for k in ROLE_FIELDS} | fields
    _check_role(merged)
    changed = model_update(assignment, fields=ROLE_FIELDS, save=False, **fields)
    # The contributor agreed to the old terms, not these: they are asked to accept again.
    if changed and assignment.accepted_at is not None:
        assignment.accepted_at = None
    assignment.save()
    record_audit(actor=actor, action="role_assignment.updated", target=assignment, fields=changed)
    return assignment


@transaction.atomic
def accept_role(*, actor: User, assignment: RoleAssignment) -> RoleAssignment:
    """The contributor accepts their role agreement, as it reads now. Accepting twice keeps the
    first date."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.can_accept_role(actor, assignment):
        raise PermissionDenied
    if assignment.accepted_at is not None:
        return assignment
    if assignment.status == RoleStatus.ENDED:
        raise ContributorError("This role has ended, so there is nothing to accept.")
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["accepted_at", "updated_at"])
    record_audit(actor=actor, action="role_assignment.accepted", target=assignment)
    return assignment


@transaction.atomic
def end_role(*, actor: User, assignment: RoleAssignment, ends_on: date) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.can_change_role(actor, assignment):
        raise PermissionDenied
    if ends_on < assignment.starts_on:
        raise ContributorError("The end date must be on or after the start date.")
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on", "updated_at"])
    record_audit(actor=actor, action="role_assignment.ended", target=assignment, ends_on=ends_on.isoformat())
    return assignment
