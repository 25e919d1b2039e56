"""Every write (and every sensitive read) about contributors: profile, bank details, equality
monitoring, roles, opportunities, offline people and data rights."""

from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.emails import deliver, send_templated_email
from portal.errors import PortalError
from portal.links import absolute_url
from portal.models import AuditEvent, Participation, Project, Role, User
from portal.people import people_visible_to
from portal.services import forget_identifiers, forget_stored_mail, model_update, record_audit
from portal.signals import person_erased

from . import equality, permissions
from .models import (
    AccessNeed,
    BankAccount,
    BankDetailsChange,
    Benefit,
    BenefitAnswer,
    ContactChannel,
    ContactMethod,
    ContactTask,
    Contributor,
    DiversityRecord,
    ErasureRequest,
    ErasureStatus,
    ExpressionOfInterest,
    InterestStatus,
    Opportunity,
    OpportunityStatus,
    ParticipationDiversity,
    PendingStatus,
    RoleAssignment,
    RoleStatus,
    RoleType,
    TakeOverInvitation,
)


class ContributorError(PortalError):
    """A rule about contributors was broken. The message is safe to show to the user."""


ERASED_NAME = "Erased contributor"
LARGE_PRINT_NOTE = "LARGE PRINT: print this letter in 16 point or larger."


# --- Reaching people ---------------------------------------------------------------------------


def notify(
    *,
    user: User,
    template: str,
    subject: str,
    body: str,
    context: dict | None = None,
    raised_by: User | None = None,
) -> None:
    """Tell someone by every channel they use: email if they have one, and a letter or call
    for a coordinator to make if they asked to be contacted by post or phone. `raised_by` is
    whoever made the change the message is about: they may not close the letter or call."""
    contributor = Contributor.objects.profile_of(user)
    if user.email:
        ctx = {"recipient": user, **(context or {})}
        transaction.on_commit(lambda: send_templated_email(name=template, to=[user.email], context=ctx))
    if contributor and contributor.contact_method in (ContactMethod.POST, ContactMethod.PHONE):
        add_contact_task(
            user=user, channel=contributor.contact_method, subject=subject, body=body, raised_by=raised_by
        )
    elif contributor and contributor.contact_method == ContactMethod.TEXT and not user.email:
        # Too long for a text: a coordinator rings them.
        add_contact_task(
            user=user, channel=ContactMethod.PHONE, subject=subject, body=body, raised_by=raised_by
        )


def add_contact_task(
    *, user: User, channel: str, subject: str, body: str, raised_by: User | None = None
) -> ContactTask | None:
    """Put a letter to send or a call to make on the coordinators' one list of them. A letter
    to someone who asked for large print says so at the top, for whoever prints it."""
    contributor = Contributor.objects.profile_of(user)
    if contributor is None:
        return None
    if channel != ContactMethod.PHONE and AccessNeed.LARGE_PRINT in (contributor.access_needs or []):
        body = f"{LARGE_PRINT_NOTE}\n\n{body}"
    return ContactTask.objects.create(
        contributor=contributor,
        channel=ContactChannel.PHONE if channel == ContactMethod.PHONE else ContactChannel.POST,
        subject=subject,
        body=body,
        raised_by=raised_by,
    )


@transaction.atomic
def mark_contact_task_done(*, actor: User, task: ContactTask) -> ContactTask:
    task = ContactTask.objects.select_for_update().select_related("contributor__user").get(pk=task.pk)
    if not permissions.can_close_contact_task(actor, task):
        raise PermissionDenied
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        task.save(update_fields=["done_at", "done_by"])
        record_audit(
            actor=actor, action="contact_task.done", target=task.contributor, task=str(task.public_id)
        )
    return task


# --- Profile -----------------------------------------------------------------------------------

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


def _check_contact(fields: dict) -> None:
    method = fields.get("contact_method")
    if method == ContactMethod.PHONE and not fields.get("phone"):
        raise ContributorError("Enter a phone number so we can call you.")
    if method == ContactMethod.TEXT and not fields.get("phone"):
        raise ContributorError("Enter a mobile phone number so we can text you.")
    if method == ContactMethod.POST and not (fields.get("address") and fields.get("postcode")):
        raise ContributorError("Enter an address and postcode so we can write to you.")


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
            f"{actor} entered new bank details for {contributor.user.name} on {when} "
            f"({change.masked}). They are not used until someone else confirms them. "
            "If they did not ask for this change, please call us."
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
            f"The bank details we hold for {contributor.user.name} were changed on {when} "
            f"(now {account.masked}). If they did not make this change, please call us."
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


