"""Queries built and compiled by the ORM once a process and run with each request's values
(`Compiled`), prepared once a connection on PostgreSQL, and fetched together for a page
(`batch`): for the busiest pages, where Django building and compiling their queries cost more
than PostgreSQL answering them: the contributor home (docs/contributor-home.md), the first
page of the approval queue and of the paying page (payments/views).

It relies on Django's query compiler (`get_compiler`, `as_sql`, `results_iter`):
tests/portal/test_compiled_queries.py holds every compiled query to the ORM's own rows, and
must pass after a Django upgrade, on PostgreSQL too (with DATABASE_URL: only there is a
statement prepared, and each parameter's type inferred by PostgreSQL). If a connection pooler
in transaction mode is ever put in front of PostgreSQL, `_prepare` must stop preparing."""

import hashlib
import re
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from uuid import UUID


class Compiled:
    """A values_list query the ORM builds and compiles once a process, then runs with each
    request's values, as `addresses` reverses an address once with a stand-in key. For the
    queries every visit of the busiest page runs about a person's own, uncached rows (their
    claims, feedback, messages): Django building and compiling such a query cost about 0.9 ms
    of the 1.6 ms it took, PostgreSQL answering it 0.3.

    `build(**values)` returns the queryset (a values_list, or models and their
    select_related); each value is a primary key (int), a public id (UUID), a date or a
    non-empty tuple of keys (for `__in`: compiled once for each length it is given) and may
    appear anywhere in the query. It must read nothing else that changes (no
    `timezone.now()`, no settings that tests change): the query is compiled with stand-in
    values, twice, and the two must differ only where the values go, or it refuses. A slice
    is written into the SQL by Django, so it must be the same on every run (a list's first
    page, `[:PAGE_SIZE]`), never a page's offset.

    On PostgreSQL the statement is also prepared, once a database connection (a connection
    lives a minute, CONN_MAX_AGE), so that PostgreSQL plans it once: planning these small
    queries took longer than running them (0.3-0.8 ms against 0.2-0.3). Django leaves
    psycopg's own prepared statements off for connection poolers; the portal connects to
    PostgreSQL directly, and only these few statements are prepared."""

    def __init__(self, build: Callable, *, may_ignore: tuple[str, ...] = ()):
        self._build = build
        # Values the query may leave out (a manager's scope is everything: no key in it).
        self._may_ignore = set(may_ignore)
        self._makes_instances = False  # a queryset of models, not a values_list (set when compiled)
        # Per database connection object (one a thread), forgotten with the thread's connection:
        # {the values' shape (their names, each tuple's length): compiled}.
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def rows(self, **values) -> list[tuple]:
        batch = _batch.get()
        if batch is not None and (found := batch.get(self._key(values))) is not None:
            return list(found)
        return _fetch([(self, values)])[0]

    def _key(self, values: dict) -> tuple:
        return (id(self), *sorted(values.items()))

    def _statement(self, connection, values: dict):
        """The compiler (for the rows' converters), the SQL to run and its parameters."""
        shapes = self._compiled.setdefault(connection, {})
        shape = tuple((name, len(v) if isinstance(v, tuple) else None) for name, v in sorted(values.items()))
        compiled = shapes.get(shape)
        if compiled is None:
            compiled = shapes[shape] = self._compile(connection, values)
        compiler, sql, params, slots = compiled
        params = list(params)
        for position, (name, index) in slots:
            value = values[name] if index is None else values[name][index]
            params[position] = _prepared(connection, value)
        if connection.vendor == "postgresql":
            sql = _prepare(connection, sql, params)
        return compiler, sql, params

    def _compile(self, connection, values: dict):
        from django.db.models.query import ModelIterable, ValuesListIterable

        names = sorted(values)
        # Each value, or each key of a tuple, by (name, index in the tuple or None).
        places = [
            (name, index)
            for name in names
            for index in (range(len(values[name])) if isinstance(values[name], tuple) else [None])
        ]
        if any(isinstance(values[name], tuple) and not values[name] for name in names):
            raise ValueError("An empty tuple matches nothing: there is nothing to ask.")
        runs = []
        for offset in (0, 500):
            stand = {place: _stand_in(_at(values, place), offset + i) for i, place in enumerate(places)}
            stand_ins = {
                name: tuple(stand[name, i] for i in range(len(values[name])))
                if isinstance(values[name], tuple)
                else stand[name, None]
                for name in names
            }
            queryset = self._build(**stand_ins)
            query, named = queryset.query, queryset._fields or ()
            self._makes_instances = queryset._iterable_class is ModelIterable
            if self._makes_instances:
                # Instances as ModelIterable makes them, select_related included: nothing it
                # would add besides (annotations, prefetching, related objects already known).
                if (
                    query.annotation_select
                    or queryset._prefetch_related_lookups
                    or queryset._known_related_objects
                ):
                    raise ValueError("Compiled makes instances of a plain queryset and its select_related.")
            else:
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
            place = next((p for p in places if _prepared(connection, _at(first, p)) == a), None)
            if place is None or _prepared(connection, _at(second, place)) != b:
                raise ValueError("The query reads a value that changes, besides the ones it is given.")
            slots.append((position, place))
        used = {place for _, place in slots}
        if not {place for place in places if place[0] not in self._may_ignore} <= used:
            raise ValueError("The query does not use every value it is given.")
        if connection.vendor == "postgresql":
            sql, params, slots = _constants_written_in(connection, sql, params, slots)
        return compiler, sql, params, slots


