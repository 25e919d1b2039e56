"""A big activity's participants are paged (issue 12): the pages read, and page, by keyboard."""

from django.urls import reverse
from playwright.sync_api import expect

from portal.pagination import PAGE_SIZE
from tests.e2e.conftest import check_page, sign_in
from tests.factories import ActivityFactory, ParticipationFactory, UserFactory


def test_a_big_activitys_people_taking_part_are_paged(page, live_server, fatima, project, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    activity = ActivityFactory(project=project, past=True, title="Citizens' jury")
    for i in range(PAGE_SIZE + 5):
        person = UserFactory(name=f"Juror {i:02d}", contributor=True)
        ParticipationFactory(activity=activity, contributor=person, status="attended")
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server.url + reverse("portal:activity_detail", args=[activity.public_id]))
    table = page.get_by_role("region", name="People taking part")
    expect(table.get_by_role("cell", name=f"Juror {PAGE_SIZE - 1:02d}", exact=True)).to_be_visible()
    expect(table.get_by_role("cell", name=f"Juror {PAGE_SIZE:02d}", exact=True)).to_have_count(0)
    expect(page.get_by_text(f"Page 1 of 2, {PAGE_SIZE + 5} in all.")).to_be_visible()
    check_page(page, "activity page, first page of people")
    page.get_by_role("navigation", name="Pages of people taking part").get_by_role(
        "link", name="Next"
    ).focus()
    page.keyboard.press("Enter")
    expect(table.get_by_role("cell", name=f"Juror {PAGE_SIZE + 4:02d}", exact=True)).to_be_visible()
    check_page(page, "activity page, second page of people")
