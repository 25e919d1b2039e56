"""Opportunities: creating, approving, closing them, and expressions of interest."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.models import Project, User
from portal.services import model_update, record_audit

from .. import permissions
from ..models import (
    Contributor,
    ExpressionOfInterest,
    InterestStatus,
    Opportunity,
    OpportunityStatus,
    RoleAssignment,
)
from ._common import ContributorError
from .reaching import notify
from .roles import assign_role

OPPORTUNITY_FIELDS = (
    "title",
    "role_type",
    "description",
    "time_commitment",
    "time_commitment_detail",
    "payment_offered",
    "closes_on",
    "places",
    "accessibility",
    "who_for",
    "mode",
    "topic",
)


@transaction.atomic
def publish_opportunity(*, actor: User, project: Project, **fields) -> Opportunity:
    """Publish an opportunity; it waits for a manager first when PORTAL_OPPORTUNITY_APPROVAL is on."""
    if not permissions.can_publish_opportunity(actor, project):
        raise PermissionDenied
    if fields["closes_on"] < timezone.localdate():
        raise ContributorError("The closing date must be today or later.")
    needs_approval = settings.PORTAL_OPPORTUNITY_APPROVAL
    opportunity = Opportunity.objects.create(
        project=project,
        created_by=actor,
        status=OpportunityStatus.PENDING if needs_approval else OpportunityStatus.OPEN,
        **{k: v for k, v in fields.items() if k in OPPORTUNITY_FIELDS},
    )
    record_audit(actor=actor, action="opportunity.published", target=opportunity, status=opportunity.status)
    return opportunity


@transaction.atomic
def update_opportunity(*, actor: User, opportunity: Opportunity, **fields) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_manage_opportunity(actor, opportunity):
        raise PermissionDenied
    changed = model_update(opportunity, fields=OPPORTUNITY_FIELDS, **fields)
    record_audit(actor=actor, action="opportunity.updated", target=opportunity, fields=changed)
    return opportunity


@transaction.atomic
def approve_opportunity(*, actor: User, opportunity: Opportunity) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_approve_opportunity(actor, opportunity):
        raise PermissionDenied
    if opportunity.status != OpportunityStatus.PENDING:
        raise ContributorError("This opportunity is not waiting for approval.")
    opportunity.status = OpportunityStatus.OPEN
    opportunity.approved_by, opportunity.approved_at = actor, timezone.now()
    opportunity.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    record_audit(actor=actor, action="opportunity.approved", target=opportunity)
    return opportunity


@transaction.atomic
def close_opportunity(*, actor: User, opportunity: Opportunity) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_manage_opportunity(actor, opportunity):
        raise PermissionDenied
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="opportunity.closed", target=opportunity)
    return opportunity


@transaction.atomic
def express_interest(
    *, actor: User, opportunity: Opportunity, contributor: User, message: str = ""
) -> ExpressionOfInterest:
    """Say you (or an offline person you act for) would like to take up an opportunity."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_express_interest(actor, opportunity, contributor):
        if not opportunity.is_live:
            raise ContributorError("This opportunity has closed.")
        raise PermissionDenied
    interest = ExpressionOfInterest.objects.filter(opportunity=opportunity, contributor=contributor).first()
    if interest is not None and interest.status != InterestStatus.WITHDRAWN:
        raise ContributorError("Interest has already been expressed for this opportunity.")
    if interest is None:
        interest = ExpressionOfInterest(opportunity=opportunity, contributor=contributor)
    interest.message = message
    interest.status = InterestStatus.INTERESTED
    interest.entered_by = actor if actor.pk != contributor.pk else None
    interest.save()
    record_audit(
        actor=actor, action="interest.expressed", target=opportunity, on_behalf=actor.pk != contributor.pk
    )
    return interest


@transaction.atomic
def withdraw_interest(*, actor: User, interest: ExpressionOfInterest) -> ExpressionOfInterest:
    interest = ExpressionOfInterest.objects.select_for_update().get(pk=interest.pk)
    profile = Contributor.objects.profile_of(interest.contributor)
    if interest.contributor_id != actor.pk and not (profile and permissions.can_act_for(actor, profile)):
        raise PermissionDenied
    if interest.status != InterestStatus.INTERESTED:
        raise ContributorError("A decision has already been made.")
    interest.status = InterestStatus.WITHDRAWN
    interest.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="interest.withdrawn", target=interest.opportunity)
    return interest


@transaction.atomic
def select_candidates(
    *,
    actor: User,
    opportunity: Opportunity,
    selected: list[ExpressionOfInterest],
    starts_on: date,
    **role_fields,
) -> list[RoleAssignment]:
    """Choose people: each gets a role assignment; everyone who expressed interest is told the
    outcome; the opportunity closes."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_manage_opportunity(actor, opportunity):
        raise PermissionDenied
    pending = list(
        opportunity.interests.select_for_update()
        .filter(status=InterestStatus.INTERESTED)
        .select_related("contributor")
    )
    chosen_ids = {i.pk for i in selected}
    if not chosen_ids:
        raise ContributorError("Choose at least one person.")
    if not chosen_ids <= {i.pk for i in pending}:
        raise ContributorError("Someone you chose is no longer waiting for a decision.")
    if len(chosen_ids) > opportunity.places:
        raise ContributorError(f"There are only {opportunity.places} places.")
    now = timezone.now()
    role_fields["payment_offered"] = role_fields.get("payment_offered") or opportunity.payment_offered
    assignments = []
    for interest in pending:
        if interest.pk in chosen_ids:
            interest.status = InterestStatus.SELECTED
            assignments.append(
                assign_role(
                    actor=actor,
                    contributor=interest.contributor,
                    project=opportunity.project,
                    role_type=opportunity.role_type,
                    starts_on=starts_on,
                    **role_fields,
                )
            )
        else:
            interest.status = InterestStatus.NOT_SELECTED
            notify(
                user=interest.contributor,
                template="contributors_interest_not_selected",
                subject=f"{opportunity.title}: not this time",
                body=(
                    f"Thank you for your interest in {opportunity.title}. We had more people than "
                    "places and did not choose you this time."
                ),
                context={"opportunity": opportunity},
            )
        interest.decided_at = now
        interest.save(update_fields=["status", "decided_at", "updated_at"])
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="opportunity.selected", target=opportunity, selected=len(assignments))
    return assignments