# What `batch` fetched for the queries a page is about to run: {Compiled._key: rows}.
_batch: ContextVar[dict | None] = ContextVar("portal_compiled_batch", default=None)


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
    return [
        _converted(compiler, rows, compiled._makes_instances)
        for (compiled, _), (compiler, *_), rows in zip(queries, statements, fetched, strict=True)
    ]


def _converted(compiler, rows: list, instances: bool) -> list:
    """The rows as the ORM gives them: its converters applied (UUIDs and dates on SQLite), or
    for a queryset of models its instances, made as ModelIterable makes them."""
    if instances:
        return _instances(compiler, rows)
    if compiler.has_extra_select:  # ordered by an annotation it does not return
        rows = [row[: compiler.col_count] for row in rows]
    return list(compiler.results_iter(results=[rows], tuple_expected=True))


def _instances(compiler, rows: list) -> list:
    from django.db.models.query import get_related_populators

    select, info = compiler.select, compiler.klass_info
    start, end = info["select_fields"][0], info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(info, select, compiler.using)
    made = []
    for row in compiler.results_iter(results=[rows]):
        instance = info["model"].from_db(compiler.using, names, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        made.append(instance)
    return made


# Per database connection (psycopg's, which a reconnection replaces): the statements prepared on it.
_PREPARED: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def _prepare(connection, sql: str, params: list) -> str:
    """`sql` prepared on this connection if it is not yet, and the EXECUTE that runs it with
    `count` parameters (Django's placeholders, so that the query is logged and counted as
    any other). The PREPARE goes straight to psycopg, as Django's own session set-up does: it
    is not a query of the page, and it lasts as long as the connection, whatever happens to
    the transaction it was made in.

    The query's constants are written in already (`_constants_written_in`); each value's type
    is declared as PostgreSQL reads the literal Django would have written in its place
    (`_declared`): left to PostgreSQL, a parameter it cannot place is text (a Value(True) the
    query returned came back as 't' when constants were parameters too)."""
    count = len(params)
    types = [_declared(p) for p in params]
    name = "portal_compiled_" + hashlib.sha1(f"{sql} {types}".encode()).hexdigest()[:16]
    connection.ensure_connection()
    done = _PREPARED.setdefault(connection.connection, set())
    if name not in done:
        numbers = iter(range(1, count + 1))
        numbered = re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
        declared = f"({', '.join(types)})" if count else ""
        connection.connection.execute(f"PREPARE {name}{declared} AS {numbered}")
        done.add(name)
    return f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"


def _constants_written_in(connection, sql: str, params: list, slots: list) -> tuple[str, list, list]:
    """The SQL with every parameter but the values written in as the literal psycopg sends for
    it (client-side binding, Django's default: what the ORM's own query says), the values'
    slots renumbered. A prepared statement is planned once for any values, so a constant left
    as a parameter is one the planner cannot see: it could not tell that `access_needs -> $2 IS
    NOT NULL` is the condition of the index of people with access needs, and read all 20,000
    profiles (6 ms) where the index holds the few. Written in, the generic plan uses the index."""
    from psycopg import sql as psql

    connection.ensure_connection()
    kept = {position for position, _ in slots}
    numbers = iter(range(len(params)))

    def placeholder(match):
        if match.group() == "%%":
            return "%%"
        position = next(numbers)
        if position in kept:
            return "%s"
        return psql.Literal(params[position]).as_string(connection.connection).replace("%", "%%")

    written = re.sub(r"%%|%s", placeholder, sql)
    order = sorted(kept)
    return written, [params[p] for p in order], [(order.index(p), place) for p, place in slots]


def _declared(value) -> str:
    """The type PostgreSQL gives the literal psycopg writes for a value (client-side binding,
    Django's default, which the uncompiled query used): a key, a date or a public id, the only
    values `_stand_in` takes (every other parameter is a constant, written in)."""
    if isinstance(value, int):
        return "integer" if -(2**31) <= value < 2**31 else "bigint"
    if isinstance(value, date):
        return "date"
    if isinstance(value, UUID):
        return "uuid"
    return "unknown"


def _at(values: dict, place: tuple[str, int | None]):
    name, index = place
    return values[name] if index is None else values[name][index]


def _stand_in(value, n: int):
    """A value of the same kind that no real query asks for: a negative key, a day in 1901."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return date(1901, 1, 1) + timedelta(days=n)
    if isinstance(value, int) and not isinstance(value, bool):
        return -1_000_000_001 - n
    if isinstance(value, UUID):
        return UUID(int=n + 1)
    raise TypeError(f"Compiled takes primary keys, public ids and dates, not {type(value).__name__}.")


def _prepared(connection, value):
    """A value as the ORM passes it to the database for a primary key, a public id or a date."""
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, UUID) and not connection.features.has_native_uuid_field:
        return value.hex  # as UUIDField gives it
    return value