# --- Equality monitoring -------------------------------------------------------------------------


def read_own_diversity(*, user: User) -> DiversityRecord | None:
    """A person's own answers, to show them back; the read goes in the access log."""
    record = DiversityRecord.objects.filter(user=user).first()
    if record is not None:
        record_audit(actor=user, action="diversity.read", target=user, reason="own answers")
    return record


def _only_applicable(answers: dict) -> dict:
    """Drop follow-up answers that do not apply (data minimisation)."""
    answers = dict(answers)
    if answers.get("long_term_condition") != equality.YesNo.YES:
        answers["condition_reduces_ability"] = ""
    follow_ups = {
        "ethnic_group_description": answers.get("ethnic_group") in equality.ETHNIC_DESCRIBE,
        "gender_same_as_birth_description": answers.get("gender_same_as_birth") == equality.YesNo.NO,
        "sexual_orientation_description": answers.get("sexual_orientation")
        == equality.SexualOrientation.OTHER,
        "religion_description": answers.get("religion") == equality.Religion.OTHER,
    }
    for name, applies in follow_ups.items():
        if not applies:
            answers[name] = ""
    return answers


@transaction.atomic
def save_diversity(*, user: User, consent: bool, answers: dict) -> DiversityRecord:
    """Record or change a person's answers, given with their explicit consent."""
    if not consent:
        raise ContributorError("Tick the box to say you agree, or leave this page without saving.")
    if answers.get("year_of_birth_prefer_not_to_say"):
        answers = {**answers, "year_of_birth": None}
    answers = _only_applicable(answers)
    record = DiversityRecord.objects.select_for_update().filter(user=user).first()
    created = record is None
    if created:
        record = DiversityRecord(user=user, consent_given_at=timezone.now())
    for name in DiversityRecord.ANSWER_FIELDS:
        if name in answers:
            setattr(record, name, answers[name])
    record.save()
    # The answers themselves never go into the audit trail.
    record_audit(actor=user, action="diversity.given" if created else "diversity.changed", target=user)
    return record


@transaction.atomic
def withdraw_diversity(*, user: User) -> None:
    """Withdraw consent: the current answers are deleted (past snapshots are kept, unlinked from
    nothing but the participation, so past reports stay true)."""
    deleted, _ = DiversityRecord.objects.filter(user=user).delete()
    if deleted:
        record_audit(actor=user, action="diversity.withdrawn", target=user)


def snapshot_diversity(*, participation: Participation) -> ParticipationDiversity:
    """Copy the person's answers as they are now onto the participation, once."""
    existing = ParticipationDiversity.objects.filter(participation=participation).first()
    if existing is not None:
        return existing
    record = DiversityRecord.objects.filter(user_id=participation.contributor_id).first()
    snapshot = ParticipationDiversity(participation=participation, has_answers=record is not None)
    if record is not None:
        for name in DiversityRecord.ANSWER_FIELDS:
            setattr(snapshot, name, getattr(record, name))
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # taken by a concurrent attendance click
        return ParticipationDiversity.objects.get(participation=participation)
    return snapshot


# --- Roles ---------------------------------------------------------------------------------------

ROLE_FIELDS = (
    "role_type",
    "role_description",
    "involvement_level",
    "starts_on",
    "ends_on",
    "expectations",
    "frequency",
    "payment_offered",
    "feedback_arrangements",
    "feedback_due_days",
)


def _check_role(fields: dict) -> None:
    if fields.get("role_type") == RoleType.OTHER and not fields.get("role_description"):
        raise ContributorError("Describe the role.")
    if fields.get("ends_on") and fields.get("starts_on") and fields["ends_on"] < fields["starts_on"]:
        raise ContributorError("The end date must be on or after the start date.")


@transaction.atomic
def assign_role(*, actor: User, contributor: User, project: Project, **fields) -> RoleAssignment:
    """Give a contributor a role on a project, with its role agreement, and tell them."""
    if not permissions.can_manage_roles(actor, project):
        raise PermissionDenied
    if not contributor.is_contributor:
        raise ContributorError(f"{contributor} is not registered as a contributor.")
    if not people_visible_to(actor).filter(pk=contributor.pk).exists():
        raise PermissionDenied
    _check_role(fields)
    assignment = RoleAssignment.objects.create(
        contributor=contributor,
        project=project,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in ROLE_FIELDS},
    )
    record_audit(
        actor=actor, action="role_assignment.created", target=assignment, role_type=assignment.role_type
    )
    notify(
        user=contributor,
        template="contributors_role_assigned",
        subject=f"Your role on {project.title}",
        body=(
            f"{contributor.name} is now {assignment.role_label} on {project.title} "
            f"from {assignment.starts_on:%-d %B %Y}."
        ),
        context={"assignment": assignment},
    )
    return assignment


