"""Absolute links have one home (portal.links) on one setting (PORTAL_BASE_URL)."""

import os
import subprocess
import sys

from django.conf import settings as django_settings

from portal.links import absolute_reverse, absolute_url


def test_links_are_built_on_the_base_url(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org/"
    assert absolute_url("/x/") == "https://portal.example.org/x/"
    assert absolute_reverse("impact:verify") == "https://portal.example.org/impact/verify/"


def _settings_in_production(**extra):
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "PORTAL_FIELD_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "ALLOWED_HOSTS": "portal.example.org",
        "PORTAL_BASE_URL": "",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.PORTAL_BASE_URL)"],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )


def test_production_refuses_to_start_without_a_base_url():
    result = _settings_in_production()
    assert result.returncode != 0
    assert "PORTAL_BASE_URL" in result.stderr


def test_production_uses_the_base_url_it_is_given():
    result = _settings_in_production(PORTAL_BASE_URL="https://portal.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://portal.example.org"
