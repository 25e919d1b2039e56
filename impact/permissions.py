"""Who may do what in the impact app. Views use these to show buttons; services enforce them."""

from portal.models import Project, User
from portal.permissions import can_manage_project, can_view_organisation

from .models import ImpactEntry, ReportKind


def can_log_any_impact(user: User) -> bool:
    """May log impact on some project (the project chooser and the link on feedback items)."""
    return user.is_authenticated and user.has_perm("impact.add_impactentry")


def can_log_impact(user: User, project: Project) -> bool:
    """Add or edit impact entries: the project's coordinators, or a manager."""
    return (
        user.is_authenticated
        and user.has_perm("impact.add_impactentry")
        and can_manage_project(user, project)
    )


def can_change_entry(user: User, entry: ImpactEntry) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("impact.change_impactentry")
        and can_manage_project(user, entry.project)
    )


def can_publish_entry(user: User, entry: ImpactEntry) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("impact.publish_impactentry")
        and can_manage_project(user, entry.project)
    )


def can_reflect_on_entry(user: User, entry: ImpactEntry) -> bool:
    """The contributors the entry names add their own reflection."""
    return user.is_authenticated and entry.people.filter(contributor=user).exists()


def can_check_in(user: User, project: Project) -> bool:
    """Cube check-ins: contributors who have taken part in the project."""
    return (
        user.is_authenticated
        and user.is_contributor
        and project.activities.filter(participations__contributor=user).exists()
    )


def can_view_cube_results(user: User, project: Project) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("impact.view_cubecheckin")
        and can_manage_project(user, project)
    )


def can_request_any_report(user: User) -> bool:
    """The reports page: coordinators and managers."""
    return user.is_authenticated and user.has_perm("impact.request_report")


def can_request_report(user: User, project: Project | None) -> bool:
    """Managers: any project or the organisation. Coordinators: their own projects only."""
    if not can_request_any_report(user):
        return False
    if project is None:
        return can_view_organisation(user)
    return can_manage_project(user, project)


def can_issue_project_certificates(user: User, project: Project) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("impact.issue_certificates")
        and can_manage_project(user, project)
    )


def can_download_certificate(user: User, cert) -> bool:
    """The certificate's owner, a coordinator of its project, or a manager."""
    if cert.contributor_id == user.pk or can_view_organisation(user):
        return True
    return cert.project is not None and can_issue_project_certificates(user, cert.project)


def can_get_own_certificate(user: User) -> bool:
    return user.is_authenticated and user.is_contributor


def can_download_report(user: User, report) -> bool:
    """A made report's files: only the person who asked (others never see it: 404), and only
    while they still may ask for it, so a coordinator who left the project loses its reports
    and its certificate batches."""
    if report.requested_by_id != user.pk:
        return False
    if report.kind == ReportKind.CERTIFICATES:
        return report.project is not None and can_issue_project_certificates(user, report.project)
    return can_request_report(user, report.project)
