"""What the lists that build their rows in Python share (issue 12).

The busiest lists (the approval queue, the paying page, a person's claims, the directory,
feedback owed, the activity page's participants, the impact log) read their rows as values
and write their table rows in Python, because the template engine renders each `{{ }}`,
`{% url %}` and filter node on its own and a dozen a row were half of those pages. Each keeps
the markup its template had (tests hold every one to it), and escapes everything it shows with
`django.utils.html.escape` as autoescaping did (tests/portal/test_escaping.py checks every key
list with text that is a script tag). These are the parts more than one of them needs.

Addresses are reversed once a process (`address`, `addresses`), for these lists and for the
busiest page's panels (the contributor home, docs/contributor-home.md).

A person's own long lists read on every visit (their claims) page through one compiled query
(`compiled_page`, `numbered_page`, `numbered_keys`: docs/own-claims-lists.md)."""

import functools
import html
import uuid
from collections.abc import Callable
from types import SimpleNamespace

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse


def escape(value) -> str:
    """What `django.utils.html.escape` writes, without its wrapper for lazy strings and its
    SafeString: a list of 25 rows escapes some 400 values, and the wrapper was most of the
    cost. The caller marks the finished row safe."""
    return html.escape(str(value))


def name_with_hint(name: str, email: str | None, public_id) -> str:
    """User.name_with_hint from the user's three columns: their name (or email, or id) and what
    tells them apart from a namesake (portal.people.hint)."""
    from .models import display_name
    from .people import hint

    return (
        f"{display_name(name, email, public_id)} ({hint(SimpleNamespace(email=email, public_id=public_id))})"
    )


_KEY = str(uuid.UUID(int=0))  # stands in for a public id (or a slug) in the reversed address


def addresses(url_name: str) -> Callable[[object], str]:
    """`url_name`'s address for one key (a public id, a slug), reversed once a process (for
    each script prefix and URLconf): a `{% url %}` or `reverse` a row costs about 40 µs each."""
    before, after = _reversed(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, url_name, True)
    return lambda key: f"{before}{key}{after}"


def address(url_name: str) -> str:
    """`reverse(url_name)` for an address that takes no key, reversed once a process (for each
    script prefix and URLconf). A `{% url %}` costs 50-60 µs, and the contributor home had 23."""
    return _reversed(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, url_name, False)


@functools.lru_cache(maxsize=512)
def _reversed(prefix: str, urlconf: str, url_name: str, keyed: bool):
    # `prefix` is in the key because reverse() starts every address with it.
    if keyed:
        return tuple(reverse(url_name, args=[_KEY], urlconf=urlconf).split(_KEY))
    return reverse(url_name, urlconf=urlconf)


class Days:
    """Dates as `date:"j M Y"` writes them ("1 Dec 2026"), the month's name asked of the filter
    once a month rather than for every date (it looks up the language each time)."""

    def __init__(self):
        self._months: dict[int, str] = {}

    def __call__(self, value) -> str:
        if not value:
            return ""
        if value.month not in self._months:
            self._months[value.month] = date_filter(value, "M")
        return f"{value.day} {self._months[value.month]} {value.year:04d}"
