from django.db import migrations

ROLES = ("Contributor", "Coordinator", "Manager")


def create_roles(apps, schema_editor):
    # Permissions are granted by portal.roles.sync_roles after migrate, from each app's
    # AppConfig.role_permissions, once Django has created them.
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
