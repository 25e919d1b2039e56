"""Pages: forms re-render with 400, equality answers stay private, exports contain your data only."""

import time

from django.core import mail
from django.urls import reverse

from contributors import services
from contributors.models import BankAccount, Contributor, DiversityRecord, ExpressionOfInterest
from portal.models import AuditEvent
from tests.factories import ContributorFactory, OpportunityFactory, RoleAssignmentFactory
from tests.mfa import pass_mfa


def _recently_signed_in(client, user):
    """As allauth records a password sign-in: what re-authentication checks."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session.save()


def test_a_new_contributor_is_sent_to_complete_their_profile(client, cara):
    client.force_login(cara)
    home = client.get(reverse("portal:home"))
    assert reverse("contributors:profile_complete") in home.content.decode()
    assert client.get(reverse("contributors:profile")).url == reverse("contributors:profile_complete")
    response = client.post(reverse("contributors:profile_complete"), {"contact_method": "post"})
    assert response.status_code == 400
    assert "Error: " in response.content.decode()
    response = client.post(
        reverse("contributors:profile_complete"),
        {
            "contact_method": "phone",
            "phone": "0113 496 0000",
            "access_needs": ["bsl", "step_free"],
            "agree_privacy": "on",
        },
    )
    assert response.status_code == 302
    assert Contributor.objects.get(user=cara).access_needs == ["bsl", "step_free"]


def test_bank_details_need_a_recent_sign_in(client, cara):
    ContributorFactory(user=cara)
    client.force_login(cara)
    response = client.get(reverse("contributors:bank_details"))
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response.url


def test_bank_details_form_checks_the_sort_code_and_saves_masked(client, cara):
    ContributorFactory(user=cara)
    _recently_signed_in(client, cara)
    url = reverse("contributors:bank_details")
    bad = client.post(url, {"account_name": "C B", "sort_code": "12-34", "account_number": "12"})
    assert bad.status_code == 400
    assert "Enter a valid sort code" in bad.content.decode()
    good = client.post(url, {"account_name": "C B", "sort_code": "309497", "account_number": "733445"})
    assert good.status_code == 302
    account = BankAccount.objects.get()
    assert account.reveal() == {"account_name": "C B", "sort_code": "30-94-97", "account_number": "00733445"}
    profile = client.get(reverse("contributors:profile")).content.decode()
    assert "****3445" in profile
    assert "00733445" not in profile


def test_other_contributors_and_coordinators_cannot_read_anyones_equality_answers(
    client, cara, olu, fatima, morgan
):
    ContributorFactory(user=cara, in_directory=True)
    ContributorFactory(user=olu)
    services.save_diversity(
        user=cara,
        consent=True,
        answers={"ethnic_group": "white_roma", "religion": "buddhist", "year_of_birth": 1961},
    )
    url = reverse("contributors:equality")
    for person in (olu, fatima, morgan):
        client.force_login(person)
        page = client.get(url)
        if person == olu:
            assert page.status_code == 200
            assert 'value="white_roma" checked' not in page.content.decode()
        else:
            assert page.status_code == 403
        export = client.get(reverse("contributors:my_data_json")).json()
        assert export["equality_monitoring"] == {}
        assert not person.has_perm("contributors.view_diversityrecord")
    client.force_login(fatima)
    person_page = client.get(reverse("contributors:person_detail", args=[cara.contributor.public_id]))
    assert person_page.status_code == 200
    assert "Roma" not in person_page.content.decode()
    assert "1961" not in person_page.content.decode()
    assert not AuditEvent.objects.filter(action="diversity.read").exclude(actor=cara).exists()


def test_the_equality_form_shows_every_census_category_and_prefer_not_to_say(client, cara):
    from contributors import equality

    client.force_login(cara)
    page = client.get(reverse("contributors:equality")).content.decode()
    for _question, choices in equality.QUESTIONS.values():
        for _code, label in choices.choices:
            assert label.replace("’", "&#x27;") in page or label in page
    assert page.count("Prefer not to say") >= len(equality.QUESTIONS) + 1


def test_equality_answers_need_consent_then_can_be_withdrawn(client, cara):
    client.force_login(cara)
    url = reverse("contributors:equality")
    assert client.post(url, {"sex": "female"}).status_code == 400
    assert not DiversityRecord.objects.exists()
    assert (
        client.post(url, {"sex": "female", "ethnic_group": "prefer_not_to_say", "consent": "on"}).status_code
        == 302
    )
    assert DiversityRecord.objects.get(user=cara).ethnic_group == "prefer_not_to_say"
    # Asked first: posting without saying yes deletes nothing.
    assert client.post(reverse("contributors:equality_withdraw")).status_code == 200
    assert DiversityRecord.objects.exists()
    client.post(reverse("contributors:equality_withdraw"), {"confirmed": "yes"})
    assert not DiversityRecord.objects.exists()


def test_a_contributor_expresses_interest_and_sees_the_role_when_chosen(client, cara, fatima, project):
    ContributorFactory(user=cara)
    opportunity = OpportunityFactory(project=project)
    client.force_login(cara)
    client.post(
        reverse("contributors:interest_express", args=[opportunity.public_id]), {"message": "I had a stroke"}
    )
    interest = ExpressionOfInterest.objects.get(contributor=cara)
    client.force_login(fatima)
    page = client.get(reverse("contributors:opportunity_interests", args=[opportunity.public_id]))
    assert "I had a stroke" in page.content.decode()
    response = client.post(
        reverse("contributors:opportunity_interests", args=[opportunity.public_id]),
        {
            "selected": [interest.pk],
            "starts_on": "2026-12-01",
            "expectations": "Meet",
            "frequency": "Monthly",
            "payment_offered": "£30",
            "feedback_arrangements": "Email summary within 2 weeks",
        },
    )
    assert response.status_code == 302
    client.force_login(cara)
    assert "Email summary within 2 weeks" in client.get(reverse("contributors:my_roles")).content.decode()


def test_the_diversity_picture_hides_small_numbers(client, fatima, project):
    from portal.suppression import suppressed_text

    assert suppressed_text({"a": 10, "b": 3, "c": 0}, 5) == {"a": "[c]", "b": "[c]", "c": "0"}
    assert suppressed_text({"a": 10, "b": 7}, 5) == {"a": "10", "b": "7"}
    opportunity = OpportunityFactory(project=project)
    client.force_login(fatima)
    page = client.get(reverse("contributors:opportunity_interests", args=[opportunity.public_id]))
    assert "Too few people to show" in page.content.decode()


def test_role_register_csv_lists_who_holds_which_role(client, morgan, cara, project):
    RoleAssignmentFactory(
        contributor=cara, project=project, role_type="lay_reviewer", involvement_level="adviser"
    )
    client.force_login(morgan)
    response = client.get(reverse("contributors:role_register_csv"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Getting home after a stroke,Cara Bennett,Lay reviewer" in body
    assert body.splitlines()[1].endswith(",Adviser")


def test_directory_lists_only_people_who_opted_in_and_finds_them_by_skill(client, fatima, cara, olu):
    ContributorFactory(user=cara, in_directory=True, skills="chairing meetings")
    ContributorFactory(user=olu, in_directory=False, skills="chairing meetings")
    client.force_login(fatima)
    page = client.get(reverse("contributors:directory"), {"q": "chairing"}).content.decode()
    assert "Cara Bennett" in page
    assert "Olu Adebayo" not in page


def test_the_directory_rows_say_who_is_paused_and_how_offline_people_are_reached_in_fixed_queries(
    client, fatima
):
    """The rows read only the columns they show (docs/performance.md): nothing they show may be
    fetched row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    def add(n):
        for i in range(n):
            ContributorFactory(in_directory=True, status="paused", lived_experience=f"Stroke {n}{i}")
            person = User.objects.create_user(email=None, password=None, name=f"Offline {n}{i}")
            ContributorFactory(user=person, registered_by=fatima, contact_method="post")

    def visit():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("contributors:directory")).content.decode()
        return page, len(queries)

    client.force_login(fatima)
    add(1)
    visit()  # roles and permissions, asked once and kept, as on a second visit
    _page, few = visit()
    add(5)
    visit()  # the offline people's count, forgotten by the change, is counted again once
    page, many = visit()
    assert few == many
    assert page.count('<strong class="govuk-tag govuk-tag--yellow">Paused</strong>') == 6
    assert page.count("– post, registered by Fatima Rahman") == 6
    offline = Contributor.objects.get(user__name="Offline 50")
    assert f'href="{reverse("contributors:person_detail", args=[offline.public_id])}">Offline 50</a>' in page
    assert "Stroke 50" in page


