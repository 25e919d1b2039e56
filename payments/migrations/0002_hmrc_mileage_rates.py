"""HMRC approved mileage rates: national facts, so production gets them too.

The rates as published for the tax years 2020-21 to 2025-26, so they apply from 6 April 2020.
They are written here, not read from a data file, so that nothing edited later can change what
this migration did: a later change is a new row with a later effective_from (a new migration
or the admin).
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

FROM = date(2020, 4, 6)
RATES = [
    ("car", "Car or van: first 10000 business miles in a tax year", Decimal("0.45")),
    ("car_over_10k", "Car or van: each business mile over 10000 in a tax year", Decimal("0.25")),
    ("passenger", "Each passenger carried on the same trip", Decimal("0.05")),
    ("motorcycle", "Motorcycle", Decimal("0.24")),
    ("bicycle", "Bicycle", Decimal("0.20")),
]


def load(apps, schema_editor):
    ExpenseRate = apps.get_model("payments", "ExpenseRate")
    for code, description, amount in RATES:
        ExpenseRate.objects.get_or_create(
            code=code, effective_from=FROM, defaults={"description": description, "amount": amount}
        )


def unload(apps, schema_editor):
    apps.get_model("payments", "ExpenseRate").objects.filter(effective_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
