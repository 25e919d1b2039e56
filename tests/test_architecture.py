"""The house's shape is checked, not hoped for: imports flow
portal <- contributors <- payments | feedback <- impact (contracts in pyproject.toml)."""

from django.conf import settings
from importlinter.cli import lint_imports


def test_imports_keep_the_contracts(monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    assert lint_imports(config_filename="pyproject.toml", no_cache=True, no_logo=True) == 0, (
        "An import breaks the architecture contracts: run `.venv/bin/lint-imports` to see which"
    )
