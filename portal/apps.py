from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import dashboard
        from .models import Role

        dashboard.register_nav(label="Home", url_name="portal:home", roles=tuple(Role.values), order=0)
        dashboard.register_nav(
            label="Projects",
            url_name="portal:project_list",
            roles=(Role.COORDINATOR, Role.MANAGER, Role.CONTRIBUTOR),
            order=10,
        )
