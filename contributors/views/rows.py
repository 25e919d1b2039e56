"""The directory's two lists (contributors/directory.html), built here rather than through the
template engine: 25 rows of the directory and 25 offline people, each with a link, a name, the
hint that tells namesakes apart and three texts, were about 1,300 template variables a
request (issue 12). The markup is what the template's loops wrote, whitespace included
(tests/contributors/test_directory_rows.py holds it to that template); everything shown is
escaped here, as autoescaping did."""

from types import SimpleNamespace

from django.utils.safestring import SafeString, mark_safe

from portal.models import display_name
from portal.people import hint
from portal.rows import addresses, escape

from ..models import ContactMethod, ContributorStatus

# What a directory row shows: the profile's columns and its person's (`user__`).
DIRECTORY_COLUMNS = (
    "public_id",
    "status",
    "lived_experience",
    "interests",
    "skills",
    "user__name",
    "user__email",
    "user__public_id",
)

# What an offline person's item shows: their profile's key, address and how we reach them,
# their person's name and hint, and who registered them.
OFFLINE_COLUMNS = (
    "pk",
    "public_id",
    "contact_method",
    "user__name",
    "user__email",
    "user__public_id",
    "registered_by__name",
    "registered_by__email",
    "registered_by__public_id",
)

_CONTACT = {value: label.lower() for value, label in ContactMethod.choices}


def _hint(email, public_id) -> str:
    """portal.people.hint for a person read as columns."""
    return escape(hint(SimpleNamespace(email=email, public_id=public_id)))


def directory_rows(rows) -> SafeString:
    """The directory table's rows, from `DIRECTORY_COLUMNS` values (or "Nobody found.")."""
    address = addresses("contributors:person_detail")
    out = []
    for row in rows:
        paused = (
            ' <strong class="govuk-tag govuk-tag--yellow">Paused</strong>'
            if row["status"] == ContributorStatus.PAUSED
            else ""
        )
        out.append(
            '\n          <tr class="govuk-table__row"><td class="govuk-table__cell">'
            f'<a class="govuk-link" href="{escape(address(row["public_id"]))}">{escape(row["user__name"])}</a>'
            f'<br><span class="govuk-body-s">{_hint(row["user__email"], row["user__public_id"])}</span>{paused}</td>'
            f'\n            <td class="govuk-table__cell">{escape(row["lived_experience"] or "–")}</td>'
            f'<td class="govuk-table__cell">{escape(row["interests"] or "–")}</td>'
            f'<td class="govuk-table__cell">{escape(row["skills"] or "–")}</td></tr>\n        '
        )
    if not out:
        out.append(
            '\n          <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">Nobody found.</td></tr>\n        '
        )
    return mark_safe("".join(out))


def offline_items(rows) -> SafeString:
    """The offline people's list items, from `OFFLINE_COLUMNS` values (or "Nobody yet.")."""
    address = addresses("contributors:person_detail")
    out = []
    for row in rows:
        registered = ""
        if row["registered_by__public_id"]:
            registrar = display_name(
                row["registered_by__name"], row["registered_by__email"], row["registered_by__public_id"]
            )
            registered = f", registered by {escape(registrar)}"
        method = _CONTACT.get(row["contact_method"], row["contact_method"].lower())
        out.append(
            f'<li><a class="govuk-link" href="{escape(address(row["public_id"]))}">{escape(row["user__name"])}</a>'
            f" ({_hint(row['user__email'], row['user__public_id'])}) – {escape(method)}{registered}</li>"
        )
    return mark_safe("".join(out) or "<li>Nobody yet.</li>")
