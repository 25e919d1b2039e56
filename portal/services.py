"""Every write to the spine with a business meaning, each audited."""

import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from . import permissions
from .errors import PortalError
from .models import (
    OUTCOME_STATUSES,
    Activity,
    AuditEvent,
    Participation,
    ParticipationStatus,
    Project,
    Role,
    User,
)
from .people import people_visible_to
from .signals import participation_changed


class ParticipationError(PortalError):
    """A participation rule was broken. The message is safe to show to the user."""


def record_audit(
    *, actor: User | None, action: str, target: models.Model | None = None, **data
) -> AuditEvent:
    """Append one audit row. Callers pass JSON-safe data only (no money floats)."""
    event = AuditEvent(actor=actor if actor and actor.pk else None, action=action, data=data)
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(getattr(target, "public_id", target.pk))
        event.target_repr = str(target)[:200]
    event.save()
    return event


def model_update(instance: models.Model, *, fields=None, save: bool = True, **values) -> list[str]:
    """Set the values that differ (only those named in `fields`, when given) and save just
    those columns, plus any auto-updated timestamp. Returns the names that changed, for the
    audit row. `save=False` leaves saving to a caller that changes more first."""
    changed = [
        name
        for name, value in values.items()
        if (fields is None or name in fields) and getattr(instance, name) != value
    ]
    for name in changed:
        setattr(instance, name, values[name])
    if save and changed:
        stamps = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changed, *stamps])
    return changed


@transaction.atomic
def grant_role(*, actor: User | None, user: User, role: str) -> User:
    """Give a person a role (a group); idempotent."""
    if actor is not None and not permissions.can_grant_roles(actor):
        raise PermissionDenied
    user.groups.add(Group.objects.get(name=Role(role).value))
    user.__dict__.pop("_role_cache", None)
    record_audit(actor=actor, action="role.granted", target=user, role=role)
    return user


@transaction.atomic
def revoke_role(*, actor: User, user: User, role: str) -> User:
    if not permissions.can_grant_roles(actor):
        raise PermissionDenied
    user.groups.remove(Group.objects.get(name=Role(role).value))
    user.__dict__.pop("_role_cache", None)
    record_audit(actor=actor, action="role.revoked", target=user, role=role)
    return user


PROJECT_FIELDS = ("title", "summary", "lead", "stage", "status", "involvement_budget")


@transaction.atomic
def create_project(*, actor: User, coordinators=(), **fields) -> Project:
    """Create a project; the creator coordinates it unless someone else leads."""
    if not permissions.can_create_project(actor):
        raise PermissionDenied
    fields.setdefault("lead", actor)
    project = Project.objects.create(**{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    project.coordinators.set({*coordinators, project.lead})
    record_audit(actor=actor, action="project.created", target=project)
    return project


@transaction.atomic
def update_project(*, actor: User, project: Project, coordinators=None, **fields) -> Project:
    if not permissions.can_manage_project(actor, project):
        raise PermissionDenied
    changed = model_update(project, fields=PROJECT_FIELDS, **fields)
    if coordinators is not None:
        project.coordinators.set({*coordinators, project.lead})
    record_audit(actor=actor, action="project.updated", target=project, fields=changed)
    return project


# What a calendar shows: a change to any of these is a new version of the event.
CALENDAR_FIELDS = {"title", "description", "starts_at", "expected_hours", "mode", "location", "coordinator"}

ACTIVITY_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "expected_hours",
    "mode",
    "location",
    "coordinator",
    "rate_code",
)


@transaction.atomic
def create_activity(*, actor: User, project: Project, **fields) -> Activity:
    if not permissions.can_manage_project(actor, project):
        raise PermissionDenied
    fields.setdefault("coordinator", actor)
    activity = Activity.objects.create(
        project=project, **{k: v for k, v in fields.items() if k in ACTIVITY_FIELDS}
    )
    record_audit(actor=actor, action="activity.created", target=activity)
    return activity


@transaction.atomic
def update_activity(*, actor: User, activity: Activity, **fields) -> Activity:
    if not permissions.can_manage_activity(actor, activity):
        raise PermissionDenied
    changed = model_update(activity, fields=ACTIVITY_FIELDS, save=False, **fields)
    if set(changed) & CALENDAR_FIELDS:
        activity.sequence += 1
    activity.save()
    record_audit(actor=actor, action="activity.updated", target=activity, fields=changed)
    return activity


@transaction.atomic
def cancel_activity(*, actor: User, activity: Activity) -> Activity:
    """Call an activity off. It stays (claims and feedback may hang off it) but calendars
    show it cancelled; cancelling twice changes nothing."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not permissions.can_manage_activity(actor, activity):
        raise PermissionDenied
    if activity.cancelled_at is None:
        activity.cancelled_at = timezone.now()
        activity.sequence += 1
        activity.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        record_audit(actor=actor, action="activity.cancelled", target=activity)
    return activity


@transaction.atomic
def add_participant(
    *, actor: User, activity: Activity, contributor: User, status: str = ParticipationStatus.INVITED
) -> Participation:
    """Invite a contributor to an activity (or record that they took part)."""
    if not permissions.can_manage_activity(actor, activity):
        raise PermissionDenied
    if not contributor.is_contributor:
        raise ParticipationError(f"{contributor} is not registered as a contributor.")
    if not people_visible_to(actor).filter(pk=contributor.pk).exists():
        raise PermissionDenied
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                activity=activity, contributor=contributor, status=status
            )
    except IntegrityError:
        raise ParticipationError(f"{contributor} is already taking part in this activity.") from None
    record_audit(actor=actor, action="participation.added", target=participation, status=status)
    participation_changed.send(
        sender=Participation, participation=participation, old_status=None, actor=actor
    )
    return participation


@transaction.atomic
def set_participation_status(*, actor: User, participation: Participation, status: str) -> Participation:
    """Move a participation (confirmed, attended, did not attend), once, under a row lock."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if not permissions.can_record_attendance(actor, participation):
        raise PermissionDenied
    if participation.status == status:
        return participation
    if status in OUTCOME_STATUSES and not participation.activity.is_past:
        raise ParticipationError(
            "You can record who attended once the activity has started, on "
            f"{date_format(timezone.localtime(participation.activity.starts_at), 'j F Y')}."
        )
    if not participation.can_move_to(status):
        raise ParticipationError(
            f"A participation that is {participation.get_status_display().lower()} "
            f"cannot be marked {ParticipationStatus(status).label.lower()}."
        )
    old = participation.status
    participation.status = status
    participation.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="participation.status", target=participation, old=old, new=status)
    participation_changed.send(sender=Participation, participation=participation, old_status=old, actor=actor)
    return participation


