from django.db import migrations, models


def fill_digests(apps, schema_editor):
    # The digest the guard computes (portal.suppression), so that a table recorded before this
    # migration is found again by its people as one recorded after.
    from portal.suppression import population_digest

    AggregateRelease = apps.get_model("portal", "AggregateRelease")
    for release in AggregateRelease.objects.only("pk", "population").iterator(chunk_size=100):
        AggregateRelease.objects.filter(pk=release.pk).update(digest=population_digest(release.population))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_user_offline_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="aggregaterelease",
            name="digest",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