@transaction.atomic
def update_role(*, actor: User, assignment: RoleAssignment, **fields) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.can_change_role(actor, assignment):
        raise PermissionDenied
    merged = {k: getattr(assignment, k) for k in ROLE_FIELDS} | fields
    _check_role(merged)
    changed = model_update(assignment, fields=ROLE_FIELDS, save=False, **fields)
    # The contributor agreed to the old terms, not these: they are asked to accept again.
    if changed and assignment.accepted_at is not None:
        assignment.accepted_at = None
    assignment.save()
    record_audit(actor=actor, action="role_assignment.updated", target=assignment, fields=changed)
    return assignment


@transaction.atomic
def accept_role(*, actor: User, assignment: RoleAssignment) -> RoleAssignment:
    """The contributor accepts their role agreement, as it reads now. Accepting twice keeps the
    first date."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.can_accept_role(actor, assignment):
        raise PermissionDenied
    if assignment.accepted_at is not None:
        return assignment
    if assignment.status == RoleStatus.ENDED:
        raise ContributorError("This role has ended, so there is nothing to accept.")
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["accepted_at", "updated_at"])
    record_audit(actor=actor, action="role_assignment.accepted", target=assignment)
    return assignment


@transaction.atomic
def end_role(*, actor: User, assignment: RoleAssignment, ends_on: date) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.can_change_role(actor, assignment):
        raise PermissionDenied
    if ends_on < assignment.starts_on:
        raise ContributorError("The end date must be on or after the start date.")
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on", "updated_at"])
    record_audit(actor=actor, action="role_assignment.ended", target=assignment, ends_on=ends_on.isoformat())
    return assignment


# --- Opportunities ---------------------------------------------------------------------------------

OPPORTUNITY_FIELDS = (
    "title",
    "role_type",
    "description",
    "time_commitment",
    "time_commitment_detail",
    "payment_offered",
    "closes_on",
    "places",
    "accessibility",
    "who_for",
    "mode",
    "topic",
)


@transaction.atomic
def publish_opportunity(*, actor: User, project: Project, **fields) -> Opportunity:
    """Publish an opportunity; it waits for a manager first when PORTAL_OPPORTUNITY_APPROVAL is on."""
    if not permissions.can_publish_opportunity(actor, project):
        raise PermissionDenied
    if fields["closes_on"] < timezone.localdate():
        raise ContributorError("The closing date must be today or later.")
    needs_approval = settings.PORTAL_OPPORTUNITY_APPROVAL
    opportunity = Opportunity.objects.create(
        project=project,
        created_by=actor,
        status=OpportunityStatus.PENDING if needs_approval else OpportunityStatus.OPEN,
        **{k: v for k, v in fields.items() if k in OPPORTUNITY_FIELDS},
    )
    record_audit(actor=actor, action="opportunity.published", target=opportunity, status=opportunity.status)
    return opportunity


@transaction.atomic
def update_opportunity(*, actor: User, opportunity: Opportunity, **fields) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_manage_opportunity(actor, opportunity):
        raise PermissionDenied
    changed = model_update(opportunity, fields=OPPORTUNITY_FIELDS, **fields)
    record_audit(actor=actor, action="opportunity.updated", target=opportunity, fields=changed)
    return opportunity


@transaction.atomic
def approve_opportunity(*, actor: User, opportunity: Opportunity) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_approve_opportunity(actor, opportunity):
        raise PermissionDenied
    if opportunity.status != OpportunityStatus.PENDING:
        raise ContributorError("This opportunity is not waiting for approval.")
    opportunity.status = OpportunityStatus.OPEN
    opportunity.approved_by, opportunity.approved_at = actor, timezone.now()
    opportunity.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    record_audit(actor=actor, action="opportunity.approved", target=opportunity)
    return opportunity


@transaction.atomic
def close_opportunity(*, actor: User, opportunity: Opportunity) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_manage_opportunity(actor, opportunity):
        raise PermissionDenied
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="opportunity.closed", target=opportunity)
    return opportunity


@transaction.atomic
def express_interest(
    *, actor: User, opportunity: Opportunity, contributor: User, message: str = ""
) -> ExpressionOfInterest:
    """Say you (or an offline person you act for) would like to take up an opportunity."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_express_interest(actor, opportunity, contributor):
        if not opportunity.is_live:
            raise ContributorError("This opportunity has closed.")
        raise PermissionDenied
    interest = ExpressionOfInterest.objects.filter(opportunity=opportunity, contributor=contributor).first()
    if interest is not None and interest.status != InterestStatus.WITHDRAWN:
        raise ContributorError("Interest has already been expressed for this opportunity.")
    if interest is None:
        interest = ExpressionOfInterest(opportunity=opportunity, contributor=contributor)
    interest.message = message
    interest.status = InterestStatus.INTERESTED
    interest.entered_by = actor if actor.pk != contributor.pk else None
    interest.save()
    record_audit(
        actor=actor, action="interest.expressed", target=opportunity, on_behalf=actor.pk != contributor.pk
    )
    return interest


