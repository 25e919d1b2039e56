"""Who may do what with contributors' profiles, roles, opportunities and personal data."""

from portal.models import Project, User
from portal.permissions import can_manage_project, can_view_organisation

from .models import Contributor, ErasureRequest, Opportunity, RoleAssignment


def can_act_for(user: User, contributor: Contributor) -> bool:
    """Coordinators act for people who do not use the portal themselves (no email)."""
    return (
        user.is_authenticated
        and user.has_perm("contributors.change_contributor")
        and not contributor.user.email
        and contributor.erased_at is None
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
    profile = Contributor.objects.filter(user=contributor).first()
    return profile is not None and can_act_for(user, profile)


def can_decide_erasure(user: User, request: ErasureRequest) -> bool:
    """A manager, and never about their own erasure."""
    return can_view_erasure_requests(user) and request.user_id != user.pk
