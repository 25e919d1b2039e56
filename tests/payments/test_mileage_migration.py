"""The HMRC rows of the mileage migration are frozen in it: no data file can change them."""

import importlib
from decimal import Decimal
from pathlib import Path

import pytest

from payments.models import ExpenseRate
from payments.services import ClaimError
from payments.services.expenses import expense_rate

migration = importlib.import_module("payments.migrations.0002_hmrc_mileage_rates")


def test_the_migration_reads_no_file():
    source = Path(migration.__file__).read_text()
    assert "open(" not in source
    assert ".csv" not in source


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


def test_the_test_database_has_the_rows_again_after_a_flush(transactional_db):
    # What a browser test leaves behind: every table emptied. tests/conftest.py writes the
    # migration's rows back, so later tests see what a migrated database has.
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert ExpenseRate.objects.filter(effective_from=migration.FROM).count() == len(migration.RATES)


def test_without_the_rows_mileage_is_refused_not_guessed(db):
    assert expense_rate("car", migration.FROM) == Decimal("0.45")
    ExpenseRate.objects.all().delete()
    with pytest.raises(ClaimError, match="Mileage rates are not set up"):
        expense_rate("car", migration.FROM)
