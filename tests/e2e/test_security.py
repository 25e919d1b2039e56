"""Every page of every demo persona passes the Content-Security-Policy in a real browser: no
'Refused to ...' console errors, no securitypolicyviolation events."""

import pytest
from django.core.management import call_command

from portal.management.commands.seed_demo import DEMO_PASSWORD, PERSONAS
from tests.e2e.conftest import sign_in


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_no_page_breaks_the_content_security_policy(page, live_server, demo_data):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(f"{page.url}: {msg.text}")
        if msg.type == "error" and "Content Security Policy" in msg.text
        else None,
    )
    # Events the page itself raises for anything the policy blocked (inline style attributes too).
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.goto(f"{live_server.url}/accounts/login/")
    seen = set()
    for email, *_ in PERSONAS:
        sign_in(page, live_server, email, DEMO_PASSWORD)
        links = page.get_by_role("navigation", name="Main").get_by_role("link")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in hrefs:
            if href and href.startswith("/") and href not in seen:
                seen.add(href)
                page.goto(live_server.url + href)
                page.wait_for_load_state("load")
        page.get_by_role("button", name="Sign out").click()
    assert len(seen) > 5
    assert violations == []
