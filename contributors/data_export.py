"""Everything the portal holds about a person: their subject access download and the pages
that show it in words.

Other apps add what they hold by calling `register_section(name, fn, title=…, about=…)` in
their AppConfig.ready(), where `fn(user) -> dict` returns JSON-safe data (Decimals as strings)
and wraps each list of records that can grow in `Records(rows, record)`: the download reads
all of it, the section's page one page of it, from the same function.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe

from portal import reminders
from portal.models import AuditEvent, SentReminder, User
from portal.pagination import PAGE_SIZE, paginate, paginate_counted


@dataclass(frozen=True)
class Records:
    """A list of a person's records, fetched only when read. `rows` is an ordered queryset
    (with a unique tie-break, so pages neither repeat nor skip a record) that fetches what
    `record` needs; `record(row)` is one record as JSON-safe data. On the page each record is a
    card titled by its `title` value (its first value if not given). `fetched(rows)`, if given,
    is called with the rows read (a page, or all of them) before any is made a record: for what
    is read once for all of them, such as each claim's lines."""

    rows: Any
    record: Callable[[Any], dict]
    title: str = ""
    fetched: Callable[[list], None] | None = None
    # For a long list read on every visit: `paged(request, param)` the page and query string
    # that paging `rows` gives, from a query cheaper to build (portal.pagination.compiled_page).
    paged: Callable[[Any, str], tuple] | None = None

    def read(self, rows) -> list:
        rows = list(rows)
        if self.fetched is not None:
            self.fetched(rows)
        return rows

    def all(self) -> list[dict]:
        return [self.record(row) for row in self.read(self.rows)]


@dataclass(frozen=True)
class Section:
    name: str
    fn: Callable[[User], dict]
    title: str
    about: str

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")


SECTIONS: dict[str, Section] = {}


def register_section(name: str, fn: Callable[[User], dict], *, title: str = "", about: str = "") -> None:
    """`title` names the section in plain words, `about` says what it covers (the "Your data"
    page lists both)."""
    SECTIONS[name] = Section(name=name, fn=fn, title=title or _label(name), about=about)


def section_by_slug(slug: str) -> Section | None:
    return next((s for s in SECTIONS.values() if s.slug == slug), None)


def _dt(value):
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    return {
        "name": user.name,
        "preferred_name": user.preferred_name,
        "email": user.email,
        "joined": _dt(user.date_joined),
        # From the roles every page reads anyway (forgotten whenever they change).
        "roles": sorted(user.role_names()),
        "reminders_switched_off": list(user.muted_reminders or []),
    }


def _profile(user: User) -> dict:
    from .models import BankAccount, Contributor

    # The bank account with the profile: one query fewer on every "Your data" page.
    c = Contributor.objects.select_related("user", "bank_account").filter(user=user).first()
    if c is None:
        return {}
    try:
        bank = c.bank_account
    except BankAccount.DoesNotExist:
        bank = None
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
        "bank_details_entered_for_you": Records(
            c.bank_changes.order_by("-entered_at", "pk"),
            lambda change: {
                "account": change.masked,
                "entered": _dt(change.entered_at),
                "status": change.get_status_display(),
                "decided": _dt(change.decided_at),
            },
        ),
        "invitations_to_use_the_portal": Records(
            c.invitations.order_by("-invited_at", "pk"),
            lambda inv: {
                "email": inv.email,
                "invited": _dt(inv.invited_at),
                "status": inv.get_status_display(),
                "decided": _dt(inv.decided_at),
            },
        ),
        "registered_by_a_coordinator": c.registered_by_id is not None,
        "privacy_notice_agreed": _dt(c.privacy_agreed_at),
        "letters_and_calls": Records(
            c.contact_tasks.order_by("done_at", "-created_at", "pk"),
            lambda t: {
                "channel": t.get_channel_display(),
                "subject": t.subject,
                "created": _dt(t.created_at),
                "done": _dt(t.done_at),
            },
        ),
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
        "participations": Records(
            user.participations.select_related("activity__project").order_by("activity__starts_at", "pk"),
            lambda p: {
                "activity": p.activity.title,
                "project": p.activity.project.title,
                "date": p.activity.occurs_on.isoformat(),
                "status": p.get_status_display(),
            },
        ),
        "roles": Records(
            RoleAssignment.objects.filter(contributor=user)
            .select_related("project")
            .order_by("-starts_on", "pk"),
            lambda r: {
                "project": r.project.title,
                "role": r.role_label,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
                "expectations": r.expectations,
                "frequency": r.frequency,
                "payment_offered": r.payment_offered,
                "feedback_arrangements": r.feedback_arrangements,
            },
        ),
        "expressions_of_interest": Records(
            ExpressionOfInterest.objects.filter(contributor=user)
            .select_related("opportunity")
            .order_by("created_at", "pk"),
            lambda i: {
                "opportunity": i.opportunity.title,
                "message": i.message,
                "status": i.get_status_display(),
                "when": _dt(i.created_at),
            },
        ),
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
        "access_and_change_log": Records(
            events.order_by("created_at", "pk"),
            lambda e: {
                "when": _dt(e.created_at),
                "action": e.action,
                "by": "you" if e.actor_id == user.pk else "staff",
            },
        ),
        "reminders_sent": Records(
            SentReminder.objects.filter(recipient=user).order_by("-sent_at", "pk"),
            lambda r: {"kind": r.kind, "when": _dt(r.sent_at), "channel": r.channel},
        ),
    }


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


def export_for(user: User) -> dict:
    """All sections, complete, in registration order (the contributors' own first)."""
    return {name: export_section(section, user) for name, section in SECTIONS.items()}


def export_section(section: Section, user: User) -> dict:
    return {
        key: value.all() if isinstance(value, Records) else value for key, value in section.fn(user).items()
    }


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


