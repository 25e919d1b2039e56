"""Who may do what with claims and rate cards. Views use these to show buttons; services
enforce them again."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal.models import AuditEvent, User
from portal.people import people_visible_to
from portal.permissions import can_manage_project, can_view_organisation

from .models import EDITABLE, Claim

# Audit actions by which a staff member touched how, or where, a person is paid or reached.
PAYMENT_DETAIL_ACTIONS = (
    "bank_details.change_entered",
    "bank_details.changed",
    "contributor.payment_preferences",
    "contributor.invitation_entered",
    "contributor.invited_to_take_over",
)


def can_view_claim(user: User, claim: Claim) -> bool:
    if not user.is_authenticated:
        return False
    return (
        claim.contributor_id == user.pk
        or claim.entered_by_id == user.pk
        or can_manage_project(user, claim.project)
    )


def is_offline(contributor: User) -> bool:
    """Cannot sign in themselves (User.is_offline), so a coordinator claims for them."""
    return contributor.is_offline


def touched_payment_details(user: User, contributor: User) -> bool:
    """Did `user` change `contributor`'s payment details, or invite them to take over their
    account, within the cooling period (PORTAL_PAYMENT_DETAILS_COOLING_DAYS)?"""
    return contributor.pk != user.pk and contributor.pk in _touched_by(user)


def _touched_by(user: User) -> set[int]:
    """The people whose payment details `user` touched lately: two queries per user object, so
    a page of claims asks once (cached like User.has_role)."""
    if not hasattr(user, "_payment_details_touched"):
        from contributors.models import Contributor

        since = timezone.now() - timedelta(days=settings.PORTAL_PAYMENT_DETAILS_COOLING_DAYS)
        targets = AuditEvent.objects.filter(
            actor=user,
            action__in=PAYMENT_DETAIL_ACTIONS,
            target_type=ContentType.objects.get_for_model(Contributor),
            created_at__gte=since,
        ).values_list("target_id", flat=True)
        user._payment_details_touched = set(
            Contributor.objects.filter(public_id__in=list(targets)).values_list("user_id", flat=True)
        )
    return user._payment_details_touched


def can_claim_for(user: User, contributor: User, project) -> bool:
    """Claim for yourself, or (a coordinator of the project) for a contributor in their scope
    who cannot sign in."""
    if not user.is_authenticated:
        return False
    if contributor.pk == user.pk:
        return user.is_contributor
    return (
        user.is_coordinator
        and project.is_coordinated_by(user)
        and is_offline(contributor)
        and people_visible_to(user).filter(pk=contributor.pk).exists()
    )


def can_view_statement_of(user: User, contributor: User) -> bool:
    """Your own statement; a manager's, or the coordinator who claims for an offline person."""
    if not user.is_authenticated:
        return False
    if user.pk == contributor.pk:
        return user.is_contributor
    if can_view_organisation(user):
        return True
    return user.is_coordinator and Claim.objects.filter(contributor=contributor, entered_by=user).exists()


def can_edit_claim(user: User, claim: Claim) -> bool:
    """Change lines and choices while the claim is a draft or returned."""
    if claim.status not in EDITABLE or not user.is_authenticated:
        return False
    if claim.contributor_id == user.pk:
        return True
    return claim.entered_by_id == user.pk and claim.project.is_coordinated_by(user)


def can_decide_claim(user: User, claim: Claim) -> bool:
    """A coordinator of the claim's project (or a manager); never on a claim that is yours,
    or that you entered for someone else."""
    if not (user.is_authenticated and user.has_perm("payments.decide_claim")):
        return False
    if user.pk in (claim.contributor_id, claim.entered_by_id):
        return False
    if not can_manage_project(user, claim.project):
        return False
    return not touched_payment_details(user, claim.contributor)


def decidable_claim_ids(user: User, claims, *, coordinated: set[int] | None = None) -> set[int]:
    """`can_decide_claim` for a page of claims at once (the queue), with one query for the
    projects the person coordinates instead of one per row (none if the caller has them in
    `coordinated`). `claims` are rows of values ("pk", "contributor_id", "entered_by_id",
    "project_id"), as the queue reads them. Services still check each claim."""
    if not (user.is_authenticated and user.has_perm("payments.decide_claim")):
        return set()
    if can_view_organisation(user):
        projects = None
    elif coordinated is not None:
        projects = coordinated
    else:
        from portal.models import Project

        projects = set(Project.objects.coordinated_by(user).values_list("pk", flat=True))
    candidates = [
        c
        for c in claims
        if user.pk not in (c["contributor_id"], c["entered_by_id"])
        and (projects is None or c["project_id"] in projects)
    ]
    # The audit log only when a row is still in question: a page the person may decide none
    # of (or the queue passing none that could be ticked) asks nothing more.
    touched = _touched_by(user) if candidates else set()
    return {c["pk"] for c in candidates if c["contributor_id"] not in touched}


def can_pay_claims(user: User) -> bool:
    return user.is_authenticated and user.has_perm("payments.pay_claim")


def can_export_finance(user: User) -> bool:
    return user.is_authenticated and user.has_perm("payments.export_finance")


def can_manage_ratecards(user: User) -> bool:
    return user.is_authenticated and user.has_perm("payments.manage_ratecard")


def can_manage_benefit_rules(user: User) -> bool:
    return user.is_authenticated and user.has_perm("payments.manage_benefitrule")


def can_view_queue(user: User) -> bool:
    return user.is_authenticated and user.has_perm("payments.decide_claim")


def can_view_budget(user: User, project) -> bool:
    return can_manage_project(user, project)
