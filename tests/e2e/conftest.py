"""Browser tests: Playwright drives Debian's Chromium against Django's live server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "portal-test-pass"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it with apt.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, transactional_db):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_accessible(page, context: str = "") -> None:
    """axe-core finds no violations on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"{context or page.url}\n{results.generate_report()}"


def assert_fits_320(page) -> None:
    """At 320px wide the page does not scroll sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320px"
    finally:
        page.set_viewport_size(size)


def check_page(page, context: str = "") -> None:
    """Every page we open in a browser test: no axe violations, fits 320px, no server error."""
    assert "Server Error" not in page.title()
    assert_accessible(page, context)
    assert_fits_320(page)


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def give_authenticator(user) -> None:
    """An authenticator app for someone already signed in: their session has not used it yet."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})


def enter_totp(page, *, submit: bool = True) -> None:
    """On allauth's code page: type the current code and (unless the caller wants to wait on
    what the click brings, a download say) confirm."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counter = next(iter(yield_hotp_counters_from_time()))
    page.get_by_label("Code", exact=True).fill(format_hotp_value(hotp_value(TOTP_SECRET, counter)))
    if submit:
        page.get_by_role("button", name="Confirm").click()