@functools.cache  # a few dozen keys, each labelled some twenty times a page
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
            moment = timezone.localtime(parsed) if parsed.tzinfo else parsed
            return f"{_day(moment)}, {moment:%H:%M}"
        return _day(parsed)
    if isinstance(value, str) and value in ("email", "post", "phone"):
        return value.capitalize()
    if isinstance(value, str) and _is_money(key) and MONEY.match(value):
        return f"£{value}"
    return str(value)


def _day(value) -> str:
    """A day as `date_format(value, "j F Y")` writes it (1 December 2026), in a fifth of the
    time: a page of 25 claims with their timelines has some 150 dates."""
    return f"{value.day} {MONTHS[value.month]} {value.year}"


MONEY = re.compile(r"^-?\d+\.\d{2}$")


def _is_money(key: str) -> bool:
    """Sections give amounts as strings (JSON has no decimals); their names say which are money."""
    return key in ("rate", "fee", "amount") or key.endswith(("_total", "amount")) or key == "total"


def _rows(record: dict) -> list[dict]:
    """Summary-list rows: a value is words, or (for a list of records) one line per record."""
    rows = []
    for key, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows.append({"label": _label(key), "lines": [_words(key, item) for item in value]})
        else:
            rows.append({"label": _label(key), "value": _words(key, value)})
    return rows


def _is_records(value) -> bool:
    return isinstance(value, Records) or (
        isinstance(value, list) and bool(value) and isinstance(value[0], dict)
    )


def _card(record: dict, title: str = "") -> dict:
    """A record as a summary card titled by one of its values (never a wide table, so it reads
    at 320px)."""
    title = title or next(iter(record))
    rest = {key: value for key, value in record.items() if key != title}
    return {"title": _words(title, record[title]), "rows": summary_list(_rows(rest))}


def summary_list(rows: list[dict]) -> SafeString:
    """`rows` as templates/contributors/partials/data_rows.html renders them, character for
    character (a test holds the two equal), built here for the cards and each page's facts: a
    page of 25 cards is some 350 rows, and rendering each through the template engine was most
    of the page's time at scale (docs/performance.md)."""
    out = []
    for row in rows:
        if row.get("lines"):
            value = (
                '<ul class="govuk-list">'
                + "".join(f"<li>{escape(line)}</li>" for line in row["lines"])
                + "</ul>"
            )
        else:
            value = row["value"]
            value = linebreaksbr(value) if "\n" in value or "\r" in value else escape(value)
        out.append(
            '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">'
            f'{escape(row["label"])}</dt><dd class="govuk-summary-list__value">{value}</dd></div>'
        )
    return mark_safe('<dl class="govuk-summary-list">\n  ' + "".join(out) + "\n</dl>\n")


def summary(section: Section, user: User) -> SafeString:
    """A section's facts as a summary list (empty if it has none), leaving out its lists of
    records (which only its own page fetches)."""
    facts = {}
    for key, value in section.fn(user).items():
        if not _is_records(value):
            facts[key] = "None" if value == [] else value
    return summary_list(_rows(facts)) if facts else mark_safe("")


def _page(request, records: "Records", param: str):
    """One page of a list of records. A queryset is paged by its keys and only the page's rows
    are fetched with their joins: a busy person's 600 claims joined to participations and
    activities before the limit made PostgreSQL hash the whole participations table on every
    page (docs/performance.md). The page's keys, the count and the rows are one query (or the
    records' own `paged`)."""
    rows = records.rows
    if records.paged is not None:
        return records.paged(request, param)
    if isinstance(rows, QuerySet):
        keys = rows.values_list("pk", flat=True).prefetch_related(None)
        return paginate_counted(request, rows, per_page=PAGE_SIZE, param=param, keys=keys)
    return paginate(request, rows, per_page=PAGE_SIZE, param=param)


def readable_section(request, section: Section, user: User) -> dict:
    """One section as its page shows it: the facts as a summary list, and each list of records
    as cards, one page of PAGE_SIZE at a time. Each list pages by its own query parameter (its
    name), so two lists in one section page separately."""
    facts, groups = {}, []
    for key, value in section.fn(user).items():
        if _is_records(value):
            records = value if isinstance(value, Records) else Records(value, dict)
            page, query = _page(request, records, key)
            groups.append(
                {
                    "id": key.replace("_", "-"),
                    "label": _label(key),
                    "param": key,
                    "page": page,
                    "query": query,
                    "cards": [_card(records.record(row), records.title) for row in records.read(page)],
                }
            )
        else:
            facts[key] = "None" if value == [] else value
    facts_html = summary_list(_rows(facts)) if facts else mark_safe("")
    return {"title": section.title, "about": section.about, "facts": facts_html, "groups": groups}


register_section(
    "account",
    _account,
    title="Your account",
    about="Your name, email address, when you joined, what you can do in the portal and the reminders "
    "you switched off.",
)
register_section(
    "profile",
    _profile,
    title="Your profile",
    about="How to contact you, your access needs, what you told us about yourself, how you are paid "
    "(bank account masked), and letters and calls we made to you.",
)
register_section(
    "equality_monitoring",
    _equality,
    title="Equality monitoring answers",
    about="Your answers to the equality monitoring questions, if you gave any.",
)
register_section(
    "benefit",
    _benefit,
    title="Benefits",
    about="The benefit you told us you receive, if you did, so we can check what you can be paid.",
)
register_section(
    "involvement",
    _involvement,
    title="Your involvement",
    about="Activities you took part in, the roles you hold or held, and opportunities you were "
    "interested in.",
)
register_section(
    "log",
    _log,
    title="Who looked at or changed your record",
    about="Each time your record was looked at or changed, by you or by staff, and the reminders "
    "we sent you.",
)
