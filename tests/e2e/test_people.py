"""Someone else's bank details in a browser: a coordinator enters them, a second member of
staff confirms, the person is told. Every page: axe-clean and fits 320px."""

import os

from playwright.sync_api import expect

from contributors import services
from contributors.models import BankAccount, PendingStatus
from tests.e2e.conftest import check_page, enter_totp, give_authenticator, sign_in


def test_a_bank_change_for_someone_offline_takes_two_people(page, live_server, fatima, morgan):
    dennis = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="phone", phone="0113 496 0456"
    )
    sign_in(page, live_server, "fatima@example.org")
    give_authenticator(fatima)
    give_authenticator(morgan)
    page.goto(f"{live_server.url}/contributors/people/{dennis.public_id}/")
    check_page(page, "person")
    page.get_by_role("link", name="Change their bank details").click()
    # Entering someone's bank details needs the second factor in this session.
    enter_totp(page)
    check_page(page, "bank form")
    page.get_by_label("Name on the account").fill("Dennis Morris")
    page.get_by_label("Sort code").fill("20-00-00")
    page.get_by_label("Account number").fill("55779911")
    page.get_by_role("button", name="Save bank details").click()
    expect(page.get_by_text("They are used only once another member of staff")).to_be_visible()
    expect(page.get_by_text("Waiting for a second person")).to_be_visible()
    # Fatima entered them: she is not offered the confirmation.
    expect(page.get_by_role("button", name="Confirm the new bank details")).to_have_count(0)
    check_page(page, "pending change, as the coordinator who entered it")
    assert not BankAccount.objects.filter(contributor=dennis).exists()

    page.context.clear_cookies()
    sign_in(page, live_server, "morgan@example.org")
    enter_totp(page, submit=False)  # Morgan has an authenticator: signing in asks for the code
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/contributors/people/{dennis.public_id}/")
    check_page(page, "pending change, as a second member of staff")
    if shots := os.environ.get("PORTAL_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/people-pending-bank-change.png", full_page=True)
    page.get_by_role("button", name="Confirm the new bank details").click()
    expect(page.get_by_text("Bank details confirmed.")).to_be_visible()
    check_page(page, "confirmed")
    assert BankAccount.objects.get(contributor=dennis).last_four == "9911"
    assert dennis.bank_changes.get().status == PendingStatus.CONFIRMED
    # Dennis uses the phone: he is told by a call on the letters-and-calls list, twice.
    page.get_by_role("link", name="All letters and calls").click()
    check_page(page, "letters and calls")
    expect(page.get_by_text("New bank details are waiting to be confirmed", exact=True)).to_be_visible()
    expect(page.get_by_text("Your bank details were changed", exact=True)).to_be_visible()
