"""The permission matrix: every URL, for every persona, with the status each must get.

Each app's `tests/<app>/test_permissions.py` defines `CASES` (a list of `Case`) and a `world`
fixture that builds the objects the URLs need, then parametrizes `check` over its cases.
`tests/portal/test_url_coverage.py` fails if any named URL is missing from every matrix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

PERSONAS = ("anonymous", "contributor", "other_contributor", "coordinator", "other_coordinator", "manager")

LOGIN = 302  # anonymous people are sent to sign in


@dataclass(frozen=True)
class Case:
    url_name: str
    expect: dict[str, int]
    kwargs: Callable[[dict], dict] | None = None  # world -> URL kwargs
    method: str = "get"
    data: Callable[[dict], dict] | None = None  # world -> POST data
    query: str = ""
    id: str = field(default="")

    def __str__(self):
        return self.id or f"{self.method} {self.url_name}"


def expect(
    anonymous=LOGIN,
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


def check(client, world: dict, case: Case, persona: str) -> None:
    user = world.get(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(case.url_name, kwargs=case.kwargs(world) if case.kwargs else None) + case.query
    data = case.data(world) if case.data else {}
    response = client.post(url, data) if case.method == "post" else client.get(url)
    expected = case.expect[persona]
    assert response.status_code == expected, (
        f"{persona} {case.method.upper()} {url}: got {response.status_code}, expected {expected}"
    )
    if persona == "anonymous" and expected == LOGIN:
        assert "/accounts/login/" in response["Location"]
