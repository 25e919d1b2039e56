"""What partners adds to the portal: navigation, a project panel with the partners and their reach,
a link on the contributor's home page to say who introduced them, and a link on the paying page.

Kept to what costs no query on pages everyone opens (the home pages, the navigation)."""


def _project_panel(request, project):
    from . import permissions, selectors

    user = request.user
    if not (permissions.can_view_partners(user) and (user.is_manager or project.is_coordinated_by(user))):
        return None
    partners = selectors.partners_for_project(project)
    return {
        "project": project,
        "rows": selectors.reach_by_partner(partners=partners, project=project),
        "can_manage": permissions.can_manage_partners(user),
    }


def _contributor_home(request):
    # A plain link, no query: every contributor's home page pays for whatever a panel asks.
    return {}


def data_export_section(user) -> dict:
    """The partner a person said introduced them, for their own data download."""
    from .models import Introduction

    intro = Introduction.objects.filter(user=user).select_related("partner").first()
    return {
        "introduced_by": intro.partner.name if intro else None,
        "agreed_to_count_it": intro.consented_at.isoformat() if intro else None,
    }


def _can_pay(user) -> bool:
    from . import permissions

    return permissions.can_pay_claims(user)


def register() -> None:
    from portal import dashboard
    from portal.models import Role

    dashboard.register_panel(
        role="project", template="partners/panels/project.html", context=_project_panel, order=45
    )
    dashboard.register_panel(
        role=Role.CONTRIBUTOR,
        template="partners/panels/home_contributor.html",
        context=_contributor_home,
        order=90,
    )
    dashboard.register_nav(
        label="Partners",
        url_name="partners:partner_list",
        roles=(Role.COORDINATOR, Role.MANAGER),
        order=70,
        match_prefix="/partners/",
    )
    dashboard.register_nav(
        label="Self-assessment",
        url_name="partners:assessment_list",
        roles=(Role.MANAGER,),
        order=75,
    )
    # Organisations' invoices are paid from the same paying page as contributors' claims.
    dashboard.register_link(
        slot="paying",
        label="Pay community partners' approved invoices",
        url_name="partners:paying",
        visible=_can_pay,
    )
    from contributors.data_export import register_section

    register_section(
        "community_partner",
        data_export_section,
        title="Community partner",
        about="The community partner you said introduced you, and when you agreed that they may count it.",
    )
