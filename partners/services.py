"""Every write about partners, their invoices, feedback and self-assessments: one function per
use case, each atomic, row-locked where two people could race, permission-checked and audited."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import workflow
from payments.models import ClaimStatus
from portal.emails import send_templated_email
from portal.errors import PortalError
from portal.links import absolute_reverse
from portal.models import Activity, Project, User
from portal.money import ZERO, to_money
from portal.services import model_update, record_audit

from . import evidence, permissions
from .models import (
    Assessment,
    Framework,
    Introduction,
    InvoiceEvent,
    Partner,
    PartnerContact,
    PartnerFeedback,
    PartnerInvoice,
    PartnerLink,
    PartnerPayRun,
    PartnerStatus,
    StandardAnswer,
    invoice_reference,
)

PARTNER_FIELDS = (
    "name",
    "kind",
    "communities",
    "status",
    "they_bring",
    "we_bring",
    "how_paid",
    "feedback_route",
    "agreed_on",
)


class PartnerError(PortalError):
    """A partner rule was broken. The message is safe to show to the user."""


# --- Partners ----------------------------------------------------------------------------------


@transaction.atomic
def create_partner(*, actor: User, **fields) -> Partner:
    """A new community partner with its partnership agreement."""
    if not permissions.can_manage_partners(actor):
        raise PermissionDenied
    if Partner.objects.filter(name__iexact=fields["name"].strip()).exists():
        raise PartnerError("There is already a partner with that name.")
    partner = Partner.objects.create(
        created_by=actor, **{k: fields[k] for k in PARTNER_FIELDS if k in fields}
    )
    record_audit(actor=actor, action="partner.created", target=partner)
    return partner


@transaction.atomic
def update_partner(*, actor: User, partner: Partner, **fields) -> Partner:
    """Change the partner or its agreement; the audit row names the fields that changed."""
    if not permissions.can_manage_partners(actor):
        raise PermissionDenied
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if (
        "name" in fields
        and Partner.objects.filter(name__iexact=fields["name"].strip()).exclude(pk=partner.pk).exists()
    ):
        raise PartnerError("There is already a partner with that name.")
    changed = model_update(partner, fields=PARTNER_FIELDS, **fields)
    record_audit(actor=actor, action="partner.updated", target=partner, fields=changed)
    return partner


@transaction.atomic
def add_contact(
    *,
    actor: User,
    partner: Partner,
    name: str,
    consent: bool,
    role: str = "",
    email: str = "",
    phone: str = "",
    receives_feedback: bool = True,
) -> PartnerContact:
    """A contact at the partner, kept only once they have agreed to us keeping their details."""
    if not permissions.can_manage_partners(actor):
        raise PermissionDenied
    if not consent:
        raise PartnerError("Only keep a contact's details once they have agreed to it.")
    if not (email or phone):
        raise PartnerError("Give an email address or a phone number.")
    contact = PartnerContact.objects.create(
        partner=partner,
        name=name,
        role=role,
        email=email,
        phone=phone,
        receives_feedback=receives_feedback,
        consent_given_on=timezone.localdate(),
    )
    record_audit(actor=actor, action="partner.contact_added", target=partner, contact=str(contact.public_id))
    return contact


@transaction.atomic
def remove_contact(*, actor: User, contact: PartnerContact) -> Partner:
    """Forget a contact (they withdrew consent, or left the organisation)."""
    if not permissions.can_manage_partners(actor):
        raise PermissionDenied
    partner = contact.partner
    PartnerContact.objects.filter(pk=contact.pk).delete()
    record_audit(
        actor=actor, action="partner.contact_removed", target=partner, contact=str(contact.public_id)
    )
    return partner


@transaction.atomic
def link_partner(
    *, actor: User, partner: Partner, project: Project, role: str, activity: Activity | None = None
) -> PartnerLink:
    """The partner co-delivers, or recruits for, a project (or one of its activities)."""
    if not permissions.can_manage_partners(actor):
        raise PermissionDenied
    if activity is not None and activity.project_id != project.pk:
        raise PartnerError("That activity is not part of this project.")
    try:
        with transaction.atomic():
            link = PartnerLink.objects.create(
                partner=partner, project=project, activity=activity, role=role, created_by=actor
            )
    except IntegrityError as exc:
        raise PartnerError("The partner is already linked that way.") from exc
    record_audit(actor=actor, action="partner.linked", target=partner, link=str(link))
    return link


@transaction.atomic
def unlink_partner(*, actor: User, link: PartnerLink) -> Partner:
    if not permissions.can_manage_partners(actor):
        raise PermissionDenied
    partner = link.partner
    record_audit(actor=actor, action="partner.unlinked", target=partner, link=str(link))
    PartnerLink.objects.filter(pk=link.pk).delete()
    return partner


# --- Who introduced a person -------------------------------------------------------------------


@transaction.atomic
def set_introduction(*, user: User, partner: Partner | None, consent: bool) -> Introduction | None:
    """A person says which partner introduced them (or none). Only they set it."""
    if not permissions.can_say_who_introduced_me(user):
        raise PermissionDenied
    if partner is None:
        Introduction.objects.filter(user=user).delete()
        record_audit(actor=user, action="partner.introduction_removed", target=user)
        return None
    if not consent:
        raise PartnerError("Tick the box to agree to us counting this.")
    if partner.status == PartnerStatus.ENDED:
        raise PartnerError("Choose a partner we still work with.")
    intro, _ = Introduction.objects.update_or_create(
        user=user, defaults={"partner": partner, "consented_at": timezone.now()}
    )
    # The partner is not named in the audit row: staff must not be able to read who came through whom.
    record_audit(actor=user, action="partner.introduction_set", target=user)
    return intro


def forget_person(sender, user: User, **kwargs) -> None:
    """An erased person's statement of who introduced them goes with them (it is theirs)."""
    Introduction.objects.filter(user=user).delete()


