from django.db import migrations


def load(apps, schema_editor):
    from partners.frameworks import load_framework

    load_framework(apps.get_model("partners", "Framework"), apps.get_model("partners", "Standard"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_partners_invoices_feedback_assessments")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
