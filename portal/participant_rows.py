"""The rows of the activity page's "people taking part" table, built here rather than through
the template engine: each row's dozen `{{ }}` and `{% if %}` nodes (the name three times, the
status tag, the form's address, token, label, options and button) were half the page's
rendering for its 25 rows (issue 12; the engine resolves, escapes and renders each node on its
own). The markup is the GOV.UK table row the template had (tests/portal/test_homes_at_scale.py
holds it); everything shown is escaped here, as the template's autoescaping did."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from .models import ParticipationStatus, display_name
from .rows import addresses, escape
from .templatetags.portal_tags import status_tag_colour

COLUMNS = ("public_id", "status", "contributor__name", "contributor__email", "contributor__public_id")


def participant_rows(
    participations, *, status_choices=None, csrf_input: str = ""
) -> tuple[list[dict], SafeString]:
    """The page's participations (read as `.values(*COLUMNS)`) as a list, and their table rows;
    with `status_choices` (a coordinator's page) each row has its status form."""
    rows = list(participations)
    forms = status_choices is not None
    if forms:
        # Each status's options once, not an option at a time on every row.
        options = {
            selected: format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, mark_safe(" selected") if value == selected else "", label)
                    for value, label in status_choices
                ),
            )
            for selected in {row["status"] for row in rows}
        }
        action_for = addresses("portal:participation_status")
    # Each status's tag once, not looked up and escaped again on every row.
    tags = {
        status: f'<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{escape(status_tag_colour(status))}">'
        f"{escape(ParticipationStatus(status).label)}</strong></td>"
        for status in {row["status"] for row in rows}
    }
    html = []
    for row in rows:
        person = escape(
            display_name(row["contributor__name"], row["contributor__email"], row["contributor__public_id"])
        )
        status = row["status"]
        cells = [f'<td class="govuk-table__cell">{person}</td>', tags[status]]
        if forms:
            key = escape(row["public_id"])
            action = escape(action_for(row["public_id"]))
            cells.append(
                '<td class="govuk-table__cell">'
                f'<form method="post" action="{action}" class="portal-actions">'
                f"{csrf_input}"
                f'<label class="govuk-label govuk-visually-hidden" for="status-{key}">Status for {person}</label>'
                f'<select class="govuk-select" id="status-{key}" name="status">{options[status]}</select>'
                '<button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">'
                f'Update<span class="govuk-visually-hidden"> {person}</span></button>'
                "</form></td>"
            )
        html.append('<tr class="govuk-table__row">' + "".join(cells) + "</tr>")
    return rows, mark_safe("\n".join(html))  # every value above is escaped
