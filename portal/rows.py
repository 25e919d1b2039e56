"""What the lists that build their rows in Python share (issue 12).

The busiest lists (the approval queue, the paying page, a person's claims, the directory,
feedback owed, the activity page's participants, the impact log) read their rows as values
and write their table rows in Python, because the template engine renders each `{{ }}`,
`{% url %}` and filter node on its own and a dozen a row were half of those pages. Each keeps
the markup its template had (tests hold every one to it), and escapes everything it shows with
`django.utils.html.escape` as autoescaping did (tests/portal/test_escaping.py checks every key
list with text that is a script tag). These are the parts more than one of them needs.

Also what the busiest page (the contributor home, docs/contributor-home.md) does so that
Django and PostgreSQL do the same work once rather than on every visit: addresses reversed
once a process (`address`, `addresses`), and queries compiled and prepared once (`Compiled`)
and fetched together (`batch`)."""

import functools
import hashlib
import html
import re
import uuid
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
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


class Compiled:
    """A values_list query the ORM builds and compiles once a process, then runs with each
    request's values, as `addresses` reverses an address once with a stand-in key. For the
    queries every visit of the busiest page runs about a person's own, uncached rows (their
    claims, feedback, messages): Django building and compiling such a query cost about 0.9 ms
    of the 1.6 ms it took, PostgreSQL answering it 0.3.

    `build(**values)` returns the queryset; each value is a primary key (int) or a date and
    may appear anywhere in the query. It must read nothing else that changes (no
    `timezone.now()`, no settings that tests change): the query is compiled with stand-in
    values, twice, and the two must differ only where the values go, or it refuses.

    On PostgreSQL the statement is also prepared, once a database connection (a connection
    lives a minute, CONN_MAX_AGE), so that PostgreSQL plans it once: planning these small
    queries took longer than running them (0.3-0.8 ms against 0.2-0.3). Django leaves
    psycopg's own prepared statements off for connection poolers; the portal connects to
    PostgreSQL directly, and only these few statements are prepared."""

    def __init__(self, build: Callable):
        self._build = build
        self._compiled: dict = {}  # per database connection object (one a thread)

    def rows(self, **values) -> list[tuple]:
        batch = _batch.get()
        if batch is not None and (found := batch.get(self._key(values))) is not None:
            return list(found)
        return _fetch([(self, values)])[0]

    def _key(self, values: dict) -> tuple:
        return (id(self), *sorted(values.items()))

    def _statement(self, connection, values: dict):
        """The compiler (for the rows' converters), the SQL to run and its parameters."""
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection, values)
        compiler, sql, params, slots = compiled
        params = list(params)
        for position, name in slots:
            params[position] = _prepared(connection, values[name])
        if connection.vendor == "postgresql":
            sql = _prepare(connection, sql, len(params))
        return compiler, sql, params

    def _compile(self, connection, values: dict):
        from django.db.models.query import ValuesListIterable

        names = sorted(values)
        runs = []
        for offset in (0, 500):
            stand_ins = {name: _stand_in(values[name], offset + i) for i, name in enumerate(names)}
            queryset = self._build(**stand_ins)
            query, named = queryset.query, queryset._fields or ()
            # The columns as ValuesListIterable would reorder them: they must need no reordering.
            fields = [*named, *(f for f in query.annotation_select if f not in named)]
            selected = [*query.extra_select, *query.values_select, *query.annotation_select]
            if queryset._iterable_class is not ValuesListIterable or fields != selected:
                raise ValueError("Compiled takes a values_list with its columns in their select order.")
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            runs.append((compiler, sql, params, stand_ins))
        (compiler, sql, params, first), (_, sql_again, params_again, second) = runs
        if sql != sql_again or len(params) != len(params_again):
            raise ValueError("The query's SQL depends on its values.")
        slots = []
        for position, (a, b) in enumerate(zip(params, params_again, strict=True)):
            if a == b:
                continue
            name = next((n for n in names if _prepared(connection, first[n]) == a), None)
            if name is None or _prepared(connection, second[name]) != b:
                raise ValueError("The query reads a value that changes, besides the ones it is given.")
            slots.append((position, name))
        if {name for _, name in slots} != set(names):
            raise ValueError("The query does not use every value it is given.")
        return compiler, sql, params, slots


