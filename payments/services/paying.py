"""Paying approved claims: payment runs and the finance export."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.models import User
from portal.money import ZERO
from portal.people import hint as person_hint
from portal.services import record_audit

from .. import permissions, workflow
from ..models import Claim, ClaimStatus, PaymentBatch, PaymentMethod
from ._common import ClaimError, _move, _notify


def _method_of(claim: Claim) -> str:
    return PaymentMethod.VOUCHERS if claim.pays_by_vouchers else PaymentMethod.BANK_TRANSFER


@transaction.atomic
def mark_claims_paid(*, actor: User, claims: list[Claim], paid_on: date, reference: str) -> PaymentBatch:
    """Record one payment run: every claim must be approved, owed money and paid the same way
    (a bank run and a voucher order are separate batches), and all become paid together."""
    if not permissions.can_pay_claims(actor):
        raise PermissionDenied
    if not claims:
        raise ClaimError("Choose at least one approved claim to mark as paid.")
    locked = workflow.lock_approved(
        Claim.objects.with_payment_route(), claims, error=ClaimError, nouns="claims"
    )
    too_soon = [c for c in locked if c.pay_after and c.pay_after > paid_on]
    if too_soon:
        raise ClaimError(
            f"{', '.join(c.reference for c in too_soon)}: the contributor asked not to be paid before "
            f"{too_soon[0].pay_after:%d %B %Y}; nothing was marked paid."
        )
    if any(c.total <= ZERO for c in locked):
        raise ClaimError("A claim for £0.00 owes nothing and cannot join a payment run.")
    methods = {_method_of(c) for c in locked}
    if len(methods) > 1:
        raise ClaimError("Bank transfers and vouchers are paid in separate runs.")
    method = methods.pop()
    no_bank = [c for c in locked if method == PaymentMethod.BANK_TRANSFER and not c.has_bank_details]
    if no_bank:
        raise ClaimError(
            f"{', '.join(c.reference for c in no_bank)}: no bank details, so it cannot be paid by "
            "bank transfer. Ask the contributor for them first."
        )
    batch = PaymentBatch.objects.create(
        paid_on=paid_on, reference=reference.strip(), created_by=actor, method=method
    )
    for claim in locked:
        _move(claim, to=ClaimStatus.PAID, actor=actor, note=f"Payment reference {batch.reference}")
        claim.batch, claim.paid_on, claim.payment_reference = batch, paid_on, batch.reference
        claim.save(update_fields=["status", "batch", "paid_on", "payment_reference", "updated_at"])
        _notify(claim, claim.events.last())
    record_audit(
        actor=actor,
        action="payments.batch_paid",
        target=batch,
        claims=len(locked),
        method=method,
        total=str(sum((c.total for c in locked), ZERO)),
    )
    return batch


@transaction.atomic
def pay_run(
    *, actor: User, claims: list[Claim], paid_on: date, bank_reference: str = "", voucher_reference: str = ""
) -> list[PaymentBatch]:
    """The paying page's confirm step: the chosen claims split into a bank-transfer batch and a
    voucher batch, each with its own reference; either all are recorded or none."""
    routed = Claim.objects.with_payment_route().filter(pk__in=[c.pk for c in claims]).order_by("pk")
    groups = {PaymentMethod.BANK_TRANSFER: [], PaymentMethod.VOUCHERS: []}
    for claim in routed:
        groups[_method_of(claim)].append(claim)
    references = {PaymentMethod.BANK_TRANSFER: bank_reference, PaymentMethod.VOUCHERS: voucher_reference}
    batches = []
    for method, group in groups.items():
        if not group:
            continue
        if not references[method].strip():
            raise ClaimError(f"Enter the {PaymentMethod(method).label.lower()} reference.")
        batches.append(
            mark_claims_paid(actor=actor, claims=group, paid_on=paid_on, reference=references[method])
        )
    if not batches:
        raise ClaimError("Choose at least one approved claim to mark as paid.")
    return batches


def record_finance_export(*, actor: User, batch: PaymentBatch | None, rows: int) -> None:
    record_audit(actor=actor, action="payments.finance_export", target=batch, rows=rows)


FINANCE_EXPORT_COLUMNS = [
    "payee",
    # Tells two payees with the same name apart (portal.people.hint).
    "payee_hint",
    "claim",
    "project",
    "method",
    "fee",
    "expenses",
    "total",
    "account_name",
    "sort_code",
    "account_number",
    "paid_on",
    "reference",
]


_EXPORTED_CLAIM_FIELDS = (
    "batch",  # batch.claims reads it on each claim to attach the batch: deferred, one query each
    "reference",
    "fee_total",
    "expense_total",
    "total",
    "contributor",
    "contributor__name",
    "contributor__email",
    "contributor__public_id",
    "project",
    "project__title",
)


def finance_export_rows(*, actor: User, batch: PaymentBatch) -> list[list[str]]:
    """The finance CSV's rows for one payment run, in FINANCE_EXPORT_COLUMNS order. Bank details
    are decrypted (and each read logged) only for a bank-transfer run; the export is recorded.
    A fixed number of queries however many claims the run holds."""
    from contributors.models import Contributor
    from contributors.services.profile import reveal_bank_details_many

    if not permissions.can_export_finance(actor):
        raise PermissionDenied
    # Only the columns the CSV and the access log use: whole claims, people and projects made
    # 1,500 claims about 10,000 model instances and 18,000 timestamps to read, most of the time.
    claims = list(
        batch.claims.select_related("contributor", "project")
        .only(*_EXPORTED_CLAIM_FIELDS)
        .order_by("contributor__name", "pk")
    )
    # One query for the profiles and one for the bank details of the whole run, not per claim.
    profiles = {
        c.user_id: c
        for c in Contributor.objects.filter(user__in={claim.contributor_id for claim in claims})
        .select_related("user")
        .only("public_id", "user", "user__name", "user__email", "user__public_id")
    }
    # Vouchers if chosen on the claim or the profile; otherwise a bank transfer, which also
    # repays the expenses of someone who declined the fee.
    method = batch.method
    banks = {}
    if method == "bank_transfer":
        banks = reveal_bank_details_many(
            actor=actor,
            contributors=list({p.pk: p for p in profiles.values()}.values()),
            reason=f"finance export {batch.reference}",
        )
    rows = []
    for claim in claims:
        profile = profiles.get(claim.contributor_id)
        bank = banks.get(profile.pk, {}) if profile else {}
        rows.append(
            [
                claim.contributor.name,
                person_hint(claim.contributor),
                claim.reference,
                claim.project.title,
                method,
                f"{claim.fee_total:.2f}",
                f"{claim.expense_total:.2f}",
                f"{claim.total:.2f}",
                bank.get("account_name", ""),
                bank.get("sort_code", ""),
                bank.get("account_number", ""),
                batch.paid_on.isoformat(),
                batch.reference,
            ]
        )
    record_finance_export(actor=actor, batch=batch, rows=len(rows))
    return rows
