"""HMRC approved mileage rates: national facts, so production gets them too.

Read from payments/data/expense-rates.csv. The CSV gives the rates as published for the tax
years 2020-21 to 2025-26, so they apply from 6 April 2020; a later change is a new row with a
later effective_from (a new migration or the admin).
"""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "expense-rates.csv"
FROM = date(2020, 4, 6)


def load(apps, schema_editor):
    ExpenseRate = apps.get_model("payments", "ExpenseRate")
    with CSV.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ExpenseRate.objects.get_or_create(
                code=row["code"],
                effective_from=FROM,
                defaults={"description": row["description"], "amount": Decimal(row["amount_gbp"])},
            )


def unload(apps, schema_editor):
    apps.get_model("payments", "ExpenseRate").objects.filter(effective_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
