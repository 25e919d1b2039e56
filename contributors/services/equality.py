"""Equality monitoring: saving and withdrawing answers, and the snapshot kept per participation."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import Participation, User
from portal.services import record_audit

from .. import equality
from ..models import DiversityRecord, ParticipationDiversity
from ._common import ContributorError


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
