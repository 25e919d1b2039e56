import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import tests

APPS = ("portal", "contributors", "payments", "feedback", "impact", "messaging", "coproduction")
# URLs that are not behind sign-in and are tested on their own.
PUBLIC = {"healthz"}


def _names(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_portal_url_is_in_a_permission_matrix():
    covered = set()
    for module in pkgutil.iter_modules(tests.__path__):
        try:
            mod = importlib.import_module(f"tests.{module.name}.test_permissions")
        except ModuleNotFoundError:
            continue
        covered |= {case.url_name for case in getattr(mod, "CASES", [])}
    ours = {n for n in _names(get_resolver().url_patterns) if n.split(":")[0] in APPS or n in PUBLIC}
    missing = sorted(ours - covered - PUBLIC)
    assert not missing, f"URLs with no permission test: {missing}"
