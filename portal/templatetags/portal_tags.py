"""Formatting only: no queries, no logic."""

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.money import format_money

register = template.Library()


@register.simple_tag
def address(url_name: str, key=None) -> str:
    """`{% url %}` for an address with no argument or one key (a public id), reversed once a
    process (portal.rows.address, .addresses): on the busiest pages, where a `{% url %}` tag
    costs 50-60 µs each."""
    from portal.rows import address, addresses

    return address(url_name) if key is None else addresses(url_name)(key)


@register.filter
def money(value):
    return format_money(value)


@register.filter
def person_hint(user) -> str:
    """What tells this person apart from a namesake (see portal.people.hint)."""
    from portal.people import hint

    return hint(user) if user else ""


@register.filter
def status_tag_colour(status: str) -> str:
    """GOV.UK tag colour for a workflow state."""
    return {
        "draft": "grey",
        "invited": "grey",
        "due": "yellow",
        "overdue": "red",
        "submitted": "blue",
        "confirmed": "blue",
        "returned": "orange",
        "approved": "green",
        "attended": "green",
        "given": "green",
        "paid": "turquoise",
        "acknowledged": "turquoise",
        "rejected": "red",
        "did_not_attend": "red",
        "withdrawn": "grey",
        "active": "green",
        "paused": "yellow",
        "closed": "grey",
        "left": "grey",
        "published": "green",
        "open": "green",
        "not_started": "blue",
        "current": "green",
        "ended": "grey",
    }.get(str(status), "grey")


@register.filter
def local_dt(value):
    return timezone.localtime(value) if value else value


@register.inclusion_tag("partials/error_summary.html")
def error_summary(*forms):
    return {"forms": [f for f in forms if f is not None and f.errors]}


_PREV_ICON = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125'
    '-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path></svg>'
)
_NEXT_ICON = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125'
    '-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path></svg>'
)


@register.simple_tag
def pagination_nav(page, query="", param="", anchor="", label=""):
    """GOV.UK pagination for a Django Page (partials/pagination.html), written out here: as a
    template, its dozen links of a dozen nodes each cost more than some pages' rows (issue 12).
    Everything from outside (the query string, the anchor, the label) is escaped."""
    if not page.has_other_pages():
        return ""
    prefix = f"?{escape(query)}&amp;" if query else "?"
    param, tail = escape(param or "page"), f"#{escape(anchor)}" if anchor else ""

    def href(number) -> str:
        return f"{prefix}{param}={number}{tail}"

    out = [f'<nav class="govuk-pagination" aria-label="Pages of {escape(label or "results")}">']
    if page.has_previous():
        out.append(
            f'<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" '
            f'href="{href(page.previous_page_number())}" rel="prev">{_PREV_ICON}<span class="govuk-pagination__link-title">'
            'Previous<span class="govuk-visually-hidden"> page</span></span></a></div>'
        )
    out.append('<ul class="govuk-pagination__list">')
    paginator = page.paginator
    for number in paginator.get_elided_page_range(page.number):
        if number == paginator.ELLIPSIS:
            out.append('<li class="govuk-pagination__item govuk-pagination__item--ellipses">&ctdot;</li>')
        elif number == page.number:
            out.append(
                '<li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link '
                f'govuk-pagination__link" href="{href(number)}" aria-label="Page {number}" aria-current="page">'
                f"{number}</a></li>"
            )
        else:
            out.append(
                f'<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" '
                f'href="{href(number)}" aria-label="Page {number}">{number}</a></li>'
            )
    out.append("</ul>")
    if page.has_next():
        out.append(
            f'<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" '
            f'href="{href(page.next_page_number())}" rel="next"><span class="govuk-pagination__link-title">'
            f'Next<span class="govuk-visually-hidden"> page</span></span>{_NEXT_ICON}</a></div>'
        )
    out.append("</nav>")
    out.append(
        f'<p class="govuk-body-s">Page {page.number} of {paginator.num_pages}, {paginator.count} in all.</p>'
    )
    return mark_safe("\n".join(out))  # every value from outside is escaped above
