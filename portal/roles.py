"""Which permissions each role (Django group) holds.

The groups are created by `portal/migrations/0002_roles.py`. Each app declares what its
roles may do as `role_permissions` on its AppConfig; `sync_roles` grants them after every
`migrate` (and after a test flush, which sends the same signal), so there is one list.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

ROLES = ("Contributor", "Coordinator", "Manager")


def sync_roles(sender=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """post_migrate handler: make sure every role exists with every permission declared."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    groups = {name: Group.objects.using(using).get_or_create(name=name)[0] for name in ROLES}
    for config in global_apps.get_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            perms = Permission.objects.using(using).filter(
                content_type__app_label=config.label, codename__in=codenames
            )
            if len(perms) != len(set(codenames)):
                continue  # permissions not created yet; the next post_migrate sees them
            groups[role].permissions.add(*perms)