# What `batch` fetched for the queries a page is about to run: {Compiled._key: rows}.
_batch: ContextVar[dict | None] = ContextVar("portal_rows_batch", default=None)


@contextmanager
def batch(queries: list[tuple[Compiled, dict]]):
    """Within the block, these compiled queries ((query, values) pairs) give the rows that one
    round trip to the database fetched for all of them, on PostgreSQL as one string of
    statements (elsewhere one by one). For a page whose panels each run one: each round trip
    was about a third of what such a query cost. The block should be short (one page's
    reading): a change made in it is not in the rows already fetched."""
    unique = {compiled._key(values): (compiled, values) for compiled, values in queries}
    if not unique:
        yield
        return
    token = _batch.set(dict(zip(unique, _fetch(list(unique.values())), strict=True)))
    try:
        yield
    finally:
        _batch.reset(token)


def _fetch(queries: list[tuple[Compiled, dict]]) -> list[list[tuple]]:
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]  # this thread's, not the proxy all threads share
    statements = [compiled._statement(connection, values) for compiled, values in queries]
    fetched = []
    with connection.cursor() as cursor:
        options = connection.settings_dict.get("OPTIONS", {})
        if (
            connection.vendor == "postgresql"
            and len(statements) > 1
            and not options.get("server_side_binding")
        ):
            # psycopg's client-side binding (Django's default) sends them as one string.
            cursor.execute(
                "; ".join(sql for _, sql, _ in statements), [p for *_, ps in statements for p in ps]
            )
            for n in range(len(statements)):
                if n:
                    cursor.nextset()
                fetched.append(cursor.fetchall())
        else:
            for _, sql, params in statements:
                cursor.execute(sql, params)
                fetched.append(cursor.fetchall())
    return [_converted(compiler, rows) for (compiler, *_), rows in zip(statements, fetched, strict=True)]


def _converted(compiler, rows: list) -> list[tuple]:
    """The rows as the ORM gives them: its converters applied (UUIDs and dates on SQLite)."""
    if compiler.has_extra_select:  # ordered by an annotation it does not return
        rows = [row[: compiler.col_count] for row in rows]
    return list(compiler.results_iter(results=[rows], tuple_expected=True))


# Per database connection (psycopg's, which a reconnection replaces): the statements prepared on it.
_PREPARED: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def _prepare(connection, sql: str, count: int) -> str:
    """`sql` prepared on this connection if it is not yet, and the EXECUTE that runs it with
    `count` parameters (Django's placeholders, so that the query is logged and counted as
    any other). The PREPARE goes straight to psycopg, as Django's own session set-up does: it
    is not a query of the page, and it lasts as long as the connection, whatever happens to
    the transaction it was made in."""
    name = "portal_rows_" + hashlib.sha1(sql.encode()).hexdigest()[:16]
    connection.ensure_connection()
    done = _PREPARED.setdefault(connection.connection, set())
    if name not in done:
        numbers = iter(range(1, count + 1))
        numbered = re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
        connection.connection.execute(f"PREPARE {name} AS {numbered}")
        done.add(name)
    return f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"


def _stand_in(value, n: int):
    """A value of the same kind that no real query asks for: a negative key, a day in 1901."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return date(1901, 1, 1) + timedelta(days=n)
    if isinstance(value, int) and not isinstance(value, bool):
        return -1_000_000_001 - n
    raise TypeError(f"Compiled takes primary keys and dates, not {type(value).__name__}.")


def _prepared(connection, value):
    """A value as the ORM passes it to the database for a primary key or a date."""
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value
