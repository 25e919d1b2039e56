"""Offline people: registering them, taking over their profile, letters and calls."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.emails import send_templated_email
from portal.links import absolute_url
from portal.models import Role, User
from portal.services import record_audit

from .. import permissions
from ..models import ContactMethod, Contributor, PendingStatus, TakeOverInvitation
from ._common import ContributorError, _check_contact
from .profile import PROFILE_FIELDS


def possible_duplicates(*, name: str, postcode: str):
    """People already registered with the same name and postcode."""
    norm = "".join(postcode.split()).upper()
    if not (name.strip() and norm):
        return Contributor.objects.none()
    candidates = Contributor.objects.filter(user__name__iexact=name.strip(), erased_at__isnull=True)
    return [c for c in candidates.select_related("user") if "".join(c.postcode.split()).upper() == norm]


@transaction.atomic
def register_offline_contributor(
    *, actor: User, name: str, preferred_name: str = "", **fields
) -> Contributor:
    """Register someone with no email or internet: a coordinator acts for them."""
    if not permissions.can_register_offline(actor):
        raise PermissionDenied
    _check_contact(fields)
    if fields.get("contact_method") == ContactMethod.EMAIL:
        raise ContributorError("Choose phone or post for someone who has no email.")
    user = User.objects.create_user(email=None, password=None, name=name, preferred_name=preferred_name)
    user.groups.add(Group.objects.get(name=Role.CONTRIBUTOR))
    contributor = Contributor.objects.create(
        user=user,
        registered_by=actor,
        privacy_agreed_at=timezone.now(),
        **{k: v for k, v in fields.items() if k in PROFILE_FIELDS},
    )
    record_audit(actor=actor, action="contributor.registered_offline", target=contributor)
    return contributor


@transaction.atomic
def invite_to_take_over(*, actor: User, contributor: Contributor, email: str) -> TakeOverInvitation:
    """Propose an address for an offline person to take over their account. Nothing is sent
    until a second staff member confirms the address (confirm_take_over_invitation)."""
    contributor = Contributor.objects.select_for_update().select_related("user").get(pk=contributor.pk)
    if not permissions.can_act_for(actor, contributor):
        raise PermissionDenied
    if User.objects.filter(email__iexact=email).exists():
        raise ContributorError("Someone already uses that email address.")
    TakeOverInvitation.objects.filter(contributor=contributor, status=PendingStatus.PENDING).update(
        status=PendingStatus.CANCELLED, decided_at=timezone.now()
    )
    invitation = TakeOverInvitation.objects.create(contributor=contributor, email=email, invited_by=actor)
    record_audit(actor=actor, action="contributor.invitation_entered", target=contributor)
    return invitation


@transaction.atomic
def confirm_take_over_invitation(
    *, actor: User, invitation: TakeOverInvitation, confirm: bool = True
) -> TakeOverInvitation:
    """A second staff member confirms the address (the link to set a password is sent there)
    or cancels the invitation."""
    invitation = (
        TakeOverInvitation.objects.select_for_update()
        .select_related("contributor__user")
        .get(pk=invitation.pk)
    )
    contributor = (
        Contributor.objects.select_for_update().select_related("user").get(pk=invitation.contributor_id)
    )
    if not permissions.can_confirm_invitation(actor, invitation):
        raise PermissionDenied
    if invitation.status != PendingStatus.PENDING:
        raise ContributorError("This invitation has already been confirmed or cancelled.")
    invitation.status = PendingStatus.CONFIRMED if confirm else PendingStatus.CANCELLED
    invitation.decided_by, invitation.decided_at = actor, timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at"])
    if not confirm:
        record_audit(actor=actor, action="contributor.invitation_cancelled", target=contributor)
        return invitation
    email = invitation.email
    if User.objects.filter(email__iexact=email).exists():
        raise ContributorError("Someone already uses that email address.")
    user = contributor.user
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    contributor.contact_method = ContactMethod.EMAIL
    contributor.save(update_fields=["contact_method", "updated_at"])
    record_audit(
        actor=actor,
        action="contributor.invited_to_take_over",
        target=contributor,
        invited_by=invitation.invited_by_id,
    )
    inviter = invitation.invited_by

    def send():
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str
        from django.urls import reverse

        key = default_token_generator.make_token(user)
        path = reverse(
            "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key}
        )
        send_templated_email(
            name="contributors_take_over_invitation",
            to=[email],
            context={"recipient": user, "url": absolute_url(path), "inviter": inviter},
        )

    transaction.on_commit(send)
    return invitation