# --- Invoices: the claims' workflow for organisations -------------------------------------------


def _lock(invoice: PartnerInvoice) -> PartnerInvoice:
    # Lock the row: two approvers clicking at once must not both decide, nor two pay runs both pay.
    return (
        PartnerInvoice.objects.select_for_update(of=("self",))
        .select_related("project", "partner")
        .get(pk=invoice.pk)
    )


def _move(invoice: PartnerInvoice, *, to: str, actor: User, note: str = "") -> None:
    # payments' own move: the same transition table and the same kind of timeline row as a claim.
    workflow.move(
        invoice, to=to, actor=actor, events=invoice.events, error=PartnerError, noun="An invoice", note=note
    )


def _checked(project: Project, activity: Activity | None, amount: Decimal) -> Decimal:
    """What an invoice's entry and its correction both check: the activity is the project's, and
    the amount (rounded as money) is more than nothing."""
    if activity is not None and activity.project_id != project.pk:
        raise PartnerError("That activity is not part of this project.")
    amount = to_money(amount)
    if amount <= ZERO:
        raise PartnerError("Enter an amount more than £0.00.")
    return amount


def _saved_once(save, invoice_number: str, partner: Partner):
    """Run `save` (a create or an update), refusing an invoice number the partner has in the
    portal already: the same invoice twice is a double payment waiting to happen."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError as exc:
        raise PartnerError(f"Invoice {invoice_number} from {partner} is already in the portal.") from exc


# Who decided an invoice and when: what a decision or a return changes besides the status.
_DECISION_FIELDS = [
    "status",
    "decided_at",
    "decided_by",
    "second_approved_at",
    "second_approved_by",
    "updated_at",
]


@transaction.atomic
def enter_invoice(
    *,
    actor: User,
    partner: Partner,
    project: Project,
    invoice_reference_text: str,
    description: str,
    invoiced_on: date,
    amount: Decimal,
    activity: Activity | None = None,
) -> PartnerInvoice:
    """Record an invoice a partner sent us; it waits for someone else to approve it."""
    if not permissions.can_enter_invoice(actor, partner, project):
        raise PermissionDenied
    amount = _checked(project, activity, amount)
    invoice = _saved_once(
        lambda: PartnerInvoice.objects.create(
            partner=partner,
            project=project,
            activity=activity,
            invoice_reference=invoice_reference_text.strip(),
            description=description,
            invoiced_on=invoiced_on,
            amount=amount,
            submitted_by=actor,
            status=ClaimStatus.SUBMITTED,
        ),
        invoice_reference_text,
        partner,
    )
    invoice.reference = invoice_reference(invoice.pk, invoice.created_at.year)
    invoice.save(update_fields=["reference"])
    InvoiceEvent.objects.create(invoice=invoice, actor=actor, from_status="", to_status=ClaimStatus.SUBMITTED)
    record_audit(actor=actor, action="partner.invoice_entered", target=invoice, amount=str(amount))
    return invoice


@transaction.atomic
def decide_invoice(*, actor: User, invoice: PartnerInvoice, approve: bool, note: str = "") -> PartnerInvoice:
    """Approve or reject an invoice; never the person who entered it. Above the claims'
    second-approval threshold, two different people approve it, as with a claim."""
    invoice = _lock(invoice)
    if not permissions.can_decide_invoice(actor, invoice):
        raise PermissionDenied
    outcome = workflow.decide(
        invoice,
        actor=actor,
        approve=approve,
        note=note,
        amount=invoice.amount,
        move=_move,
        error=PartnerError,
        noun="invoice",
        reason_prompt="Give a reason for rejecting the invoice.",
    )
    action = {
        ClaimStatus.REJECTED: "partner.invoice_rejected",
        workflow.FIRST_APPROVAL: "partner.invoice_first_approval",
        ClaimStatus.APPROVED: "partner.invoice_approved",
    }[outcome]
    invoice.save(update_fields=_DECISION_FIELDS)
    record_audit(actor=actor, action=action, target=invoice, amount=str(invoice.amount))
    return invoice


@transaction.atomic
def return_invoice(*, actor: User, invoice: PartnerInvoice, note: str) -> PartnerInvoice:
    """Send an invoice back to whoever entered it, to correct (a wrong amount, date or project)
    rather than reject it and enter it again. Approvals already given are cleared: the
    corrected invoice is decided afresh."""
    invoice = _lock(invoice)
    if not permissions.can_decide_invoice(actor, invoice):
        raise PermissionDenied
    note = note.strip()
    if not note:
        raise PartnerError("Say what needs correcting.")
    if invoice.status != ClaimStatus.SUBMITTED:
        raise PartnerError(f"This invoice is already {invoice.get_status_display().lower()}.")
    _move(invoice, to=ClaimStatus.RETURNED, actor=actor, note=note)
    invoice.decided_at = invoice.decided_by = invoice.second_approved_at = invoice.second_approved_by = None
    invoice.save(update_fields=_DECISION_FIELDS)
    record_audit(actor=actor, action="partner.invoice_returned", target=invoice, note=note[:300])
    send_templated_email(
        name="partners_invoice_returned",
        to=[invoice.submitted_by.email],
        context={
            "invoice": invoice,
            "note": note,
            "returned_by": actor,
            "url": absolute_reverse("partners:invoice_detail", public_id=invoice.public_id),
        },
    )
    return invoice


@transaction.atomic
def correct_invoice(
    *,
    actor: User,
    invoice: PartnerInvoice,
    project: Project,
    invoice_reference_text: str,
    description: str,
    invoiced_on: date,
    amount: Decimal,
    activity: Activity | None = None,
) -> PartnerInvoice:
    """Correct a returned invoice and send it back to be decided; whoever may enter the
    partner's invoices for the project may (the person who entered it may have moved on)."""
    invoice = _lock(invoice)
    if not (
        permissions.can_enter_invoice(actor, invoice.partner, invoice.project)
        and permissions.can_enter_invoice(actor, invoice.partner, project)
    ):
        raise PermissionDenied
    if invoice.status != ClaimStatus.RETURNED:
        raise PartnerError("Only an invoice returned for changes can be corrected.")
    amount = _checked(project, activity, amount)
    before = {"amount": str(invoice.amount), "invoiced_on": str(invoice.invoiced_on)}
    invoice.project, invoice.activity = project, activity
    invoice.invoice_reference, invoice.description = invoice_reference_text.strip(), description
    invoice.invoiced_on, invoice.amount = invoiced_on, amount
    fields = [
        "project",
        "activity",
        "invoice_reference",
        "description",
        "invoiced_on",
        "amount",
        "updated_at",
    ]
    _saved_once(lambda: invoice.save(update_fields=fields), invoice.invoice_reference, invoice.partner)
    _move(invoice, to=ClaimStatus.SUBMITTED, actor=actor, note="Corrected and sent back to be decided")
    invoice.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor, action="partner.invoice_corrected", target=invoice, before=before, amount=str(amount)
    )
    return invoice


