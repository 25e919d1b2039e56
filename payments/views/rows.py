"""The rows of the payments lists (approval queue, paying page, a person's claims), built here
rather than through the template engine: 25 rows of a dozen fields, conditions and a link each
were about half of each page's time (issue 12; the engine resolves, escapes and renders each
`{{ }}` and `{% if %}` node on its own). The markup is the GOV.UK table rows the templates had
(tests/payments/test_lean_lists.py holds them to the templates' markup); everything shown is
escaped here, as the templates' autoescaping did. Each row is a dict from
payments.selectors.listed, plus what the view works out for it."""

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from portal.money import format_money
from portal.rows import Days, addresses, escape
from portal.templatetags.portal_tags import status_tag_colour


def _checkbox(id_prefix: str, row: dict, action: str) -> str:
    """A small GOV.UK checkbox for one claim, labelled for screen readers with what it does."""
    key = escape(row["public_id"])
    box_id = f"{id_prefix}-{key}"
    checked = " checked" if row["checked"] else ""
    what = f"{action} {escape(row['reference'])}, {escape(row['contributor'])} for {escape(row['title'])}"
    return (
        '<div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">'
        f'<input class="govuk-checkboxes__input" type="checkbox" id="{box_id}" name="claims" value="{key}"{checked}>'
        f'<label class="govuk-label govuk-checkboxes__label" for="{box_id}">'
        f'<span class="govuk-visually-hidden">{what}</span></label></div></div>'
    )


class _Links:
    """Each row's link to its claim, from one `reverse` a page (portal.rows.addresses)."""

    def __init__(self):
        self.address = addresses("payments:claim_detail")

    def __call__(self, row: dict, text: str) -> str:
        return f'<a class="govuk-link" href="{escape(self.address(row["public_id"]))}">{text}</a>'


def _status(row: dict) -> str:
    return (
        f'<strong class="govuk-tag govuk-tag--{escape(status_tag_colour(row["status"]))}">'
        f"{escape(row['status_label'])}</strong>"
    )


def _cell(content: str, numeric: bool = False) -> str:
    kind = "govuk-table__cell govuk-table__cell--numeric" if numeric else "govuk-table__cell"
    return f'<td class="{kind}">{content}</td>'


def _tr(cells: list[str], indent: str) -> str:
    inner = "".join(f"\n{indent}  {cell}" for cell in cells)
    return f'\n{indent}<tr class="govuk-table__row">{inner}\n{indent}</tr>'


def queue_rows(rows: list[dict]) -> SafeString:
    """The approval queue's rows (payments/claim_queue.html)."""
    link, day, out = _Links(), Days(), []
    for row in rows:
        if row["selectable"]:
            choose = _checkbox("claim", row, "Select")
        elif row["flagged"]:
            choose = '<span class="govuk-body-s">Open to decide</span>'
        else:
            choose = ""
        entered = f" · entered by {escape(row['entered_by'])}" if row["entered_by"] else ""
        claim = (
            link(row, f"{escape(row['contributor'])}: {escape(row['title'])}")
            + f' <span class="govuk-body-s">({escape(row["contributor_hint"])})</span><br>'
            f'<span class="govuk-body-s">{escape(row["reference"])} · {escape(row["project"])}{entered}</span>'
        )
        submitted = row["submitted_at"]
        tags = _status(row)
        if row["second_approval"]:
            tags += ' <strong class="govuk-tag govuk-tag--yellow">Second approval</strong>'
        if row["over_budget"]:
            tags += ' <strong class="govuk-tag govuk-tag--red">Over budget</strong>'
        if row["has_duplicate_receipt"]:
            tags += ' <strong class="govuk-tag govuk-tag--red">Receipt used on another claim</strong>'
        cells = [
            _cell(choose),
            _cell(claim),
            _cell(day(timezone.localtime(submitted)) if submitted else ""),
            _cell(tags),
            _cell(escape(format_money(row["total"])), numeric=True),
        ]
        out.append(_tr(cells, "            "))
    return mark_safe("".join(out))


def paying_rows(rows: list[dict]) -> SafeString:
    """The paying page's rows (payments/payment_list.html)."""
    link, out = _Links(), []
    for row in rows:
        if row["pays_by_vouchers"]:
            route = "Vouchers"
        elif row["has_bank_details"]:
            route = "Bank transfer"
        else:
            route = (
                'Bank transfer<br><strong class="govuk-tag govuk-tag--red">No bank details</strong><br>'
                '<span class="govuk-body-s">Cannot be paid by transfer until the contributor adds them</span>'
            )
        claim = (
            link(row, f"{escape(row['contributor'])}: {escape(row['title'])}")
            + f'<br><span class="govuk-body-s">{escape(row["reference"])} · {escape(row["choice_label"])}</span>'
        )
        total = (
            f'{escape(format_money(row["total"]))}<br><span class="govuk-body-s">'
            f"fee {escape(format_money(row['fee_total']))}, expenses {escape(format_money(row['expense_total']))}</span>"
        )
        cells = [
            _cell(_checkbox("pay", row, "Pay") if row["payable"] else ""),
            _cell(claim),
            _cell(route),
            _cell(total, numeric=True),
        ]
        out.append(_tr(cells, "            "))
    return mark_safe("".join(out))


def claim_rows(rows: list[dict]) -> SafeString:
    """A person's claims (payments/partials/claim_table.html): `mine` says the claim is for the
    person themselves, not one they entered for someone else."""
    link, day, out = _Links(), Days(), []
    for row in rows:
        for_whom = "" if row["mine"] else f", for {escape(row['contributor'])}"
        if row["paid_on"]:
            paid = day(row["paid_on"])
        elif row["expected_on"]:
            paid = f"Usually {day(row['expected_on'])}"
        else:
            paid = "–"
        out.append(
            '\n        <tr class="govuk-table__row"><td class="govuk-table__cell">'
            + link(row, escape(row["title"]))
            + f'<br><span class="govuk-body-s">{escape(row["reference"])}{for_whom}</span></td>'
            f'\n          <td class="govuk-table__cell">{day(row["work_on"])}</td>'
            f"\n          {_cell(_status(row))}"
            f'\n          <td class="govuk-table__cell">{paid}</td>'
            f"\n          {_cell(escape(format_money(row['total'])), numeric=True)}</tr>"
        )
    return mark_safe("".join(out))
