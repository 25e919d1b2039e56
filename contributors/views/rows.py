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


def offline_items(contributors) -> SafeString:
    """The offline people's list items, from profiles with their `user` and `registered_by`
    (or "Nobody yet.")."""
    address = addresses("contributors:person_detail")
    out = []
    for contributor in contributors:
        user, registrar = contributor.user, contributor.registered_by
        registered = (
            f", registered by {escape(display_name(registrar.name, registrar.email, registrar.public_id))}"
            if registrar
            else ""
        )
        method = _CONTACT.get(contributor.contact_method, contributor.contact_method.lower())
        out.append(
            f'<li><a class="govuk-link" href="{escape(address(contributor.public_id))}">{escape(user.name)}</a>'
            f" ({escape(hint(user))}) – {escape(method)}{registered}</li>"
        )
    return mark_safe("".join(out) or "<li>Nobody yet.</li>")
