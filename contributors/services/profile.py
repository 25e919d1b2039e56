"""The profile: completing and editing it, contact methods, access needs and bank details."""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.models import AuditEvent, Role, User
from portal.services import model_update, record_audit

from .. import permissions
from ..models import BankAccount, BankDetailsChange, Contributor, PendingStatus
from ._common import ContributorError, _check_contact
from .reaching import notify

PROFILE_FIELDS = (
    "contact_method",
    "phone",
    "address",
    "postcode",
    "access_needs",
    "access_needs_other",
    "lived_experience",
    "interests",
    "skills",
    "bio",
    "status",
    "in_directory",
)


@transaction.atomic
def complete_profile(*, user: User, agree_privacy: bool, **fields) -> Contributor:
    """Create the contributor profile of someone who signed up (they agree to the privacy notice)."""
    if not agree_privacy:
        raise ContributorError("You need to agree to the privacy notice to take part.")
    if Contributor.objects.filter(user=user).exists():
        raise ContributorError("Your profile is already complete.")
    _check_contact(fields)
    contributor = Contributor.objects.create(
        user=user,
        privacy_agreed_at=timezone.now(),
        **{k: v for k, v in fields.items() if k in PROFILE_FIELDS},
    )
    if not user.is_contributor:
        user.groups.add(Group.objects.get(name=Role.CONTRIBUTOR))
    record_audit(actor=user, action="contributor.profile_completed", target=contributor)
    return contributor


@transaction.atomic
def update_profile(
    *, actor: User, contributor: Contributor, name=None, preferred_name=None, **fields
) -> Contributor:
    """Change contact details, access needs, interests, skills, bio, status or directory listing."""
    contributor = Contributor.objects.select_for_update().select_related("user").get(pk=contributor.pk)
    if not permissions.can_edit_profile(actor, contributor):
        raise PermissionDenied
    merged = {k: getattr(contributor, k) for k in PROFILE_FIELDS} | fields
    _check_contact(merged)
    changed = model_update(contributor, fields=PROFILE_FIELDS, **fields)
    user = contributor.user
    names = {"name": name, "preferred_name": preferred_name}
    changed += model_update(user, **{k: v for k, v in names.items() if v is not None})
    record_audit(
        actor=actor,
        action="contributor.profile_updated",
        target=contributor,
        fields=changed,
        on_behalf=actor.pk != user.pk,
    )
    return contributor


@transaction.atomic
def set_payment_preferences(
    *,
    actor: User,
    contributor: Contributor,
    payment_method: str,
    receives_benefits: bool,
    is_public_sector_employee: bool,
) -> Contributor:
    contributor = Contributor.objects.select_for_update().get(pk=contributor.pk)
    if not permissions.can_edit_profile(actor, contributor):
        raise PermissionDenied
    contributor.payment_method = payment_method
    contributor.receives_benefits = receives_benefits
    contributor.is_public_sector_employee = is_public_sector_employee
    contributor.save(
        update_fields=["payment_method", "receives_benefits", "is_public_sector_employee", "updated_at"]
    )
    record_audit(
        actor=actor,
        action="contributor.payment_preferences",
        target=contributor,
        payment_method=payment_method,
        receives_benefits=receives_benefits,
        is_public_sector_employee=is_public_sector_employee,
    )
    return contributor


