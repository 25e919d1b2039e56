from django.db import migrations

from portal.roles import grant

COORDINATOR = ["add_project", "change_project", "view_project", "add_activity", "change_activity",
               "view_activity", "add_participation", "change_participation", "view_participation"]


def create_roles(apps, schema_editor):
    grant(apps, schema_editor, {
        "Contributor": [],
        "Coordinator": COORDINATOR,
        "Manager": [*COORDINATOR, "view_organisation", "grant_roles"],
    }, "portal")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
