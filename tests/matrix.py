"""The permission matrix: every URL, for every persona, with the status each must get.

Each app's `tests/<app>/test_permissions.py` defines `CASES` (a list of `Case`) and a
`_build(cara, olu, fatima, other_coordinator, morgan, project)` that makes the objects the URLs
need; `world = world_fixture(_build)` builds it once per module, and the test (taking `db`, so
each request's changes are rolled back) parametrizes `check` over its cases. `check` asserts
the effect as well as the status: a redirect carrying an error message is `REFUSED`, a POST
case's URL must answer GET with 405 unless a GET case covers it, and a GET case's URL, where no
POST case covers it, is also posted to: whoever the GET refuses, the POST refuses the same way
(or 405), so every method a view takes is checked for every persona.
`tests/portal/test_url_coverage.py` fails if any named URL is missing from every matrix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

PERSONAS = ("anonymous", "contributor", "other_contributor", "coordinator", "other_coordinator", "manager")

LOGIN = 302  # anonymous people are sent to sign in
# A redirect back with an error message: the action was refused, however polite the 302.
# A plain 302 in `expect` means the action went through, and fails if an error was shown.
REFUSED = "refused"


@dataclass(frozen=True)
class Case:
    url_name: str
    expect: dict[str, int | str]
    kwargs: Callable[[dict], dict] | None = None  # world -> URL kwargs
    method: str = "get"
    data: Callable[[dict], dict] | None = None  # world -> POST data
    query: str = ""
    id: str = field(default="")

    def __str__(self):
        return self.id or f"{self.method} {self.url_name}"


def expect(
    anonymous: int | str = LOGIN,
    contributor=200,
    other_contributor=200,
    coordinator=200,
    other_coordinator=200,
    manager=200,
) -> dict[str, int]:
    return dict(
        anonymous=anonymous,
        contributor=contributor,
        other_contributor=other_contributor,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        manager=manager,
    )


def params(cases: list[Case]):
    """pytest parameters: one per case and persona."""
    import pytest

    return [pytest.param(case, persona, id=f"{case}-{persona}") for case in cases for persona in PERSONAS]


def _errors_shown(response) -> list[str]:
    from django.contrib import messages

    request = getattr(response, "wsgi_request", None)
    if request is None:
        return []
    return [str(m) for m in messages.get_messages(request) if m.level >= messages.ERROR]


def check(client, world: dict, case: Case, persona: str) -> None:
    """The status each persona gets and its effect: a redirect that says the action was
    refused is REFUSED, not success; and a POST-only URL answers GET with 405."""
    user = world.get(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(case.url_name, kwargs=case.kwargs(world) if case.kwargs else None) + case.query
    data = case.data(world) if case.data else {}
    if case.method == "post" and user is not None and case.url_name not in _GET_ALSO:
        got = client.get(url).status_code
        assert got == 405, f"{persona} GET on POST-only {url}: got {got}, expected 405"
    response = client.post(url, data) if case.method == "post" else client.get(url)
    expected = case.expect[persona]
    if case.method == "get" and case.url_name not in _POST_ALSO:
        # The other method a view may take: a form page's POST must refuse whoever its GET
        # refuses (a permission checked only on GET is a hole), and nothing may fail on it.
        got = client.post(url).status_code
        allowed = (200, 302, 400, 405) if expected == 200 else (302 if expected == REFUSED else expected, 405)
        assert got in allowed, f"{persona} POST on {url} (a GET case): got {got}, expected one of {allowed}"
    errors = _errors_shown(response) if response.status_code == 302 else []
    got = REFUSED if errors else response.status_code
    assert got == expected, (
        f"{persona} {case.method.upper()} {url}: got {response.status_code}"
        f"{' with ' + repr(errors) if errors else ''}, expected {expected}"
    )
    if persona == "anonymous" and expected == LOGIN:
        assert "/accounts/login/" in response["Location"]


def _views_with_a_case(method: str) -> set[str]:
    """URLs a case of this method covers (a form page takes both GET and POST)."""
    import importlib
    import pkgutil

    import tests

    names = set()
    for module in pkgutil.iter_modules(tests.__path__):
        try:
            mod = importlib.import_module(f"tests.{module.name}.test_permissions")
        except ModuleNotFoundError:
            continue
        names |= {c.url_name for c in getattr(mod, "CASES", []) if c.method == method}
    return names


class _Lazy(set):
    def __init__(self, method: str):
        super().__init__()
        self.method = method

    def __contains__(self, item):
        if not self:
            self.update(_views_with_a_case(self.method) or {""})
        return super().__contains__(item)


_GET_ALSO = _Lazy("get")
_POST_ALSO = _Lazy("post")


def _personas() -> dict:
    """The conftest personas, made once for a module's world (same names and emails)."""
    from tests.factories import ProjectFactory, UserFactory

    fatima = UserFactory(email="fatima@example.org", name="Fatima Rahman", coordinator=True)
    return {
        "cara": UserFactory(
            email="cara@example.org", name="Cara Bennett", preferred_name="Cara", contributor=True
        ),
        "olu": UserFactory(email="olu@example.org", name="Olu Adebayo", contributor=True),
        "fatima": fatima,
        "other_coordinator": UserFactory(email="sam@example.org", name="Sam Other", coordinator=True),
        "morgan": UserFactory(email="morgan@example.org", name="Morgan Price", manager=True),
        "project": ProjectFactory(lead=fatima, title="Getting home after a stroke"),
    }


def world_fixture(build: Callable[..., dict]):
    """A module-scoped `world`: built once per module inside a transaction that is rolled back
    at the end. Each test takes `db` too, so what one request changes is rolled back (to a
    savepoint) before the next: the matrix stays fast and its cases stay independent."""
    import pytest
    from django.db import transaction

    @pytest.fixture(scope="module")
    def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
        from django.test import override_settings

        media = tmp_path_factory.mktemp("world") / "private"
        request.module.WORLD_MEDIA_ROOT = media
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
            outer = transaction.atomic()
            outer.__enter__()
            try:
                yield build(**_personas())
            finally:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                del request.module.WORLD_MEDIA_ROOT

    return world