def test_the_people_who_do_not_use_the_portal_page_in_name_order_within_the_scope(
    client, fatima, other_coordinator
):
    from portal.models import User
    from portal.pagination import PAGE_SIZE

    for n in range(PAGE_SIZE + 2):
        person = User.objects.create_user(email=None, password=None, name=f"Offline {n:02d}")
        ContributorFactory(user=person, registered_by=fatima, contact_method="post")
    stranger = User.objects.create_user(email=None, password=None, name="Offline Stranger")
    ContributorFactory(user=stranger, registered_by=other_coordinator, contact_method="post")
    client.force_login(fatima)
    url = reverse("contributors:directory")
    first = client.get(url).content.decode()
    last_on_first = f"Offline {PAGE_SIZE - 1:02d}"
    assert last_on_first in first
    assert f"Offline {PAGE_SIZE:02d}" not in first
    assert first.index("Offline 00") < first.index("Offline 01") < first.index(last_on_first)
    last = client.get(url, {"offline_page": 2}).content.decode()
    assert f"Offline {PAGE_SIZE + 1:02d}" in last
    assert last_on_first not in last
    assert "Offline Stranger" not in first + last


def test_registering_the_same_name_and_postcode_warns_before_saving(client, fatima):
    client.force_login(fatima)
    data = {
        "name": "Dennis Morris",
        "contact_method": "post",
        "address": "1 Road",
        "postcode": "LS11 8PQ",
    }
    assert client.post(reverse("contributors:offline_register"), data).status_code == 302
    warned = client.post(reverse("contributors:offline_register"), data)
    assert warned.status_code == 200
    assert "same name and postcode" in warned.content.decode()
    assert Contributor.objects.count() == 1
    assert (
        client.post(
            reverse("contributors:offline_register"), {**data, "confirm_not_duplicate": "True"}
        ).status_code
        == 302
    )
    assert Contributor.objects.count() == 2


