"""Who may do what with partners, their invoices and feedback, and self-assessments.

Views use these to show buttons; services enforce them again. Deciding and paying an invoice
are the claims' rules (payments.decide_claim, payments.pay_claim), so one role change moves both.
"""

from payments.permissions import can_export_finance, can_pay_claims
from portal.models import Project, User
from portal.permissions import can_manage_project

from .models import Partner, PartnerInvoice

__all__ = ["can_export_finance", "can_pay_claims"]


def can_manage_partners(user: User) -> bool:
    return user.is_authenticated and user.has_perm("partners.manage_partner")


def can_view_partners(user: User) -> bool:
    return user.is_authenticated and user.has_perm("partners.view_partner")


def can_enter_invoice(user: User, partner: Partner, project: Project) -> bool:
    """Staff who run the project enter an invoice the partner sent, for a project it works on."""
    return (
        user.is_authenticated
        and user.has_perm("partners.add_partnerinvoice")
        and can_manage_project(user, project)
        and partner.links.filter(project=project).exists()
    )


def can_decide_invoice(user: User, invoice: PartnerInvoice) -> bool:
    """Whoever may decide the project's claims; never the person who entered the invoice."""
    if not (user.is_authenticated and user.has_perm("payments.decide_claim")):
        return False
    if user.pk == invoice.submitted_by_id:
        return False
    return can_manage_project(user, invoice.project)


def can_give_partner_feedback(user: User, partner: Partner, project: Project) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("partners.add_partnerfeedback")
        and can_manage_project(user, project)
        and partner.links.filter(project=project).exists()
    )


def can_view_reach_diversity(user: User) -> bool:
    """The organisation-wide comparison: whoever may run the organisation's diversity report."""
    return user.is_authenticated and user.is_manager and user.has_perm("impact.request_report")


def can_manage_assessments(user: User) -> bool:
    return user.is_authenticated and user.has_perm("partners.manage_assessment")


def can_view_assessments(user: User) -> bool:
    return user.is_authenticated and user.has_perm("partners.view_assessment")


def can_enter_invoices(user: User) -> bool:
    """The role, before a project is chosen; `can_enter_invoice` checks the project."""
    return user.is_authenticated and user.has_perm("partners.add_partnerinvoice")


def can_view_organisation_reach(user: User) -> bool:
    """Reach across every partner and project: managers."""
    return user.is_authenticated and user.is_manager and user.has_perm("partners.view_partner")


def can_say_who_introduced_me(user: User) -> bool:
    return user.is_authenticated and user.is_contributor
