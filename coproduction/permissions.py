"""Who may read and write a project's co-production log, learning records and checks.

The team of a project is its coordinators (and managers, who oversee every project) plus the
contributors who hold a role on it. Views use these to show buttons; services enforce them.
"""

from contributors.models import RoleAssignment
from portal.models import Project, User
from portal.people import people_visible_to
from portal.permissions import can_manage_project


def holds_role(user: User, project: Project, *, current: bool = False) -> bool:
    roles = RoleAssignment.objects.filter(project=project, contributor=user)
    return user.is_authenticated and user.is_contributor and (roles.current() if current else roles).exists()


def can_view_log(user: User, project: Project) -> bool:
    """Everyone on the team, including people whose role has ended."""
    return can_manage_project(user, project) or holds_role(user, project)


def can_keep_log(user: User, project: Project) -> bool:
    """Write ground rules and key decisions, record an offline person's agreement."""
    return can_manage_project(user, project)


def can_take_part(user: User, project: Project) -> bool:
    """Agree the ground rules and write reflections: the team as it is now."""
    return can_manage_project(user, project) or holds_role(user, project, current=True)


def can_manage_catalogue(user: User) -> bool:
    return user.is_authenticated and user.has_perm("coproduction.add_course")


def can_record_for_others(user: User) -> bool:
    """Coordinators and managers record learning and checks for people."""
    return user.is_authenticated and user.has_perm("coproduction.add_checkrecord")


def can_record_for(user: User, person: User) -> bool:
    """Record learning or a check for this person: a coordinator or manager, for someone in
    their scope (portal.people)."""
    return can_record_for_others(user) and people_visible_to(user).filter(pk=person.pk).exists()
