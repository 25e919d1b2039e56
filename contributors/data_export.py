"""Everything the portal holds about a person, for their subject access download.

Other apps add what they hold by calling `register_section(name, fn)` in their
AppConfig.ready(), where `fn(user) -> dict` returns JSON-safe data (Decimals as strings).
"""

import re
from collections.abc import Callable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format

from portal import reminders
from portal.models import AuditEvent, SentReminder, User

SECTIONS: dict[str, Callable[[User], dict]] = {}


def register_section(name: str, fn: Callable[[User], dict]) -> None:
    SECTIONS[name] = fn


def _dt(value):
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    return {
        "name": user.name,
        "preferred_name": user.preferred_name,
        "email": user.email,
        "joined": _dt(user.date_joined),
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "reminders_switched_off": list(user.muted_reminders or []),
    }


def _profile(user: User) -> dict:
    from .models import BankAccount, Contributor

    c = Contributor.objects.profile_of(user)
    if c is None:
        return {}
    bank = BankAccount.objects.filter(contributor=c).first()
    return {
        "contact_method": c.get_contact_method_display(),
        "phone": c.phone,
        "address": c.address,
        "postcode": c.postcode,
        "access_needs": c.get_access_needs_display(),
        "lived_experience": c.lived_experience,
        "interests": c.interests,
        "skills": c.skills,
        "bio": c.bio,
        "status": c.get_status_display(),
        "in_directory": c.in_directory,
        "payment_method": c.get_payment_method_display(),
        "receives_benefits": c.receives_benefits,
        "is_public_sector_employee": c.is_public_sector_employee,
        # Shown masked even here: the full number is only shown on the bank details page.
        "bank_account": bank.masked if bank else None,
        "bank_details_entered_for_you": [
            {
                "account": change.masked,
                "entered": _dt(change.entered_at),
                "status": change.get_status_display(),
                "decided": _dt(change.decided_at),
            }
            for change in c.bank_changes.all()
        ],
        "invitations_to_use_the_portal": [
            {
                "email": inv.email,
                "invited": _dt(inv.invited_at),
                "status": inv.get_status_display(),
                "decided": _dt(inv.decided_at),
            }
            for inv in c.invitations.all()
        ],
        "registered_by_a_coordinator": c.registered_by_id is not None,
        "privacy_notice_agreed": _dt(c.privacy_agreed_at),
        "letters_and_calls": [
            {
                "channel": t.get_channel_display(),
                "subject": t.subject,
                "created": _dt(t.created_at),
                "done": _dt(t.done_at),
            }
            for t in c.contact_tasks.all()
        ],
    }


def _equality(user: User) -> dict:
    from .equality import QUESTIONS
    from .models import DiversityRecord

    record = DiversityRecord.objects.filter(user=user).first()
    if record is None:
        return {}
    out = {"consent_given": _dt(record.consent_given_at), "updated": _dt(record.updated_at)}
    for name in record.ANSWER_FIELDS:
        value = getattr(record, name)
        if name in QUESTIONS and value:
            value = dict(QUESTIONS[name][1].choices).get(value, value)
        out[name] = value
    return out


def _involvement(user: User) -> dict:
    from .models import ExpressionOfInterest, RoleAssignment

    return {
        "participations": [
            {
                "activity": p.activity.title,
                "project": p.activity.project.title,
                "date": p.activity.occurs_on.isoformat(),
                "status": p.get_status_display(),
            }
            for p in user.participations.select_related("activity__project")
        ],
        "roles": [
            {
                "project": r.project.title,
                "role": r.role_label,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
                "expectations": r.expectations,
                "frequency": r.frequency,
                "payment_offered": r.payment_offered,
                "feedback_arrangements": r.feedback_arrangements,
            }
            for r in RoleAssignment.objects.filter(contributor=user).select_related("project")
        ],
        "expressions_of_interest": [
            {
                "opportunity": i.opportunity.title,
                "message": i.message,
                "status": i.get_status_display(),
                "when": _dt(i.created_at),
            }
            for i in ExpressionOfInterest.objects.filter(contributor=user).select_related("opportunity")
        ],
    }


