"""Data rights: a person's erasure request and its decision."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.emails import deliver, send_templated_email
from portal.models import User
from portal.services import forget_identifiers, forget_stored_mail, record_audit
from portal.signals import person_erased

from .. import permissions
from ..models import (
    BankAccount,
    BenefitAnswer,
    Contributor,
    DiversityRecord,
    ErasureRequest,
    ErasureStatus,
    ExpressionOfInterest,
    ParticipationDiversity,
)
from ._common import ContributorError

ERASED_NAME = "Erased contributor"


@transaction.atomic
def request_erasure(*, user: User, reason: str = "") -> ErasureRequest:
    if ErasureRequest.objects.filter(user=user, status=ErasureStatus.REQUESTED).exists():
        raise ContributorError("You have already asked us to erase your data.")
    req = ErasureRequest.objects.create(user=user, reason=reason)
    record_audit(actor=user, action="erasure.requested", target=req)
    return req


@transaction.atomic
def decide_erasure(*, actor: User, request: ErasureRequest, confirm: bool, note: str = "") -> ErasureRequest:
    """A manager confirms (the person is anonymised) or refuses, with a note."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if not permissions.can_decide_erasure(actor, request):
        raise PermissionDenied
    if request.status != ErasureStatus.REQUESTED:
        raise ContributorError("This request has already been decided.")
    email = request.user.email
    name = request.user.name
    request.status = ErasureStatus.DONE if confirm else ErasureStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save()
    if confirm:
        request.to_check = anonymise_person(user=request.user)
        request.save(update_fields=["to_check"])
    record_audit(actor=actor, action="erasure.confirmed" if confirm else "erasure.refused", target=request)
    ctx = {"confirm": confirm, "note": note, "name": name}

    def tell_them():
        message = send_templated_email(name="contributors_erasure_decided", to=[email], context=ctx)
        if confirm:
            # Sent now rather than by the queue (which then skips it), so that the copy the
            # file backend keeps of every message, this one included, can be forgotten.
            if message is not None:
                deliver(message.pk)
            forget_stored_mail(identifiers=[name, email])

    transaction.on_commit(tell_them)
    return request


def anonymise_person(*, user: User) -> list[dict]:
    """Blank everything that identifies the person; keep participations, roles and (in other
    apps) payment records, which now point at "Erased contributor". Returns what the apps could
    not blank themselves, for a person to check by hand ([{"label", "url"}]: person_erased's
    answers, such as impact's evidence files).

    Their participation diversity snapshots are blanked (has_answers=False), not deleted: an
    erased person's special category data should not outlive them, and keeping the empty row
    means past reports still count the participation, as "not answered".
    """
    contributor = Contributor.objects.profile_of(user)
    identifiers = [user.name, user.preferred_name, user.email or ""]
    identifiers += list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    if contributor is not None:
        identifiers += [contributor.phone, contributor.postcode, *contributor.address.splitlines()]
    # Each app blanks what the person wrote or uploaded there (payments, feedback, impact), and
    # may answer with what it cannot (files others uploaded).
    answers = person_erased.send(sender=User, user=user)
    to_check = [item for _, found in answers if isinstance(found, list) for item in found]
    ErasureRequest.objects.filter(user=user).update(reason="", decision_note="")
    DiversityRecord.objects.filter(user=user).delete()
    BenefitAnswer.objects.filter(user=user).delete()
    blank = dict.fromkeys(DiversityRecord.ANSWER_FIELDS, "")
    blank.update(year_of_birth=None, year_of_birth_prefer_not_to_say=False, has_answers=False)
    ParticipationDiversity.objects.filter(participation__contributor=user).update(**blank)
    EmailAddress.objects.filter(user=user).delete()
    if contributor is not None:
        BankAccount.objects.filter(contributor=contributor).delete()
        contributor.bank_changes.all().delete()
        contributor.invitations.all().delete()
        contributor.contact_tasks.all().delete()
        for name in (
            "phone",
            "address",
            "postcode",
            "access_needs_other",
            "lived_experience",
            "interests",
            "skills",
            "bio",
        ):
            setattr(contributor, name, "")
        contributor.access_needs = []
        contributor.in_directory = False
        contributor.status = "left"
        contributor.erased_at = timezone.now()
        contributor.save()
    ExpressionOfInterest.objects.filter(contributor=user).update(message="")
    user.name = ERASED_NAME
    user.preferred_name = ""
    user.email = None
    user.is_active = False
    user.muted_reminders = []
    user.set_unusable_password()
    user.save()
    # Last: wherever anyone else typed their name or contacts (audit rows, notes, certificates).
    forget_identifiers(identifiers=identifiers)
    return to_check
