"""'Your data' in a browser (issue 12): the overview, a section a page at a time, the download."""

import json

from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ClaimFactory, ContributorFactory, ParticipationFactory


def test_cara_reads_her_claims_a_page_at_a_time_and_downloads_them_all(page, live_server, cara, project):
    ContributorFactory(user=cara, skills="plain English")
    for i in range(30):
        ClaimFactory(
            participation=ParticipationFactory(
                activity=ActivityFactory(project=project, past=True, title=f"Steering group {i}"),
                contributor=cara,
                status="attended",
            ),
            approved=True,
        )

    sign_in(page, live_server, "cara@example.org")
    page.get_by_role("link", name="Your data", exact=True).click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    expect(page.get_by_text("plain English")).to_be_visible()
    check_page(page, "your data")
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path="/tmp/my-data-overview-320.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Payments", exact=True).click()
    expect(page.get_by_role("heading", name="Claims (30)")).to_be_visible()
    expect(page.locator(".govuk-summary-card")).to_have_count(25)
    check_page(page, "your claims, page 1")
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path="/tmp/my-data-claims-320.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Next page").click()
    expect(page.locator(".govuk-summary-card")).to_have_count(5)
    expect(page.get_by_text("Page 2 of 2, 30 in all.")).to_be_visible()
    check_page(page, "your claims, page 2")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download all your data (JSON)").click()
    data = json.loads(download.value.path().read_text())
    assert len(data["payments"]["claims"]) == 30

    page.get_by_role("link", name="Your data").first.click()  # the breadcrumb
    expect(page.get_by_role("link", name="Ask us to erase your data")).to_be_visible()

    # A section of several lists: each has its own pages, and paging one opens at it.
    page.get_by_role("link", name="Your involvement", exact=True).click()
    expect(page.get_by_role("link", name="Participations (30)")).to_be_visible()
    page.get_by_role("navigation", name="Pages of participations").get_by_role(
        "link", name="Next page"
    ).click()
    assert page.url.endswith("?participations=2#participations")
    expect(page.locator(".govuk-summary-card")).to_have_count(5)
    expect(page.get_by_role("heading", name="Roles (0)")).to_be_visible()
    check_page(page, "your involvement, page 2")
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path="/tmp/my-data-involvement-320.png", full_page=True)