def _log(user: User) -> dict:
    from .models import Contributor

    targets = [(ContentType.objects.get_for_model(User), str(user.public_id))]
    c = Contributor.objects.profile_of(user)
    if c is not None:
        targets.append((ContentType.objects.get_for_model(Contributor), str(c.public_id)))
    events = AuditEvent.objects.none()
    for ct, key in targets:
        events |= AuditEvent.objects.filter(target_type=ct, target_id=key)
    return {
        "access_and_change_log": [
            {"when": _dt(e.created_at), "action": e.action, "by": "you" if e.actor_id == user.pk else "staff"}
            for e in events.order_by("created_at")
        ],
        "reminders_sent": [
            {"kind": r.kind, "when": _dt(r.sent_at), "channel": r.channel}
            for r in SentReminder.objects.filter(recipient=user)
        ],
    }


register_section("account", _account)
register_section("profile", _profile)
register_section("equality_monitoring", _equality)


def _benefit(user: User) -> dict:
    from .models import BenefitAnswer

    answer = BenefitAnswer.objects.filter(user=user).first()
    if answer is None:
        return {}
    return {
        "benefit": answer.get_benefit_display(),
        "consent_given": _dt(answer.consent_given_at),
        "updated": _dt(answer.updated_at),
    }


register_section("benefit", _benefit)
register_section("involvement", _involvement)
register_section("log", _log)


def export_for(user: User) -> dict:
    """All sections, in registration order (the contributors' own first)."""
    return {name: fn(user) for name, fn in SECTIONS.items()}


# --- The readable page ------------------------------------------------------------------------
# The download keeps the raw values (codes, ISO dates) so it can be read by a program; the page
# says the same things in words, one labelled section per part, one card per record.

# What each logged action on a person's record means, said to them. Kept beside the log it
# explains; an action missing here is still shown, in general words.
AUDIT_SENTENCES = {
    "bank_details.changed": "Bank details were changed",
    "bank_details.read": "Bank details were looked at",
    "contributor.invited_to_take_over": "You were invited to use the portal yourself",
    "contributor.payment_preferences": "Payment preferences were changed",
    "contributor.profile_completed": "Your profile was made",
    "contributor.profile_updated": "Your profile was changed",
    "contributor.registered_offline": "A coordinator registered you",
    "diversity.given": "Equality monitoring answers were saved",
    "diversity.read": "Your equality monitoring answers were shown to you",
    "diversity.withdrawn": "Equality monitoring answers were deleted",
    "erasure.confirmed": "Your request to erase your data was confirmed",
    "erasure.requested": "You asked us to erase your data",
    "reminders.preferences": "Your email reminder choices were changed",
    "role.granted": "You were given access as a new kind of user",
    "role.revoked": "Access as a kind of user was removed",
}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?)?$")
NOTHING = "–"


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _words(key: str, value) -> str:
    """One value as a person would say it."""
    if key == "action" and isinstance(value, str):
        return AUDIT_SENTENCES.get(value, "A change was recorded on your record")
    if key == "kind" and isinstance(value, str):
        return reminders.KINDS.get(value, "A reminder")
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_words(k, v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(_words(key, v) for v in value) or "None"
    if isinstance(value, str) and ISO_DATE.match(value):
        parsed = datetime.fromisoformat(value)
        if "T" in value:
            return date_format(timezone.localtime(parsed) if parsed.tzinfo else parsed, "j F Y, H:i")
        return date_format(parsed.date(), "j F Y")
    if isinstance(value, str) and value in ("email", "post", "phone"):
        return value.capitalize()
    return str(value)


def _rows(record: dict) -> list[dict]:
    """Summary-list rows: a value is words, or (for a list of records) one line per record."""
    rows = []
    for key, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows.append({"label": _label(key), "lines": [_words(key, item) for item in value]})
        else:
            rows.append({"label": _label(key), "value": _words(key, value)})
    return rows


def readable(data: dict) -> list[dict]:
    """The export as headed sections: facts as a summary list, each list of records as cards
    titled by their first value (never a wide table, so it reads at 320px)."""
    sections = []
    for name, section in data.items():
        facts, groups = {}, []
        for key, value in (section or {}).items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                cards = []
                for item in value:
                    (first_key, first), *rest = item.items()
                    cards.append({"title": _words(first_key, first), "rows": _rows(dict(rest))})
                groups.append({"label": _label(key), "cards": cards})
            elif isinstance(value, list) and not value:
                facts[key] = "None"
            else:
                facts[key] = value
        sections.append({"name": _label(name), "rows": _rows(facts), "groups": groups})
    return sections
