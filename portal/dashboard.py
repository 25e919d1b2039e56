"""Home-page panels and navigation that apps contribute without the spine importing them.

Each app registers its pieces in its AppConfig.ready(); the spine's views ask this module
what to show for the roles the person holds.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Panel:
    role: str
    template: str
    # (request) -> dict for role panels; (request, obj) -> dict for "project" and "activity"
    # panels, which appear on those pages. Return None to hide the panel.
    context: Callable | None = None
    order: int = 50
    # (request) -> [(name, scope)], or (request, obj) for a page's panels: the portal.figures
    # the context asks for, fetched for all of a page's panels in one round trip
    # (portal.figures.prefetch). Only a saving: a figure left out is asked for on its own.
    figures: Callable | None = None
    # (request) -> [(portal.compiled.Compiled, values)], or (request, obj) for a page's panels:
    # the uncached queries the context runs, fetched for all of a page's panels in one round
    # trip (portal.compiled.batch). Only a saving, as `figures` is.
    rows: Callable | None = None


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int = 50
    match_prefix: str = field(default="")
    # (request) -> int: a number shown beside the link, such as claims waiting for you.
    count: Callable | None = None
    # (request) -> [(name, scope)]: the portal.figures `count` asks for, so that a page can
    # fetch them with its own in one round trip (page_figures).
    figures: Callable | None = None


@dataclass(frozen=True)
class Link:
    """A link one app offers beside another app's thing (e.g. "Record in the impact log" on
    a feedback item), so the app showing the thing need not know the app the link goes to."""

    slot: str
    label: str
    url_name: str
    visible: Callable | None = None  # (user) -> bool


PANELS: list[Panel] = []
NAV: list[NavItem] = []
LINKS: list[Link] = []
# (date) -> [(code, label)]: the fee rates in force on a date, for the activity form's picker.
# Payments registers it; the spine only asks.
RATE_CODES: list[Callable] = []


def register_panel(
    *,
    role: str,
    template: str,
    context: Callable | None = None,
    order: int = 50,
    figures: Callable | None = None,
    rows: Callable | None = None,
):
    PANELS.append(Panel(role, template, context, order, figures, rows))


def register_nav(
    *,
    label: str,
    url_name: str,
    roles: tuple[str, ...],
    order: int = 50,
    match_prefix: str = "",
    count: Callable | None = None,
    figures: Callable | None = None,
):
    NAV.append(NavItem(label, url_name, roles, order, match_prefix, count, figures))


def register_rate_codes(provider: Callable) -> None:
    RATE_CODES.append(provider)


def rate_code_choices(on) -> list[tuple[str, str]]:
    return [choice for provider in RATE_CODES for choice in provider(on)]


def register_link(*, slot: str, label: str, url_name: str, visible: Callable | None = None):
    LINKS.append(Link(slot, label, url_name, visible))


def links_for(user, slot: str) -> list[dict]:
    """The links registered for a slot that this person may follow: label and URL."""
    return [
        {"label": link.label, "url": reverse(link.url_name)}
        for link in LINKS
        if link.slot == slot and (link.visible is None or link.visible(user))
    ]


def panels_for(request, role: str, obj=None) -> list[dict]:
    """The panels for one of the person's roles (or a page), each with its context built."""
    out = []
    for panel in sorted((p for p in PANELS if p.role == role), key=lambda p: p.order):
        if panel.context is None:
            ctx = {}
        else:
            ctx = panel.context(request, obj) if obj is not None else panel.context(request)
        if ctx is not None:
            out.append({"template": panel.template, "context": ctx})
    return out


def figures_for(request, role: str, obj=None) -> list[tuple[str, object]]:
    """The figures the panels for one of the person's roles (or a page) will ask for
    (Panel.figures)."""
    return _named_by_panels(request, role, obj, "figures")


def rows_for(request, role: str, obj=None) -> list[tuple[object, dict]]:
    """The compiled queries the panels for one of the person's roles (or a page) will run
    (Panel.rows)."""
    return _named_by_panels(request, role, obj, "rows")


def _named_by_panels(request, role: str, obj, attribute: str) -> list:
    return [
        item
        for panel in PANELS
        if panel.role == role and (named := getattr(panel, attribute))
        for item in (named(request, obj) if obj is not None else named(request))
    ]


def _nav_items(user) -> list[NavItem]:
    items, seen = [], set()
    for item in sorted(NAV, key=lambda n: n.order):
        if item.url_name in seen or not any(user.has_role(r) for r in item.roles):
            continue
        seen.add(item.url_name)
        items.append(item)
    return items


@contextmanager
def page_figures(request, wanted: list[tuple[str, object]]):
    """Within the block, the page's figures (`wanted`, (name, scope) pairs) and the ones the
    navigation's counts ask for (NavItem.figures) come from one round trip to the cache
    (portal.figures.prefetch); the counts are worked out in it, before the navigation is drawn."""
    from . import figures

    navigation = [pair for item in _nav_items(request.user) if item.figures for pair in item.figures(request)]
    with figures.prefetch([*wanted, *navigation]):
        nav_counts(request)
        yield


def nav_counts(request) -> dict[str, int]:
    """The navigation's counts, worked out once a request (page_figures works them out inside
    its prefetch)."""
    if not hasattr(request, "_portal_nav_counts"):
        request._portal_nav_counts = {
            item.url_name: item.count(request) for item in _nav_items(request.user) if item.count
        }
    return request._portal_nav_counts


def nav_for(request) -> list[dict]:
    counts = nav_counts(request)
    items = []
    for item in _nav_items(request.user):
        url = reverse(item.url_name)
        prefix = item.match_prefix or url
        active = request.path == url if url == "/" else request.path.startswith(prefix)
        items.append(
            {"label": item.label, "url": url, "active": active, "count": counts.get(item.url_name, 0)}
        )
    return items


# --- Report sections -------------------------------------------------------------------------
# A report (so far only "impact", the GRIPP2-SF report) asks here for the sections other apps
# add to it, so that the app making the report needs to import none of them.


@dataclass(frozen=True)
class ReportSection:
    report: str
    # Where in the report it goes: the report's own headings ("methods", "influence",
    # "reflections" for the impact report).
    slot: str
    template: str  # included in the PDF with `section` = the context
    # (*, projects, start, end) -> dict with "heading" (the CSV's section) and "rows" (list of
    # (measure, value) strings, shown in both the CSV and the PDF), plus whatever the template
    # needs; None leaves the section out.
    context: Callable
    order: int = 50


REPORT_SECTIONS: list[ReportSection] = []


def register_report_section(*, report: str, slot: str, template: str, context: Callable, order: int = 50):
    REPORT_SECTIONS.append(ReportSection(report, slot, template, context, order))


def report_sections_for(report: str, **kwargs) -> list[dict]:
    out = []
    for section in sorted((s for s in REPORT_SECTIONS if s.report == report), key=lambda s: s.order):
        ctx = section.context(**kwargs)
        if ctx is not None:
            out.append({"slot": section.slot, "template": section.template, **ctx})
    return out