@transaction.atomic
def pay_invoices(
    *, actor: User, invoices: list[PartnerInvoice], paid_on: date, reference: str
) -> PartnerPayRun:
    """One bank run for organisations: every invoice must still be approved; all are paid or none."""
    if not permissions.can_pay_claims(actor):
        raise PermissionDenied
    if not invoices:
        raise PartnerError("Choose at least one approved invoice to mark as paid.")
    if not reference.strip():
        raise PartnerError("Enter the bank run's reference.")
    locked = workflow.lock_approved(
        PartnerInvoice.objects.all(), invoices, error=PartnerError, nouns="invoices"
    )
    run = PartnerPayRun.objects.create(paid_on=paid_on, reference=reference.strip(), created_by=actor)
    for invoice in locked:
        _move(invoice, to=ClaimStatus.PAID, actor=actor, note=f"Payment reference {run.reference}")
        invoice.pay_run, invoice.paid_on = run, paid_on
        invoice.save(update_fields=["status", "pay_run", "paid_on", "updated_at"])
    record_audit(
        actor=actor,
        action="partner.pay_run",
        target=run,
        invoices=len(locked),
        total=str(sum((i.amount for i in locked), ZERO)),
    )
    return run


def record_finance_export(*, actor: User, run: PartnerPayRun | None, rows: int) -> None:
    record_audit(actor=actor, action="partner.finance_export", target=run, rows=rows)


