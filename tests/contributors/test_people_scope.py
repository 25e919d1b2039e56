"""People are scoped, and changing someone else's bank details is a two-person act (issue 11).

Two coordinators of different projects: Fatima registered Dennis (offline, takes part in her
project); Sam runs his own project, with Erin (who signs in) taking part. Each proves every
act both ways: the one with the link may, the one without gets 404 and nothing changes.
"""

import time
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from contributors import services
from contributors.models import BankAccount, ContactTask, PendingStatus, TakeOverInvitation
from payments import permissions as payment_permissions
from payments import services as payment_services
from payments.models import Claim
from portal.models import AuditEvent, Participation
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ContributorFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)
from tests.mfa import pass_mfa

BANK = {"account_name": "S Other", "sort_code": "40-11-22", "account_number": "87654321"}


def _recently_signed_in(client, user):
    """As allauth records a password sign-in: what re-authentication checks."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session.save()


@pytest.fixture
def world(fatima, other_coordinator, morgan, project):
    sam = other_coordinator
    sams_project = ProjectFactory(lead=sam, title="Sam's project")
    dennis = services.register_offline_contributor(
        actor=fatima, name="Dennis Morris", contact_method="phone", phone="0113 496 0123"
    )
    ParticipationFactory(activity=ActivityFactory(project=project), contributor=dennis.user)
    erin = ContributorFactory(user=UserFactory(email="erin@example.org", name="Erin Shaw", contributor=True))
    ParticipationFactory(activity=ActivityFactory(project=sams_project), contributor=erin.user)
    task = ContactTask.objects.create(
        contributor=dennis, channel="phone", subject="Call", body="About Tuesday"
    )
    return {
        "fatima": fatima,
        "sam": sam,
        "morgan": morgan,
        "project": project,
        "sams_project": sams_project,
        "sams_activity": ActivityFactory(project=sams_project),
        "dennis": dennis,
        "erin": erin,
        "task": task,
    }


def _person_urls(contributor):
    args = [contributor.public_id]
    return [
        reverse("contributors:person_detail", args=args),
        reverse("contributors:person_edit", args=args),
        reverse("contributors:person_payment", args=args),
        reverse("contributors:offline_interest", args=args),
        reverse("contributors:offline_invite", args=args),
    ]


def test_each_coordinator_reaches_their_own_people_and_gets_404_for_the_others(client, world):
    for coordinator, mine, theirs in (
        (world["fatima"], world["dennis"], world["erin"]),
        (world["sam"], world["erin"], world["dennis"]),
    ):
        client.force_login(coordinator)
        assert client.get(reverse("contributors:person_detail", args=[mine.public_id])).status_code == 200
        for url in _person_urls(theirs):
            assert client.get(url).status_code == 404, url
        _recently_signed_in(client, coordinator)
        bank_url = reverse("contributors:person_bank_details", args=[theirs.public_id])
        assert client.get(bank_url).status_code == 404
    client.force_login(world["morgan"])
    for person in (world["dennis"], world["erin"]):
        assert client.get(reverse("contributors:person_detail", args=[person.public_id])).status_code == 200


def test_the_take_over_chain_fails_at_its_first_step_and_every_later_step_changes_nothing(client, world):
    sam, dennis = world["sam"], world["dennis"]
    _recently_signed_in(client, sam)
    # 1. Open the profile: 404.
    assert client.get(reverse("contributors:person_detail", args=[dennis.public_id])).status_code == 404
    # 2. Change the bank details to his own account (he has signed in again): 404.
    url = reverse("contributors:person_bank_details", args=[dennis.public_id])
    assert client.post(url, BANK).status_code == 404
    # 3. Invite "them" at an address he chose: 404.
    url = reverse("contributors:offline_invite", args=[dennis.public_id])
    assert client.post(url, {"email": "sam.personal@example.org"}).status_code == 404
    # 4. Add them to his own activity: the picker does not offer them.
    url = reverse("portal:participant_add", args=[world["sams_activity"].public_id])
    assert client.post(url, {"contributor": dennis.user.pk}).status_code == 400
    # 4b. Nor give them a role on his project (a role would be a link).
    url = reverse("contributors:role_create", args=[world["sams_project"].public_id])
    form = {"contributor": dennis.user.pk, "role_type": "lay_reviewer", "starts_on": "2026-01-01"}
    assert client.post(url, form).status_code == 400
    with pytest.raises(PermissionDenied):
        services.assign_role(
            actor=sam,
            contributor=dennis.user,
            project=world["sams_project"],
            role_type="lay_reviewer",
            starts_on=timezone.localdate(),
        )
    # 5. Claim for them on his own project.
    with pytest.raises(PermissionDenied):
        payment_services.start_ad_hoc_claim(
            actor=sam,
            contributor=dennis.user,
            project=world["sams_project"],
            description="A chat",
            work_on=timezone.localdate(),
        )
    # 6. Mark the only alert done: 404.
    url = reverse("contributors:contact_task_done", args=[world["task"].public_id])
    assert client.post(url).status_code == 404
    # Nothing changed.
    dennis.refresh_from_db()
    dennis.user.refresh_from_db()
    assert dennis.user.email is None
    assert not BankAccount.objects.filter(contributor=dennis).exists()
    assert not dennis.bank_changes.exists()
    assert not TakeOverInvitation.objects.exists()
    assert not Participation.objects.filter(
        contributor=dennis.user, activity__project=world["sams_project"]
    ).exists()
    assert not Claim.objects.filter(contributor=dennis.user).exists()
    assert not dennis.user.role_assignments.exists()
    world["task"].refresh_from_db()
    assert world["task"].done_at is None
    assert not AuditEvent.objects.filter(actor=sam).exists()
    assert mail.outbox == []


def test_the_services_refuse_out_of_scope_acts_too(world):
    sam, dennis = world["sam"], world["dennis"]
    for call in (
        lambda: services.update_profile(actor=sam, contributor=dennis, phone="999"),
        lambda: services.set_bank_details(actor=sam, contributor=dennis, **BANK),
        lambda: services.invite_to_take_over(actor=sam, contributor=dennis, email="x@example.org"),
        lambda: services.mark_contact_task_done(actor=sam, task=world["task"]),
        lambda: services.set_payment_preferences(
            actor=sam,
            contributor=dennis,
            payment_method="vouchers",
            receives_benefits=False,
            is_public_sector_employee=False,
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    dennis.refresh_from_db()
    assert (dennis.phone, dennis.payment_method) == ("0113 496 0123", "bank_transfer")


def test_the_letters_and_calls_list_shows_only_people_in_scope(client, world):
    erin_task = ContactTask.objects.create(
        contributor=world["erin"], channel="post", subject="Letter", body=""
    )
    client.force_login(world["sam"])
    page = client.get(reverse("contributors:contact_tasks")).content.decode()
    assert "Erin Shaw" in page
    assert "Dennis Morris" not in page
    client.force_login(world["fatima"])
    page = client.get(reverse("contributors:contact_tasks")).content.decode()
    assert "Dennis Morris" in page
    assert "Erin Shaw" not in page
    assert (
        client.post(reverse("contributors:contact_task_done", args=[erin_task.public_id])).status_code == 404
    )
    erin_task.refresh_from_db()
    assert erin_task.done_at is None


def test_the_letters_pdf_prints_only_letters_to_people_in_scope(client, world):
    import subprocess

    ContactTask.objects.create(contributor=world["erin"], channel="post", subject="Letter for Erin", body="x")
    ContactTask.objects.create(
        contributor=world["dennis"], channel="post", subject="Letter for Dennis", body="y"
    )

    def printed(user) -> str:
        client.force_login(user)
        pdf = client.get(reverse("contributors:contact_letters")).content
        return subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()

    sams, fatimas = printed(world["sam"]), printed(world["fatima"])
    assert "Letter for Erin" in sams
    assert "Letter for Dennis" not in sams
    assert "Letter for Dennis" in fatimas
    assert "Erin" not in fatimas


def test_the_directory_lists_offline_people_only_to_coordinators_who_reach_them(client, world):
    client.force_login(world["sam"])
    assert "Dennis Morris" not in client.get(reverse("contributors:directory")).content.decode()
    client.force_login(world["fatima"])
    assert "Dennis Morris" in client.get(reverse("contributors:directory")).content.decode()


def test_the_add_participant_picker_offers_people_in_scope_and_those_who_opted_into_the_directory(
    client, world
):
    listed = ContributorFactory(user=UserFactory(name="Lee Listed", contributor=True), in_directory=True)
    # An offline person listed in the directory is still not reachable by a stranger: the
    # opt-in would otherwise let a coordinator act for them.
    world["dennis"].in_directory = True
    world["dennis"].save()
    client.force_login(world["sam"])
    page = client.get(
        reverse("portal:activity_detail", args=[world["sams_activity"].public_id])
    ).content.decode()
    assert "Erin Shaw" in page
    assert "Lee Listed" in page
    assert "Dennis Morris" not in page
    response = client.post(
        reverse("portal:participant_add", args=[world["sams_activity"].public_id]),
        {"contributor": listed.user.pk},
    )
    assert response.status_code == 302
    # Taking part is a link: Sam now reaches Lee's profile.
    assert client.get(reverse("contributors:person_detail", args=[listed.public_id])).status_code == 200


# --- Two-person bank details -----------------------------------------------------------------


def test_bank_details_entered_for_someone_else_wait_for_a_second_person(
    client, world, django_capture_on_commit_callbacks
):
    fatima, sam, morgan, dennis = world["fatima"], world["sam"], world["morgan"], world["dennis"]
    change = services.set_bank_details(actor=fatima, contributor=dennis, **BANK)
    assert change.status == PendingStatus.PENDING
    assert not BankAccount.objects.filter(contributor=dennis).exists()
    # Dennis is told by the channel he uses (a phone call), which Fatima may not close.
    alert = dennis.contact_tasks.get(subject="New bank details are waiting to be confirmed")
    assert alert.raised_by == fatima
    client.force_login(fatima)
    assert client.post(reverse("contributors:contact_task_done", args=[alert.public_id])).status_code == 403
    alert.refresh_from_db()
    assert alert.done_at is None
    # Fatima cannot confirm her own entry; Sam cannot reach it.
    assert client.post(reverse("contributors:bank_change_decide", args=[change.public_id])).status_code == 403
    client.force_login(sam)
    assert client.post(reverse("contributors:bank_change_decide", args=[change.public_id])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.confirm_bank_details_change(actor=fatima, change=change)
    change.refresh_from_db()
    assert change.status == PendingStatus.PENDING
    assert not BankAccount.objects.filter(contributor=dennis).exists()
    # A second member of staff confirms, with the code typed in this session (a session that
    # has an authenticator but did not use it is sent to type it, and nothing changes).
    client.force_login(morgan)
    Authenticator.objects.create(user=morgan, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = client.post(
        reverse("contributors:bank_change_decide", args=[change.public_id]), {"decision": "confirm"}
    )
    assert reverse("mfa_reauthenticate") in response["Location"]
    assert not BankAccount.objects.filter(contributor=dennis).exists()
    pass_mfa(client, morgan)
    response = client.post(
        reverse("contributors:bank_change_decide", args=[change.public_id]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    assert BankAccount.objects.get(contributor=dennis).reveal()["account_number"] == "87654321"
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (PendingStatus.CONFIRMED, morgan)
    assert AuditEvent.objects.filter(
        action="bank_details.changed", actor=morgan, data__entered_by=fatima.pk
    ).exists()
    confirmed = dennis.contact_tasks.get(subject="Your bank details were changed")
    assert confirmed.raised_by == fatima
    # The alert can be closed by someone else.
    services.mark_contact_task_done(actor=morgan, task=alert)


def test_the_person_themself_may_confirm_and_is_emailed(client, world, django_capture_on_commit_callbacks):
    erin = world["erin"]
    erin.user.set_password("a-long-pass-phrase-42")
    erin.user.save()
    # Sam can reach Erin but she can sign in: he cannot act for her.
    with pytest.raises(PermissionDenied):
        services.set_bank_details(actor=world["sam"], contributor=erin, **BANK)
    # An offline person who has taken over their account confirms a change on their profile.
    dennis = world["dennis"]
    with django_capture_on_commit_callbacks(execute=True):
        change = services.set_bank_details(actor=world["fatima"], contributor=dennis, **BANK)
    dennis.user.email = "dennis@example.org"
    dennis.user.set_password("another-long-phrase-7")
    dennis.user.save()
    client.force_login(dennis.user)
    assert "Waiting for a second person" in client.get(reverse("contributors:profile")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contributors:bank_change_decide", args=[change.public_id]), {"decision": "confirm"}
        )
    assert response.status_code == 302
    assert BankAccount.objects.get(contributor=dennis).last_four == "4321"
    assert mail.outbox[-1].to == ["dennis@example.org"]


def test_a_take_over_invitation_is_sent_only_after_a_second_member_of_staff_confirms(
    client, world, django_capture_on_commit_callbacks
):
    fatima, morgan, dennis = world["fatima"], world["morgan"], world["dennis"]
    client.force_login(fatima)
    url = reverse("contributors:offline_invite", args=[dennis.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"email": "dennis@example.org"}).status_code == 302
    invitation = TakeOverInvitation.objects.get()
    dennis.user.refresh_from_db()
    assert dennis.user.email is None
    assert mail.outbox == []
    decide = reverse("contributors:invitation_decide", args=[invitation.public_id])
    assert client.post(decide, {"decision": "confirm"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == PendingStatus.PENDING
    client.force_login(morgan)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(decide, {"decision": "confirm"}).status_code == 302
    dennis.user.refresh_from_db()
    assert dennis.user.email == "dennis@example.org"
    assert mail.outbox[0].to == ["dennis@example.org"]


# --- Deciding claims after touching payment details -------------------------------------------


def can_decide(user, claim):
    # A fresh user object, as each request has: the predicate caches per user object.
    return payment_permissions.can_decide_claim(type(user).objects.get(pk=user.pk), claim)


def test_whoever_changed_a_persons_payment_details_cannot_decide_their_claims_for_a_while(world, settings):
    settings.PORTAL_PAYMENT_DETAILS_COOLING_DAYS = 30
    fatima, morgan, dennis = world["fatima"], world["morgan"], world["dennis"]
    co_lead = UserFactory(email="co@example.org", coordinator=True)
    world["project"].coordinators.add(co_lead)
    claim = ClaimFactory(
        participation=ParticipationFactory(
            attended=True,
            contributor=dennis.user,
            activity=ActivityFactory(project=world["project"], past=True),
        ),
        status="submitted",
    )
    assert can_decide(co_lead, claim)
    services.set_payment_preferences(
        actor=co_lead,
        contributor=dennis,
        payment_method="vouchers",
        receives_benefits=False,
        is_public_sector_employee=False,
    )
    assert not can_decide(co_lead, claim)
    assert can_decide(morgan, claim)
    services.invite_to_take_over(actor=morgan, contributor=dennis, email="dennis@example.org")
    assert not can_decide(morgan, claim)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert can_decide(co_lead, claim)
        assert can_decide(morgan, claim)
    assert fatima  # registered Dennis; registering is not a payment-detail change


def test_coordinators_claim_only_for_people_who_cannot_sign_in(world):
    fatima, dennis = world["fatima"], world["dennis"]
    online = ContributorFactory(
        user=UserFactory(email="on@example.org", contributor=True), contact_method="phone"
    )
    online.user.set_password("a-long-pass-phrase-42")
    online.user.save()
    ParticipationFactory(activity=ActivityFactory(project=world["project"]), contributor=online.user)
    assert payment_permissions.can_claim_for(fatima, dennis.user, world["project"])
    # Prefers the phone, but can sign in: claims for themself.
    assert not payment_permissions.can_claim_for(fatima, online.user, world["project"])
    dennis.user.email = "dennis@example.org"
    dennis.user.set_password("another-long-phrase-7")
    dennis.user.save()
    assert not payment_permissions.can_claim_for(fatima, dennis.user, world["project"])


def test_the_mfa_redirect_encodes_next(client, fatima, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client.force_login(fatima)
    path = reverse("contributors:directory") + "?q=a&b=c"
    response = client.get(path)
    assert response.status_code == 302
    assert "next=" + quote(path, safe="") in response["Location"]


def test_the_offline_scope_is_the_whole_scope_narrowed_to_offline_people_whatever_the_link(world):
    """`offline_visible_to` checks each link person by person for the offline people (for
    PostgreSQL's sake, docs/performance.md): it must keep exactly the scope's offline people,
    reached by a role, an interest, taking part or having registered them, and nobody who signs
    in; and nobody at all for a coordinator with no projects who registered nobody."""
    from contributors.models import Contributor, ExpressionOfInterest, offline_visible_to
    from tests.factories import OpportunityFactory, RoleAssignmentFactory

    sam, sams_project = world["sam"], world["sams_project"]

    def offline_keys_visible_to(user):
        return offline_visible_to(user).values_list("profile", flat=True)

    def offline(name):
        return ContributorFactory(user=UserFactory(email=None, name=name, contributor=True))

    by_role, by_interest, taking_part, unlinked = (offline(n) for n in ("Rae", "Ines", "Pat", "Una"))
    RoleAssignmentFactory(contributor=by_role.user, project=sams_project)
    ExpressionOfInterest.objects.create(
        opportunity=OpportunityFactory(project=sams_project), contributor=by_interest.user
    )
    ParticipationFactory(activity=world["sams_activity"], contributor=taking_part.user)
    signs_in = ContributorFactory(user=UserFactory(name="Sid", contributor=True))
    RoleAssignmentFactory(contributor=signs_in.user, project=sams_project)

    for coordinator in (sam, world["fatima"]):
        whole = sorted(
            (c.user.name, c.pk) for c in Contributor.objects.visible_to(coordinator) if c.user.is_offline
        )
        assert list(offline_keys_visible_to(coordinator)) == [pk for _name, pk in whole]
    assert set(offline_keys_visible_to(sam)) == {by_role.pk, by_interest.pk, taking_part.pk}
    assert list(offline_keys_visible_to(world["fatima"])) == [world["dennis"].pk]
    assert list(offline_keys_visible_to(UserFactory(coordinator=True))) == []
    assert unlinked not in Contributor.objects.visible_to(sam)
    # An erased profile is never listed, however the person was reached.
    taking_part.erased_at = by_role.erased_at = timezone.now()
    Contributor.objects.bulk_update([taking_part, by_role], ["erased_at"])
    assert list(offline_keys_visible_to(sam)) == [by_interest.pk]


def test_done_recently_is_the_newest_twenty_done(client, world):
    """The model orders tasks by when each was done, oldest first: "Done recently" showed the
    first twenty ever done, so a letter posted today never appeared there."""
    now = timezone.now()
    for n in range(25):
        ContactTask.objects.create(
            contributor=world["erin"],
            channel="post",
            subject=f"Letter {n:02d}",
            body="",
            done_at=now - timedelta(days=n),
        )
    client.force_login(world["sam"])
    page = client.get(reverse("contributors:contact_tasks")).content.decode()
    done = page.split("Done recently", 1)[1]
    assert ("Letter 00" in done, "Letter 19" in done, "Letter 20" in done, "Letter 24" in done) == (
        True,
        True,
        False,
        False,
    )
    assert done.index("Letter 00") < done.index("Letter 19")
