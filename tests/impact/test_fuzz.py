"""Bad input to every form of this app's pages never becomes a 500 (see tests/fuzz.py)."""

from tests.fuzz import fuzz

from .test_permissions import CASES, world  # noqa: F401 - the matrix's world fixture


def test_no_form_turns_bad_input_into_a_server_error(client, world):  # noqa: F811
    assert fuzz(client, world, CASES) == []
