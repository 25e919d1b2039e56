from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import m2m_changed, post_migrate

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
        from . import dashboard, figures
        from .middleware import stamp_session_on_login
        from .models import Activity, Participation, Project, Role, User
        from .roles import sync_roles

        # Sent after every app's migrate, so each app's permissions exist by the last call.
        post_migrate.connect(sync_roles, dispatch_uid="portal.sync_roles")
        user_logged_in.connect(stamp_session_on_login, dispatch_uid="portal.stamp_session_on_login")
        m2m_changed.connect(forget_roles, sender=User.groups.through, dispatch_uid="portal.forget_roles")
        # The organisation's counts on the manager's home (portal.figures).
        figures.forget_on_change(Project, Activity, Participation)
        m2m_changed.connect(figures.forget, sender=User.groups.through, dispatch_uid="portal.figures.groups")
        dashboard.register_nav(label="Home", url_name="portal:home", roles=tuple(Role.values), order=0)
        dashboard.register_nav(
            label="Projects",
            url_name="portal:project_list",
            roles=(Role.COORDINATOR, Role.MANAGER, Role.CONTRIBUTOR),
            order=10,
        )


def forget_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """Drop the cached roles of everyone whose groups just changed (User.has_role)."""
    from django.core.cache import cache

    from .models import User

    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # user.groups.add(...)
        people = [instance]
        if hasattr(instance, "_role_cache"):
            del instance._role_cache
    elif action == "pre_clear":  # group.user_set.clear()
        people = list(instance.user_set.all())
    elif action == "post_clear":
        return
    else:
        people = list(User.objects.filter(pk__in=pk_set))
    keys = [person._roles_cache_key for person in people]
    cache.delete_many(keys)
    # Again after commit: another request may have cached the old roles in between.
    transaction.on_commit(lambda: cache.delete_many(keys))
