"""Who may do what to the spine's objects. Views use these to show buttons; services enforce them."""

from .models import Activity, Participation, Project, User


def can_create_project(user: User) -> bool:
    return user.is_authenticated and user.has_perm("portal.add_project")


def can_manage_project(user: User, project: Project) -> bool:
    """Edit it, add activities and participants: its lead or coordinators, or a manager."""
    if not (user.is_authenticated and user.has_perm("portal.change_project")):
        return False
    return can_view_organisation(user) or project.is_coordinated_by(user)


def can_manage_activity(user: User, activity: Activity) -> bool:
    return can_manage_project(user, activity.project)


def can_record_attendance(user: User, participation: Participation) -> bool:
    return can_manage_activity(user, participation.activity)


def can_view_organisation(user: User) -> bool:
    return user.is_authenticated and user.has_perm("portal.view_organisation")


def can_grant_roles(user: User) -> bool:
    return user.is_authenticated and user.has_perm("portal.grant_roles")
