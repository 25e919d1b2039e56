"""The HMRC rows of the mileage migration are frozen in it: editing the CSV changes nothing."""

import importlib
from decimal import Decimal
from pathlib import Path

from payments.models import ExpenseRate

migration = importlib.import_module("payments.migrations.0002_hmrc_mileage_rates")


def test_the_migration_does_not_read_the_csv():
    source = Path(migration.__file__).read_text()
    assert "expense-rates.csv" not in source.split('"""', 2)[2]
    assert "open(" not in source


def test_the_migration_writes_the_published_rates(db):
    # Run it here: a browser test's flush earlier in the run wipes rows a migration made.
    from django.apps import apps

    migration.load(apps, None)
    migration.load(apps, None)  # and running it again adds nothing
    rows = ExpenseRate.objects.filter(effective_from=migration.FROM)
    assert {r.code: r.amount for r in rows} == {
        "car": Decimal("0.45"),
        "car_over_10k": Decimal("0.25"),
        "passenger": Decimal("0.05"),
        "motorcycle": Decimal("0.24"),
        "bicycle": Decimal("0.20"),
    }
