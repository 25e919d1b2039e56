"""Headers every page sends, and what the PDF renderer may fetch."""

import pytest
from django.conf import settings
from django.urls import reverse

from portal.pdf import render_pdf, static_only_fetcher_class


def test_every_page_sends_a_strict_content_security_policy_and_permissions_policy(client, cara):
    client.force_login(cara)
    response = client.get(reverse("portal:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_pages_have_no_inline_scripts_or_styles(client, cara):
    client.force_login(cara)
    html = client.get(reverse("portal:home")).content.decode()
    assert "<script>" not in html
    assert "<style" not in html
    assert ' style="' not in html


def _fetch(url):
    return static_only_fetcher_class()(allowed_protocols=("file", "data"), allow_redirects=False).fetch(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/portal/settings.py",
        f"file://{settings.BASE_DIR}/static/../portal/settings.py",
        "ftp://example.org/x",
    ],
)
def test_the_pdf_renderer_fetches_nothing_outside_our_static_files(url):
    with pytest.raises(ValueError, match="own static files"):
        _fetch(url)


def test_the_pdf_renderer_loads_our_own_static_files():
    css = next((settings.BASE_DIR / "static").rglob("*.css"))
    response = _fetch(css.resolve().as_uri())
    assert response is not None


def test_a_pdf_still_renders(db):
    pdf = render_pdf("pdf/impact_diversity.html", {"data": {"threshold": 5, "questions": []}, "tables": []})
    assert pdf.startswith(b"%PDF")
