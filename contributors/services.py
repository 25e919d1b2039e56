"""Every write (and every sensitive read) about a contributor's profile."""

from portal.models import User
from portal.services import record_audit

from .models import BankAccount, Contributor


def reveal_bank_details(*, actor: User, contributor: Contributor, reason: str) -> dict | None:
    """Decrypt a contributor's bank details for `reason`, writing an access-log row first."""
    account = BankAccount.objects.filter(contributor=contributor).first()
    if account is None:
        return None
    record_audit(actor=actor, action="bank_details.read", target=contributor, reason=reason)
    return account.reveal()
