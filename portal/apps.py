from django.apps import AppConfig
from django.db.models.signals import post_migrate

_COORDINATE = [
    "add_project",
    "change_project",
    "view_project",
    "add_activity",
    "change_activity",
    "view_activity",
    "add_participation",
    "change_participation",
    "view_participation",
]


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"
    role_permissions = {
        "Coordinator": _COORDINATE,
        "Manager": [*_COORDINATE, "view_organisation", "grant_roles"],
    }

    def ready(self):
        from . import dashboard
        from .models import Role
        from .roles import sync_roles

        # Sent after every app's migrate, so each app's permissions exist by the last call.
        post_migrate.connect(sync_roles, dispatch_uid="portal.sync_roles")
        dashboard.register_nav(label="Home", url_name="portal:home", roles=tuple(Role.values), order=0)
        dashboard.register_nav(
            label="Projects",
            url_name="portal:project_list",
            roles=(Role.COORDINATOR, Role.MANAGER, Role.CONTRIBUTOR),
            order=10,
        )
