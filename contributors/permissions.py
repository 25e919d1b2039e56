"""Who may do what with contributors' profiles, roles, opportunities and personal data."""

from portal.models import Project, User
from portal.permissions import can_manage_project, can_view_organisation

from .models import (
    BankDetailsChange,
    ContactTask,
    Contributor,
    ErasureRequest,
    Opportunity,
    RoleAssignment,
    TakeOverInvitation,
)


def can_reach(user: User, contributor: Contributor) -> bool:
    """Within the user's people scope (portal.people): outside it, views answer 404."""
    return user.is_authenticated and Contributor.objects.visible_to(user).filter(pk=contributor.pk).exists()


def can_act_for(user: User, contributor: Contributor) -> bool:
    """Coordinators act for people in their scope who cannot sign in themselves."""
    return (
        user.is_authenticated
        and user.has_perm("contributors.change_contributor")
        and contributor.erased_at is None
        and contributor.is_offline
        and can_reach(user, contributor)
    )


def can_edit_profile(user: User, contributor: Contributor) -> bool:
    """The person themself, or a coordinator acting for someone offline."""
    if not user.is_authenticated or contributor.erased_at is not None:
        return False
    return contributor.user_id == user.pk or can_act_for(user, contributor)


def can_view_people(user: User) -> bool:
    """The list of people and their profiles: coordinators and managers."""
    return user.is_authenticated and user.has_perm("contributors.view_contributor")


def can_view_contact_tasks(user: User) -> bool:
    return user.is_authenticated and user.has_perm("contributors.view_contacttask")


def can_complete_contact_task(user: User) -> bool:
    return user.is_authenticated and user.has_perm("contributors.change_contacttask")


def can_view_erasure_requests(user: User) -> bool:
    return user.is_authenticated and user.has_perm("contributors.decide_erasure")


def can_confirm_bank_change(user: User, change: BankDetailsChange) -> bool:
    """The second person: the contributor themself, or staff who may act for them and did not
    enter the change."""
    if not user.is_authenticated or change.entered_by_id == user.pk:
        return False
    if change.contributor.user_id == user.pk:
        return True
    return user.is_staff_role and can_act_for(user, change.contributor)


def can_confirm_invitation(user: User, invitation: TakeOverInvitation) -> bool:
    """A staff member other than the one who typed the address."""
    return (
        user.is_authenticated
        and invitation.invited_by_id != user.pk
        and can_act_for(user, invitation.contributor)
    )


def can_close_contact_task(user: User, task: ContactTask) -> bool:
    """Staff who may reach the person; never whoever made the change the task is about."""
    return (
        user.is_authenticated
        and user.has_perm("contributors.change_contacttask")
        and task.raised_by_id != user.pk
        and can_reach(user, task.contributor)
    )


def can_register_offline(user: User) -> bool:
    return user.is_authenticated and user.has_perm("contributors.add_contributor")


def can_search_directory(user: User) -> bool:
    return can_view_people(user)


def can_manage_roles(user: User, project: Project) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("contributors.add_roleassignment")
        and can_manage_project(user, project)
    )


def can_change_role(user: User, assignment: RoleAssignment) -> bool:
    return can_manage_roles(user, assignment.project)


def can_accept_role(user: User, assignment: RoleAssignment) -> bool:
    """Only the person in the role accepts its agreement: nobody accepts for them."""
    return user.is_authenticated and assignment.contributor_id == user.pk


def can_view_role_register(user: User) -> bool:
    return can_view_organisation(user) and user.has_perm("contributors.view_roleassignment")


def can_publish_opportunity(user: User, project: Project) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("contributors.add_opportunity")
        and can_manage_project(user, project)
    )


def can_manage_opportunity(user: User, opportunity: Opportunity) -> bool:
    return user.is_authenticated and (
        user.has_perm("contributors.change_opportunity") and can_manage_project(user, opportunity.project)
    )


def can_approve_opportunity(user: User, opportunity: Opportunity | None = None) -> bool:
    return user.is_authenticated and user.has_perm("contributors.approve_opportunity")


def can_express_interest(user: User, opportunity: Opportunity, contributor: User) -> bool:
    """For yourself as a contributor, or for an offline person you can act for."""
    if not user.is_authenticated or not opportunity.is_live:
        return False
    if contributor.pk == user.pk:
        return user.is_contributor
    profile = Contributor.objects.profile_of(contributor)
    return profile is not None and can_act_for(user, profile)


def can_decide_erasure(user: User, request: ErasureRequest) -> bool:
    """A manager, and never about their own erasure."""
    return can_view_erasure_requests(user) and request.user_id != user.pk
