"""Profiles, bank details, roles, opportunities, offline people and erasure, through the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from contributors import services
from contributors.models import (
    BankAccount,
    ContactTask,
    Contributor,
    DiversityRecord,
    ErasureRequest,
    ExpressionOfInterest,
    InterestStatus,
    OpportunityStatus,
    ParticipationDiversity,
    RoleAssignment,
)
from portal.models import AuditEvent, Participation
from portal.services import add_participant
from tests.factories import (
    ActivityFactory,
    ContributorFactory,
    OpportunityFactory,
    RoleAssignmentFactory,
    UserFactory,
    opted_in,
)
from tests.helpers import committed


def test_bank_details_are_not_stored_in_plain_text(cara, django_capture_on_commit_callbacks):
    contributor = ContributorFactory(user=cara)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_bank_details(
            actor=cara,
            contributor=contributor,
            account_name="C Bennett",
            sort_code="30-94-97",
            account_number="12345678",
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_name_encrypted, sort_code_encrypted, account_number_encrypted, last_four "
            f"FROM {BankAccount._meta.db_table}"
        )
        row = cursor.fetchone()
    raw = " ".join(row[:3])
    assert "12345678" not in raw
    assert "30-94-97" not in raw
    assert "Bennett" not in raw
    assert row[3] == "5678"
    account = BankAccount.objects.get(contributor=contributor)
    assert account.masked == "Account ending ****5678"
    assert (
        services.reveal_bank_details(actor=cara, contributor=contributor, reason="test")["account_number"]
        == "12345678"
    )
    assert AuditEvent.objects.filter(action="bank_details.read").count() == 1


def test_changing_bank_details_tells_the_person_by_email_and_post(cara, django_capture_on_commit_callbacks):
    contributor = ContributorFactory(
        user=cara, contact_method="post", address="1 High St", postcode="LS1 1AA"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.set_bank_details(
            actor=cara,
            contributor=contributor,
            account_name="C B",
            sort_code="30-94-97",
            account_number="00733445",
        )
    assert [m.to for m in mail.outbox] == [["cara@example.org"]]
    assert "****3445" in mail.outbox[0].body
    task = ContactTask.objects.get(contributor=contributor)
    assert (task.channel, task.subject) == ("post", "Your bank details were changed")


def test_another_contributor_cannot_change_your_bank_details(cara, olu):
    contributor = ContributorFactory(user=cara)
    with pytest.raises(PermissionDenied):
        services.set_bank_details(
            actor=olu,
            contributor=contributor,
            account_name="X",
            sort_code="30-94-97",
            account_number="12345678",
        )
    assert not BankAccount.objects.exists()


def test_completing_a_profile_needs_the_privacy_notice_and_a_postal_address_for_post(cara):
    with pytest.raises(services.ContributorError):
        services.complete_profile(user=cara, agree_privacy=False, contact_method="email")
    with pytest.raises(services.ContributorError):
        services.complete_profile(user=cara, agree_privacy=True, contact_method="post")
    contributor = services.complete_profile(
        user=cara,
        agree_privacy=True,
        contact_method="post",
        address="1 High St",
        postcode="LS1 1AA",
        access_needs=["bsl"],
    )
    assert contributor.privacy_agreed_at is not None
    assert contributor.get_access_needs_display() == ["British Sign Language (BSL) interpreter"]


def test_selecting_people_creates_roles_and_tells_everyone(
    fatima, project, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory(project=project, places=1)
    chosen, other = UserFactory(contributor=True), UserFactory(contributor=True)
    for person in (chosen, other):
        ContributorFactory(user=person)
        services.express_interest(actor=person, opportunity=opportunity, contributor=person, message="Keen")
    interest = ExpressionOfInterest.objects.get(contributor=chosen)
    with django_capture_on_commit_callbacks(execute=True):
        services.select_candidates(
            actor=fatima,
            opportunity=opportunity,
            selected=[interest],
            starts_on=timezone.localdate(),
            expectations="Meet monthly",
            frequency="Monthly",
            payment_offered="",
            feedback_arrangements="Email after each meeting",
            feedback_due_days=14,
            ends_on=None,
        )
    role = RoleAssignment.objects.get()
    assert (role.contributor, role.project, role.role_type, role.feedback_due_days) == (
        chosen,
        project,
        "advisory_group",
        14,
    )
    assert role.payment_offered == opportunity.payment_offered
    assert ExpressionOfInterest.objects.get(contributor=other).status == InterestStatus.NOT_SELECTED
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CLOSED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([chosen.email, other.email])


def test_a_coordinator_cannot_choose_more_people_than_places(fatima, project):
    opportunity = OpportunityFactory(project=project, places=1)
    interests = []
    for _ in range(2):
        person = UserFactory(contributor=True)
        interests.append(services.express_interest(actor=person, opportunity=opportunity, contributor=person))
    with pytest.raises(services.ContributorError):
        services.select_candidates(
            actor=fatima, opportunity=opportunity, selected=interests, starts_on=timezone.localdate()
        )
    assert not RoleAssignment.objects.exists()


def test_another_coordinator_cannot_assign_roles_on_your_project(other_coordinator, project, cara):
    with pytest.raises(PermissionDenied):
        services.assign_role(
            actor=other_coordinator,
            contributor=cara,
            project=project,
            role_type="lay_reviewer",
            starts_on=timezone.localdate(),
        )


def test_current_roles_exclude_ended_and_future_ones(cara, project):
    today = timezone.localdate()
    current = RoleAssignmentFactory(contributor=cara, project=project)
    RoleAssignmentFactory(contributor=cara, project=project, ends_on=today - timedelta(days=1))
    RoleAssignmentFactory(contributor=cara, project=project, starts_on=today + timedelta(days=5))
    assert list(RoleAssignment.objects.current()) == [current]


def test_opportunities_wait_for_a_manager_when_approval_is_on(settings, fatima, morgan, project, cara):
    settings.PORTAL_OPPORTUNITY_APPROVAL = True
    opportunity = services.publish_opportunity(
        actor=fatima,
        project=project,
        title="Lay reviewer",
        role_type="lay_reviewer",
        description="Review",
        time_commitment="one_off",
        payment_offered="£30",
        closes_on=timezone.localdate() + timedelta(days=3),
        places=1,
        mode="online",
        topic="stroke",
    )
    assert opportunity.status == OpportunityStatus.PENDING
    assert not opportunity.__class__.objects.visible_to(cara).exists()
    with pytest.raises(PermissionDenied):
        services.approve_opportunity(actor=fatima, opportunity=opportunity)
    services.approve_opportunity(actor=morgan, opportunity=opportunity)
    assert opportunity.__class__.objects.visible_to(cara).get() == opportunity


def test_a_coordinator_registers_an_offline_person_and_acts_for_them(fatima, project):
    dennis = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="phone", phone="0113 496 0456"
    )
    assert dennis.user.email is None
    assert not dennis.user.has_usable_password()
    assert dennis.registered_by == fatima
    assert dennis.user.is_contributor
    services.update_profile(actor=fatima, contributor=dennis, interests="stroke")
    opportunity = OpportunityFactory(project=project)
    interest = services.express_interest(
        actor=fatima, opportunity=opportunity, contributor=dennis.user, message="By phone"
    )
    assert interest.entered_by == fatima
    audit = AuditEvent.objects.get(action="contributor.profile_updated")
    assert audit.data["on_behalf"] is True


def test_a_coordinator_cannot_act_for_someone_who_has_an_email(fatima, cara):
    contributor = ContributorFactory(user=cara)
    with pytest.raises(PermissionDenied):
        services.update_profile(actor=fatima, contributor=contributor, interests="anything")


def test_same_name_and_postcode_is_flagged_as_a_possible_duplicate(fatima):
    services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="post", address="1 Road", postcode="LS11 8PQ"
    )
    assert len(services.possible_duplicates(name="dennis morris", postcode="ls118pq")) == 1
    assert services.possible_duplicates(name="Dennis Morris", postcode="LS1 1AA") == []


def test_inviting_an_offline_person_sets_their_email_and_sends_a_password_link(
    fatima, morgan, django_capture_on_commit_callbacks
):
    dennis = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="phone", phone="1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_to_take_over(
            actor=fatima, contributor=dennis, email="dennis@example.org"
        )
    dennis.refresh_from_db()
    # Nothing happens until a second member of staff confirms the address.
    assert dennis.user.email is None
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_take_over_invitation(actor=morgan, invitation=invitation)
    dennis.refresh_from_db()
    assert dennis.user.email == "dennis@example.org"
    assert dennis.contact_method == "email"
    assert mail.outbox[0].to == ["dennis@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_the_invitation_link_lets_them_set_a_password(
    client, fatima, morgan, django_capture_on_commit_callbacks
):
    import re

    dennis = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="phone", phone="1"
    )
    invitation = services.invite_to_take_over(actor=fatima, contributor=dennis, email="dennis@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_take_over_invitation(actor=morgan, invitation=invitation)
    path = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(path).url
    response = client.post(
        form_url, {"password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 302
    dennis.user.refresh_from_db()
    assert dennis.user.check_password("a-long-pass-phrase-42")
    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"login": "dennis@example.org", "password": "a-long-pass-phrase-42"}, follow=True
    )
    assert signed_in.context["user"] == dennis.user


def test_erasure_keeps_payment_side_records_with_the_person_anonymised(cara, fatima, morgan, project):
    contributor = ContributorFactory(user=cara, phone="07700 900123", skills="reading")
    account = BankAccount(contributor=contributor)
    account.set_details(account_name="C B", sort_code="30-94-97", account_number="12345678")
    account.save()
    services.save_diversity(user=cara, consent=True, answers={"sex": "female"})
    participation = add_participant(
        actor=fatima,
        activity=ActivityFactory(project=project, past=True),
        contributor=opted_in(cara),
        status="attended",
    )
    role = RoleAssignmentFactory(contributor=cara, project=project)
    request = services.request_erasure(user=cara, reason="Moving away")

    with pytest.raises(PermissionDenied):
        services.decide_erasure(actor=fatima, request=request, confirm=True)
    services.decide_erasure(actor=morgan, request=request, confirm=True)

    cara.refresh_from_db()
    contributor.refresh_from_db()
    assert (cara.name, cara.email, cara.is_active) == ("Erased contributor", None, False)
    assert (contributor.phone, contributor.skills, contributor.erased_at is not None) == ("", "", True)
    assert not BankAccount.objects.exists()
    assert not DiversityRecord.objects.exists()
    snapshot = ParticipationDiversity.objects.get(participation=participation)
    assert (snapshot.has_answers, snapshot.sex, snapshot.year_of_birth) == (False, "", None)
    # What payments and reports hang on is still there, pointing at the anonymised person.
    assert Participation.objects.get(pk=participation.pk).contributor == cara
    assert RoleAssignment.objects.get(pk=role.pk).contributor == cara
    assert ErasureRequest.objects.get().status == "done"


def test_a_manager_cannot_confirm_their_own_erasure(morgan):
    request = services.request_erasure(user=morgan)
    with pytest.raises(PermissionDenied):
        services.decide_erasure(actor=morgan, request=request, confirm=True)


def test_the_yearly_sweep_invites_contributors_once_a_year(cara, olu):
    from contributors.panels import equality_review_sweep

    now = timezone.now() + timedelta(days=60)
    ContributorFactory(user=cara)
    ContributorFactory(user=olu)
    services.save_diversity(user=olu, consent=True, answers={"sex": "male"})
    lines = committed(equality_review_sweep, now=now, dry_run=False)
    assert lines == ["equality review invitation to cara@example.org"]
    assert committed(equality_review_sweep, now=now, dry_run=False) == []
    assert [m.to for m in mail.outbox] == [["cara@example.org"]]
    assert Contributor.objects.count() == 2


def test_every_chosen_person_gets_the_same_role_agreement(fatima, project):
    opportunity = OpportunityFactory(project=project, places=2)
    interests = []
    for _ in range(2):
        person = UserFactory(contributor=True)
        interests.append(services.express_interest(actor=person, opportunity=opportunity, contributor=person))
    services.select_candidates(
        actor=fatima,
        opportunity=opportunity,
        selected=interests,
        starts_on=timezone.localdate(),
        payment_offered="£40 a meeting",
        feedback_arrangements="A call after each meeting",
    )
    agreements = set(RoleAssignment.objects.values_list("payment_offered", "feedback_arrangements"))
    assert agreements == {("£40 a meeting", "A call after each meeting")}
