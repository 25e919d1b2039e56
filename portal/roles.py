"""Giving roles their permissions from data migrations.

Each app's data migration calls `grant(apps, {role: [perm codenames]}, app_label)`. Django
creates permissions only after all migrations run, so this creates the app's first.
"""


def grant(apps, schema_editor, role_perms: dict[str, list[str]], app_label: str) -> None:
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True  # create_permissions skips apps without one
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in role_perms.items():
        group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)
