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
        from django.contrib.auth.models import Group

        from . import dashboard, figures
        from .middleware import stamp_session_on_login
        from .models import Activity, Participation, Project, Role, User
        from .roles import sync_roles

        # Sent after every app's migrate, so each app's permissions exist by the last call.
        post_migrate.connect(sync_roles, dispatch_uid="portal.sync_roles")
        user_logged_in.connect(stamp_session_on_login, dispatch_uid="portal.stamp_session_on_login")
        m2m_changed.connect(forget_roles, sender=User.groups.through, dispatch_uid="portal.forget_roles")
        m2m_changed.connect(
            forget_roles, sender=User.user_permissions.through, dispatch_uid="portal.forget_perms"
        )
        m2m_changed.connect(
            forget_perms, sender=Group.permissions.through, dispatch_uid="portal.forget_group_perms"
        )
        # The organisation's counts on the manager's home (portal.figures).
        figures.forget_on_change("portal", Project, Activity, Participation)
        m2m_changed.connect(
            figures.receiver("portal"),
            sender=User.groups.through,
            weak=False,
            dispatch_uid="portal.figures.groups",
        )
        dashboard.register_nav(label="Home", url_name="portal:home", roles=tuple(Role.values), order=0)
        dashboard.register_nav(
            label="Projects",
            url_name="portal:project_list",
            roles=(Role.COORDINATOR, Role.MANAGER, Role.CONTRIBUTOR),
            order=10,
        )


def forget_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """Drop the cached roles and permissions of everyone whose groups (or own permissions)
    just changed (User.has_role, User.has_perm)."""
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
    for person in people:
        for kept in ("_perm_cache", "_access"):
            if hasattr(person, kept):
                delattr(person, kept)
    keys = [key for person in people for key in (person._roles_cache_key, person._perms_cache_key)]
    cache.delete_many(keys)
    # Again after commit: another request may have cached the old roles in between.
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_perms(sender, action, **kwargs):
    """A group's permissions changed: everyone's cached permissions start again."""
    from django.core.cache import cache

    from .models import PERMS_GENERATION

    if not action.startswith("post_"):
        return

    def bump():
        try:
            cache.incr(PERMS_GENERATION)
        except ValueError:
            cache.set(PERMS_GENERATION, 1, None)

    bump()
    transaction.on_commit(bump)