@transaction.atomic
def set_bank_details(
    *, actor: User, contributor: Contributor, account_name: str, sort_code: str, account_number: str
) -> BankAccount | BankDetailsChange:
    """The person's own bank details take effect at once. Someone else's are a two-person act:
    they wait, as a BankDetailsChange, for a different staff member or the person to confirm.
    Either way the person is told by every channel they use."""
    contributor = Contributor.objects.select_for_update().select_related("user").get(pk=contributor.pk)
    if not permissions.can_edit_profile(actor, contributor):
        raise PermissionDenied
    details = {"account_name": account_name, "sort_code": sort_code, "account_number": account_number}
    if actor.pk == contributor.user_id:
        return _apply_bank_details(actor=actor, contributor=contributor, details=details)
    # A newer entry replaces one still waiting: only one change can be confirmed.
    BankDetailsChange.objects.filter(contributor=contributor, status=PendingStatus.PENDING).update(
        status=PendingStatus.CANCELLED, decided_at=timezone.now()
    )
    change = BankDetailsChange(contributor=contributor, entered_by=actor)
    change.set_details(**details)
    change.save()
    record_audit(
        actor=actor, action="bank_details.change_entered", target=contributor, last_four=change.last_four
    )
    when = timezone.localtime(change.entered_at).strftime("%-d %B %Y at %H:%M")
    notify(
        user=contributor.user,
        template="contributors_bank_details_changed",
        subject="New bank details are waiting to be confirmed",
        body=(
            f"{actor} entered new bank details for you on {when} ({change.masked}). They are "
            "not used until someone else confirms them. If you did not ask for this change, "
            "please call us."
        ),
        context={"masked": change.masked, "when": when, "pending": True},
        raised_by=actor,
    )
    return change


def _apply_bank_details(*, actor: User, contributor: Contributor, details: dict, confirmed_change=None):
    account = BankAccount.objects.filter(contributor=contributor).first() or BankAccount(
        contributor=contributor
    )
    replaced = account.pk is not None
    account.set_details(**details)
    account.save()
    extra = {"entered_by": confirmed_change.entered_by_id} if confirmed_change else {}
    record_audit(
        actor=actor,
        action="bank_details.changed",
        target=contributor,
        last_four=account.last_four,
        replaced=replaced,
        **extra,
    )
    when = timezone.localtime().strftime("%-d %B %Y at %H:%M")
    notify(
        user=contributor.user,
        template="contributors_bank_details_changed",
        subject="Your bank details were changed",
        body=(
            f"The bank details we hold for you were changed on {when} (now {account.masked}). "
            "If you did not make this change, please call us."
        ),
        context={"masked": account.masked, "when": when},
        raised_by=confirmed_change.entered_by if confirmed_change else None,
    )
    return account


@transaction.atomic
def confirm_bank_details_change(
    *, actor: User, change: BankDetailsChange, confirm: bool = True
) -> BankDetailsChange:
    """The second person confirms (the details take effect) or cancels a waiting change."""
    change = (
        BankDetailsChange.objects.select_for_update()
        .select_related("contributor__user", "entered_by")
        .get(pk=change.pk)
    )
    if not permissions.can_confirm_bank_change(actor, change):
        raise PermissionDenied
    if change.status != PendingStatus.PENDING:
        raise ContributorError("These bank details have already been confirmed or cancelled.")
    change.status = PendingStatus.CONFIRMED if confirm else PendingStatus.CANCELLED
    change.decided_by, change.decided_at = actor, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    if confirm:
        _apply_bank_details(
            actor=actor, contributor=change.contributor, details=change.reveal(), confirmed_change=change
        )
    else:
        record_audit(actor=actor, action="bank_details.change_cancelled", target=change.contributor)
    return change


def reveal_bank_details(*, actor: User, contributor: Contributor, reason: str) -> dict | None:
    """Decrypt a contributor's bank details for `reason`, writing an access-log row first."""
    account = BankAccount.objects.filter(contributor=contributor).first()
    if account is None:
        return None
    record_audit(actor=actor, action="bank_details.read", target=contributor, reason=reason)
    return account.reveal()


def reveal_bank_details_many(*, actor: User, contributors, reason: str) -> dict:
    """reveal_bank_details for many people at once (a finance export): one query for the
    accounts and one insert for the access-log rows, not three queries a person. Returns
    {contributor pk: details} for those with an account."""
    accounts = {a.contributor_id: a for a in BankAccount.objects.filter(contributor__in=contributors)}
    people = [c for c in contributors if c.pk in accounts]
    kind = ContentType.objects.get_for_model(Contributor)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action="bank_details.read",
            target_type=kind,
            target_id=str(c.public_id),
            target_repr=str(c)[:200],
            data={"reason": reason},
        )
        for c in people
    )
    return {c.pk: accounts[c.pk].reveal() for c in people}