@transaction.atomic
def withdraw_interest(*, actor: User, interest: ExpressionOfInterest) -> ExpressionOfInterest:
    interest = ExpressionOfInterest.objects.select_for_update().get(pk=interest.pk)
    profile = Contributor.objects.profile_of(interest.contributor)
    if interest.contributor_id != actor.pk and not (profile and permissions.can_act_for(actor, profile)):
        raise PermissionDenied
    if interest.status != InterestStatus.INTERESTED:
        raise ContributorError("A decision has already been made.")
    interest.status = InterestStatus.WITHDRAWN
    interest.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="interest.withdrawn", target=interest.opportunity)
    return interest


@transaction.atomic
def select_candidates(
    *,
    actor: User,
    opportunity: Opportunity,
    selected: list[ExpressionOfInterest],
    starts_on: date,
    **role_fields,
) -> list[RoleAssignment]:
    """Choose people: each gets a role assignment; everyone who expressed interest is told the
    outcome; the opportunity closes."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_manage_opportunity(actor, opportunity):
        raise PermissionDenied
    pending = list(
        opportunity.interests.select_for_update()
        .filter(status=InterestStatus.INTERESTED)
        .select_related("contributor")
    )
    chosen_ids = {i.pk for i in selected}
    if not chosen_ids:
        raise ContributorError("Choose at least one person.")
    if not chosen_ids <= {i.pk for i in pending}:
        raise ContributorError("Someone you chose is no longer waiting for a decision.")
    if len(chosen_ids) > opportunity.places:
        raise ContributorError(f"There are only {opportunity.places} places.")
    now = timezone.now()
    role_fields["payment_offered"] = role_fields.get("payment_offered") or opportunity.payment_offered
    assignments = []
    for interest in pending:
        if interest.pk in chosen_ids:
            interest.status = InterestStatus.SELECTED
            assignments.append(
                assign_role(
                    actor=actor,
                    contributor=interest.contributor,
                    project=opportunity.project,
                    role_type=opportunity.role_type,
                    starts_on=starts_on,
                    **role_fields,
                )
            )
        else:
            interest.status = InterestStatus.NOT_SELECTED
            notify(
                user=interest.contributor,
                template="contributors_interest_not_selected",
                subject=f"{opportunity.title}: not this time",
                body=(
                    f"Thank you for {interest.contributor.name}'s interest in {opportunity.title}. "
                    "We had more people than places and did not choose them this time."
                ),
                context={"opportunity": opportunity},
            )
        interest.decided_at = now
        interest.save(update_fields=["status", "decided_at", "updated_at"])
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="opportunity.selected", target=opportunity, selected=len(assignments))
    return assignments


# --- Offline people ------------------------------------------------------------------------------


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


# --- Data rights ---------------------------------------------------------------------------------


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
        anonymise_person(user=request.user)
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


def anonymise_person(*, user: User) -> None:
    """Blank everything that identifies the person; keep participations, roles and (in other
    apps) payment records, which now point at "Erased contributor".

    Their participation diversity snapshots are blanked (has_answers=False), not deleted: an
    erased person's special category data should not outlive them, and keeping the empty row
    means past reports still count the participation, as "not answered".
    """
    contributor = Contributor.objects.profile_of(user)
    identifiers = [user.name, user.preferred_name, user.email or ""]
    identifiers += list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    if contributor is not None:
        identifiers += [contributor.phone, contributor.postcode, *contributor.address.splitlines()]
    # Each app blanks what the person wrote or uploaded there (payments, feedback, impact).
    person_erased.send(sender=User, user=user)
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


# --- Benefits ------------------------------------------------------------------------------------


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