# --- Feedback to partners ----------------------------------------------------------------------


@transaction.atomic
def give_partner_feedback(
    *, actor: User, partner: Partner, project: Project, what_they_told_us: str, what_changed: str
) -> PartnerFeedback:
    """Tell a partner what their community's input changed; emailed to their contacts after commit."""
    if not permissions.can_give_partner_feedback(actor, partner, project):
        raise PermissionDenied
    if not what_changed.strip():
        raise PartnerError("Say what changed, or why nothing did.")
    to = list(
        partner.contacts.filter(receives_feedback=True).exclude(email="").values_list("email", flat=True)
    )
    feedback = PartnerFeedback.objects.create(
        partner=partner,
        project=project,
        what_they_told_us=what_they_told_us,
        what_changed=what_changed,
        written_by=actor,
        sent_at=timezone.now() if to else None,
        sent_to=to,
    )
    record_audit(actor=actor, action="partner.feedback_given", target=feedback, recipients=len(to))
    # Recorded in this transaction and sent after commit (portal.emails): a rollback sends nothing.
    send_templated_email(
        name="partners_feedback",
        to=feedback.sent_to,
        context={"feedback": feedback},
        reply_to=[actor.email] if actor.email else None,
    )
    return feedback


# --- Self-assessment ---------------------------------------------------------------------------


def _fill(answer: StandardAnswer, assessment: Assessment) -> None:
    answer.evidence = evidence.figures_for(
        answer.standard.evidence_source, assessment.project, assessment.year
    )


@transaction.atomic
def start_assessment(
    *, actor: User, framework: Framework, year: int, project: Project | None = None
) -> Assessment:
    """A year's assessment with a row per standard and the portal's figures filled in."""
    if not permissions.can_manage_assessments(actor):
        raise PermissionDenied
    existing = Assessment.objects.filter(framework=framework, project=project, year=year).first()
    if existing is not None:
        return existing
    assessment = Assessment.objects.create(framework=framework, project=project, year=year, created_by=actor)
    answers = []
    for standard in framework.standards.all():
        answer = StandardAnswer(assessment=assessment, standard=standard)
        _fill(answer, assessment)
        answers.append(answer)
    StandardAnswer.objects.bulk_create(answers)
    record_audit(actor=actor, action="assessment.started", target=assessment)
    return assessment


def _lock_assessment(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update(of=("self",)).select_related("project").get(pk=assessment.pk)


@transaction.atomic
def refresh_evidence(*, actor: User, assessment: Assessment) -> Assessment:
    """Fill the figures in again from today's records (until the assessment is completed)."""
    assessment = _lock_assessment(assessment)
    if not permissions.can_manage_assessments(actor):
        raise PermissionDenied
    if assessment.completed_at:
        raise PartnerError("A completed assessment keeps the figures it was agreed with.")
    answers = list(assessment.answers.select_related("standard"))
    for answer in answers:
        _fill(answer, assessment)
    StandardAnswer.objects.bulk_update(answers, ["evidence"])
    record_audit(actor=actor, action="assessment.evidence_refreshed", target=assessment)
    return assessment


@transaction.atomic
def save_answer(
    *, actor: User, answer: StandardAnswer, rating: str, working: str, improve: str
) -> StandardAnswer:
    assessment = _lock_assessment(answer.assessment)
    if not permissions.can_manage_assessments(actor):
        raise PermissionDenied
    if assessment.completed_at:
        raise PartnerError("This assessment is completed; start next year's to change it.")
    answer.rating, answer.working, answer.improve = rating, working, improve
    answer.save(update_fields=["rating", "working", "improve"])
    record_audit(actor=actor, action="assessment.answered", target=assessment, standard=answer.standard.title)
    return answer


@transaction.atomic
def complete_assessment(*, actor: User, assessment: Assessment) -> Assessment:
    """The team has agreed every rating: the assessment is fixed, figures and all."""
    assessment = _lock_assessment(assessment)
    if not permissions.can_manage_assessments(actor):
        raise PermissionDenied
    if assessment.completed_at:
        raise PartnerError("This assessment is already completed.")
    if assessment.answers.filter(rating="").exists():
        raise PartnerError("Agree a rating for every standard before completing the assessment.")
    assessment.completed_at, assessment.completed_by = timezone.now(), actor
    assessment.save(update_fields=["completed_at", "completed_by", "updated_at"])
    record_audit(actor=actor, action="assessment.completed", target=assessment)
    return assessment