@transaction.atomic
def set_muted_reminders(*, user: User, muted: list[str]) -> User:
    """Record which reminder kinds this person does not want by email."""
    user.muted_reminders = sorted(set(muted))
    user.save(update_fields=["muted_reminders"])
    record_audit(actor=user, action="reminders.preferences", target=user, muted=user.muted_reminders)
    return user


@transaction.atomic
def set_reminder_lead_days(*, user: User, lead_days: dict[str, list[int]]) -> User:
    """Record how far ahead this person wants each kind of reminder that has a lead time."""
    from .reminders import LEAD_DAYS

    cleaned = {
        kind: sorted({int(d) for d in days if int(d) in LEAD_DAYS[kind][0]}, reverse=True)
        for kind, days in lead_days.items()
        if kind in LEAD_DAYS
    }
    user.reminder_lead_days = {**(user.reminder_lead_days or {}), **cleaned}
    user.save(update_fields=["reminder_lead_days"])
    record_audit(actor=user, action="reminders.lead_days", target=user, lead_days=cleaned)
    return user


# --- Erasure ------------------------------------------------------------------------------------

ERASED_MARK = "[erased]"


def _needles(identifiers) -> list[str]:
    # Short strings would match inside ordinary words ("Al" in "Also"): identifiers are a full
    # name, an email address, a phone number, a postcode. Longest first, so a full name goes
    # before a part of it.
    return sorted({i.strip() for i in identifiers if i and len(i.strip()) >= 4}, key=len, reverse=True)


def _identifier_pattern(needles: list[str]) -> re.Pattern | None:
    return re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None


def _scrub_json(value, pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED_MARK, value)
    if isinstance(value, list):
        return [_scrub_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, pattern) for k, v in value.items()}
    return value


def forget_identifiers(*, identifiers) -> int:
    """Replace a person's name, email, phone and postcode wherever anyone typed them: audit rows'
    `target_repr` and data, certificate details, notes others wrote, the admin's log. Walks every
    text and JSON column of every model (a manager's rare act; a few hundred small queries), so a
    new app's free text is covered without being listed here. People's own name fields are left
    alone: another person may share part of a name. Returns how many rows changed."""
    from django.apps import apps
    from django.db.models import CharField, JSONField, Q, TextField
    from django.db.models.functions import Cast

    needles = _needles(identifiers)
    pattern = _identifier_pattern(needles)
    if pattern is None:
        return 0
    changed = 0
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed or model is User or opts.label == "sessions.Session":
            continue
        texts = [
            f
            for f in opts.concrete_fields
            if isinstance(f, CharField | TextField) and not f.choices and not f.primary_key
        ]
        jsons = [f for f in opts.concrete_fields if isinstance(f, JSONField)]
        if not texts and not jsons:
            continue
        casts = {f"_text_{f.attname}": Cast(f.attname, TextField()) for f in jsons}
        match = Q()
        for needle in needles:
            for f in texts:
                match |= Q(**{f"{f.attname}__icontains": needle})
            for alias in casts:
                match |= Q(**{f"{alias}__icontains": needle})
        for obj in model._base_manager.annotate(**casts).filter(match):
            update = {}
            for f in texts:
                value = getattr(obj, f.attname)
                if value and pattern.search(value):
                    update[f.attname] = pattern.sub(ERASED_MARK, value)[: f.max_length or None]
            for f in jsons:
                value = getattr(obj, f.attname)
                scrubbed = _scrub_json(value, pattern)
                if scrubbed != value:
                    update[f.attname] = scrubbed
            if update:
                model._base_manager.filter(pk=obj.pk).update(**update)
                changed += 1
    return changed


def forget_stored_mail(*, identifiers) -> int:
    """Delete stored copies of email (the file backend's folder, `var/mail` in development)
    that name or contact the person. Returns how many files went."""
    import email
    from pathlib import Path

    folder = getattr(settings, "EMAIL_FILE_PATH", None)
    pattern = _identifier_pattern(_needles(identifiers))
    if not folder or pattern is None or not Path(folder).is_dir():
        return 0
    removed = 0
    for path in Path(folder).iterdir():
        if not path.is_file():
            continue
        raw = path.read_bytes()
        texts = [raw.decode("utf-8", "replace")]
        # Bodies may be quoted-printable or base64: look at each part decoded too. The file
        # backend writes several messages to one file, separated by a line of dashes.
        for chunk in raw.split(b"\n" + b"-" * 79 + b"\n"):
            for part in email.message_from_bytes(chunk).walk():
                payload = part.get_payload(decode=True)
                if payload:
                    texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        if any(pattern.search(t) for t in texts):
            path.unlink()
            removed += 1
    return removed
