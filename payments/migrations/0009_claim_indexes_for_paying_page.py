"""Two PostgreSQL-only indexes for the paying page (docs/performance.md has the plans). SQLite,
which the tests and a small installation use, can do neither NULLS FIRST nor these expressions
in an index, so they are made here rather than declared in Claim.Meta, where every rebuild of
the table on SQLite would try to make them again."""

from django.db import migrations, models

# payments.models.days_waited, imported rather than written out: the index serves the median
# query only while it is exactly the expression that query orders by.
from payments.models import days_waited


def indexes():
    return [
        # Approved claims, undecided then longest-approved first: the paying page's order.
        models.Index(
            models.F("status"),
            models.OrderBy(models.F("decided_at"), nulls_first=True),
            models.F("id"),
            name="claim_status_decided_at",
        ),
        # Paid claims by days waited, with what the median reads: the middle row is reached by
        # walking the index, without sorting every paid claim or reading the table.
        models.Index(
            models.F("status"),
            days_waited(),
            models.F("id"),
            include=("paid_on", "first_submitted_at"),
            name="claim_status_days_waited",
        ),
    ]


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in indexes():
            schema_editor.add_index(apps.get_model("payments", "Claim"), index)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in indexes():
            schema_editor.remove_index(apps.get_model("payments", "Claim"), index)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0008_claim_indexes_for_queue_and_budget"),
    ]

    operations = [migrations.RunPython(add, remove)]