def test_my_data_download_contains_my_profile_and_roles(client, cara, project):
    ContributorFactory(user=cara, skills="plain English")
    RoleAssignmentFactory(contributor=cara, project=project)
    client.force_login(cara)
    data = client.get(reverse("contributors:my_data_json")).json()
    assert data["account"]["email"] == "cara@example.org"
    assert data["profile"]["skills"] == "plain English"
    assert data["involvement"]["roles"][0]["project"] == "Getting home after a stroke"
    page = client.get(reverse("contributors:my_data")).content.decode()
    assert "plain English" in page


def test_other_apps_can_add_a_section_to_the_download(client, cara):
    from contributors import data_export

    data_export.register_section("test_extra", lambda user: {"hello": user.name})
    try:
        client.force_login(cara)
        assert client.get(reverse("contributors:my_data_json")).json()["test_extra"] == {
            "hello": "Cara Bennett"
        }
    finally:
        data_export.SECTIONS.pop("test_extra")


def test_asking_for_erasure_then_a_manager_confirms(client, cara, morgan, django_capture_on_commit_callbacks):
    url = reverse("contributors:erasure_request")
    client.force_login(cara)
    assert client.post(url, {"reason": "Bye"}).status_code == 400
    assert client.post(url, {"reason": "Bye", "confirm": "on"}).status_code == 200  # are you sure?
    assert not cara.erasure_requests.exists()
    assert client.post(url, {"reason": "Bye", "confirm": "on", "confirmed": "yes"}).status_code == 302
    request = cara.erasure_requests.get()
    client.force_login(morgan)
    pass_mfa(client, morgan)
    with django_capture_on_commit_callbacks(execute=True):
        decide = reverse("contributors:erasure_decide", args=[request.public_id])
        assert client.post(decide, {"decision": "confirm"}).status_code == 200  # are you sure?
        cara.refresh_from_db()
        assert cara.name != "Erased contributor"
        client.post(decide, {"decision": "confirm", "confirmed": "yes"})
    cara.refresh_from_db()
    assert cara.name == "Erased contributor"
    assert mail.outbox[-1].to == ["cara@example.org"]


def test_a_coordinator_enters_bank_details_for_an_offline_person_after_signing_in_again(client, fatima):
    dennis = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="post", address="1 Road", postcode="LS11 8PQ"
    )
    url = reverse("contributors:person_bank_details", args=[dennis.public_id])
    client.force_login(fatima)
    assert client.get(url).status_code == 403  # no authenticator app
    pass_mfa(client, fatima)
    response = client.post(
        url, {"account_name": "D Morris", "sort_code": "20-00-00", "account_number": "55779911"}
    )
    assert response.status_code == 302
    # Someone else's bank details wait for a second person (docs/security.md).
    assert not BankAccount.objects.filter(contributor=dennis).exists()
    assert dennis.bank_changes.get().last_four == "9911"
    # Dennis has no email: he is told by letter.
    assert dennis.contact_tasks.get().subject == "New bank details are waiting to be confirmed"
