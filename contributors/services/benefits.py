"""The contributor's answer about benefits."""

from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.services import record_audit

from ..models import Benefit, BenefitAnswer
from ._common import ContributorError


def benefit_of(*, user: User) -> str | None:
    """The benefit a person said applies to them, for their own payment checks only."""
    return BenefitAnswer.objects.filter(user=user).values_list("benefit", flat=True).first()


@transaction.atomic
def save_benefit(*, user: User, consent: bool, benefit: str) -> BenefitAnswer:
    """Record which benefit applies, given with the person's explicit consent."""
    if not consent:
        raise ContributorError("Tick the box to say you agree, or leave this page without saving.")
    answer = BenefitAnswer.objects.select_for_update().filter(user=user).first()
    created = answer is None
    if created:
        answer = BenefitAnswer(user=user, consent_given_at=timezone.now())
    answer.benefit = Benefit(benefit)
    answer.save()
    # Like equality answers, the answer itself never goes into the audit trail.
    record_audit(actor=user, action="benefit.given" if created else "benefit.changed", target=user)
    return answer


@transaction.atomic
def withdraw_benefit(*, user: User) -> None:
    """Withdraw consent: the answer is deleted."""
    deleted, _ = BenefitAnswer.objects.filter(user=user).delete()
    if deleted:
        record_audit(actor=user, action="benefit.withdrawn", target=user)
