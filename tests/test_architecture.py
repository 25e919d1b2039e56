"""The house's shape is checked, not hoped for: imports flow
portal <- contributors <- payments | feedback <- impact (contracts in pyproject.toml)."""

import importlib
import inspect
import re

from django.conf import settings
from importlinter.cli import lint_imports

from portal.errors import PortalError


def test_imports_keep_the_contracts(monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    assert lint_imports(config_filename="pyproject.toml", no_cache=True, no_logo=True) == 0, (
        "An import breaks the architecture contracts: run `.venv/bin/lint-imports` to see which"
    )


APPS = ["portal", "contributors", "payments", "feedback", "impact", "messaging", "partners", "coproduction"]


def _sources(pattern):
    for app in APPS:
        yield from sorted((settings.BASE_DIR / app).glob(pattern))


def test_every_error_shown_to_people_is_a_portal_error():
    # One base class, handled one way: a service error that is not a PortalError would slip
    # past every view's `except PortalError` and become a 500.
    found = []
    for path in [*_sources("services.py"), *_sources("services/*.py")]:
        module = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
        for name, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass):
            if name.endswith("Error") and cls.__module__ == module:
                found.append(cls)
                assert issubclass(cls, PortalError), f"{module}.{name} should subclass PortalError"
    assert len(found) >= 10


def test_views_catch_portal_error_not_an_apps_own_error():
    names = (
        "Claim|RateCard|BenefitRule|Contributor|Feedback|Impact|Messaging|Partner|Coproduction|Participation"
    )
    own = re.compile(rf"except\b[^:\n]*\b({names})Error\b")
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}"
        for path in [*_sources("views.py"), *_sources("views/*.py")]
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if own.search(line)
    ]
    assert offenders == [], "catch PortalError and call portal.errors.show_error"


def test_views_ask_predicates_never_has_perm():
    # One vocabulary: what a role may do is decided inside the can_* predicates only.
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}"
        for path in [*_sources("views.py"), *_sources("views/*.py"), *_sources("panels.py")]
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "has_perm(" in line
    ]
    assert offenders == [], "call a can_* predicate from permissions.py"
