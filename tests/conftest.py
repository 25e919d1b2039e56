"""Personas and shared fixtures. Cara and Olu contribute, Fatima coordinates, Morgan manages."""

import importlib
import logging
import os

import pytest
from django.apps import apps as django_apps
from django.db.models.signals import post_migrate

from tests.factories import ProjectFactory, UserFactory

# Playwright's sync API runs an event loop; Django's live_server then refuses ORM calls
# from the test thread without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _hmrc_mileage_rates(sender, apps=django_apps, **kwargs):
    """The HMRC rows migration payments/0002 freezes, written again after every flush.

    Migrations run when the test database is built, but a browser (transactional) test
    flushes every table afterwards; a flush sends post_migrate, so the rows come back from
    the migration's own constants and the code under test has no fallback to lean on."""
    importlib.import_module("payments.migrations.0002_hmrc_mileage_rates").load(apps, None)


post_migrate.connect(_hmrc_mileage_rates, sender=django_apps.get_app_config("payments"))


@pytest.fixture
def cara(db):
    """Cara, a contributor: takes part in activities and claims for them."""
    return UserFactory(email="cara@example.org", name="Cara Bennett", preferred_name="Cara", contributor=True)


@pytest.fixture
def olu(db):
    """Olu, another contributor: must never see Cara's things."""
    return UserFactory(email="olu@example.org", name="Olu Adebayo", contributor=True)


@pytest.fixture
def fatima(db):
    """Fatima, a coordinator: runs projects and activities."""
    return UserFactory(email="fatima@example.org", name="Fatima Rahman", coordinator=True)


@pytest.fixture
def other_coordinator(db):
    """A coordinator of somebody else's projects."""
    return UserFactory(email="sam@example.org", name="Sam Other", coordinator=True)


@pytest.fixture
def morgan(db):
    """Morgan, a manager: sees the whole organisation."""
    return UserFactory(email="morgan@example.org", name="Morgan Price", manager=True)


@pytest.fixture
def project(fatima):
    """A project Fatima leads."""
    return ProjectFactory(lead=fatima, title="Getting home after a stroke")


@pytest.fixture(autouse=True)
def _fail_on_error_logs(caplog):
    """Any ERROR log during a test fails it (as ephios does)."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path, request):
    # A module-scoped matrix world (tests.matrix.world_fixture) keeps its files for the module.
    settings.MEDIA_ROOT = getattr(request.module, "WORLD_MEDIA_ROOT", None) or tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the database is rolled back between tests, and a
    cached public page or role list must not outlive the rows it came from."""
    from django.core.cache import cache

    cache.clear()
