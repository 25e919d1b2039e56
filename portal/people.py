"""People as staff reach and see them: the one scope rule for people (which apps extend), and
one way of showing and finding a person (a hint that tells namesakes apart, natural order,
search).

A coordinator reaches a contributor only through a link that exists. The spine knows one
link (the person takes part in one of the coordinator's projects); apps add theirs with
`register_link` (contributors: a role on, or interest in, one of the coordinator's projects,
having registered them, or the person's own opt-in to the directory). Managers reach
everyone; a contributor reaches only themself.
"""

import re
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull

from .compiled import Compiled
from .models import Participation, Project, User

# Each link takes the coordinator and returns a Q over User.
_links: list[Callable[..., Q]] = []


def register_link(link: Callable[..., Q]) -> None:
    """Add a link: `link(user, offline_only=False)` gives a Q over User that matches each person
    once (an EXISTS or a one-to-one join, never a join to many rows: people_visible_to does not
    deduplicate). It must read no rows when it is called, only build a Q from the user's key:
    the queries built from it are kept a process for the person (`built_for`). With `offline_only` the caller keeps only people who cannot sign in: write
    each subquery link as `linked(rows, offline_only)`, and leave out a link that never reaches
    them (see people_q)."""
    if link not in _links:
        _links.append(link)


def people_q(user: User, offline_only: bool = False) -> Q:
    """A Q over User for the people `user` may see and act within their role for.
    `offline_only`: the caller also filters by `offline_q` (the directory's second list, a
    thousand of 20,000 people), so each link is checked person by person (`linked`) rather
    than worked out once for everyone."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_manager:
        return Q()
    q = Q(pk=user.pk)
    if user.is_coordinator:
        # Each link an EXISTS rather than a join: a join gives a row per participation (and per
        # role, per interest...) to deduplicate, and EXISTS lets PostgreSQL probe the index for
        # a page of people instead of hashing every participation in the coordinator's projects.
        projects = Project.objects.coordinated_by(user).values("pk")
        taking_part = Participation.objects.filter(contributor=OuterRef("pk"), activity__project__in=projects)
        q |= linked(taking_part, offline_only)
        for link in _links:
            q |= link(user, offline_only=offline_only)
    return q


def linked(rows, offline_only: bool = False) -> Q:
    """A link: some of `rows` (a subquery correlated to the person by OuterRef) exist. For
    everyone an EXISTS, which PostgreSQL may plan as a join or a hash. When the caller keeps only
    the offline people, PostgreSQL would still work an EXISTS inside an OR out once for
    everyone, hashing every participation in the coordinator's projects (44,000 rows, 15 ms);
    asked as "the first such row's key is not null", a scalar subquery it cannot hash, it
    probes the index for each person kept instead (docs/performance.md)."""
    if not offline_only:
        return Q(Exists(rows))
    return Q(IsNull(Subquery(rows.order_by().values("pk")[:1]), False))


def people_visible_to(user: User):
    """The people `user` may reach, as a User queryset without duplicates: every link is an
    EXISTS or a one-to-one join, so the filter needs no deduplicating subquery around it."""
    return built_for(user, "people", lambda: User.objects.filter(people_q(user)))


# Querysets over a person's scope, built once a process: {(name, key, roles): queryset}.
_built: dict = {}
_BUILT_MAX = 2000


def built_for(user: User, name: str, build: Callable):
    """`build()`'s queryset (a query over `user`'s scope, people_q), built once a process for
    the person and their roles, a fresh copy each time. Django building people_q's subqueries
    into a query took 3 ms of Python on every directory page (1,000 calls a use); the query is
    SQL over the person's key and nothing else (links read no rows, `register_link`), so the
    same key and roles always build the same one, and its rows are read afresh each time."""
    if not user.is_authenticated:
        return build()
    key = (name, user.pk, user.role_names())
    queryset = _built.get(key)
    if queryset is None:
        if len(_built) >= _BUILT_MAX:  # bounded: a process sees a few hundred staff
            _built.clear()
        queryset = _built[key] = build()
    return queryset.all()


# Queries over a person's scope compiled once a process for each set of roles: {(name, roles): Compiled}.
_compiled: dict = {}


def compiled_for(user: User, name: str, build: Callable) -> Compiled:
    """`build(person, **values)`'s queryset (a query over a person's scope, as `built_for`
    builds one) compiled once a process for each set of roles (portal.compiled), to run with
    `person=user.pk` and the values. `person` is a stand-in with the key and roles only: the
    rule `built_for` relies on (a scope is SQL over the person's key, given their roles) is
    what makes one compiled query right for everyone with those roles. For a lookup on every
    visit of a busy page (an activity by its public id), where Django building the scope's
    query was most of the lookup."""
    roles = user.role_names()
    key = (name, roles)
    compiled = _compiled.get(key)
    if compiled is None:

        def stood_in(*, person, **values):
            someone = User(pk=person)
            someone._role_cache = roles
            return build(someone, **values)

        # A manager's scope is everything, with no key in it.
        compiled = _compiled[key] = Compiled(stood_in, may_ignore=("person",))
    return compiled


def natural_key(text: str) -> list:
    """Sort key that orders runs of digits as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", (text or "").casefold())]


def masked_email(email: str) -> str:
    """Enough of an address to recognise it, not enough to use it: "c…@example.org"."""
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}…@{domain}"


def hint(user) -> str:
    """What tells this person apart from another with the same name. A short reference from
    their public id always (it says nothing about them); a masked email when they have one."""
    ref = f"ref. {str(user.public_id)[:4].upper()}"
    email = masked_email(user.email or "")
    return f"{email}, {ref}" if email else f"no email, {ref}"


def search_people(queryset, text: str, path: str = ""):
    """People whose name or email contains every word of `text`. `path` leads from the
    queryset's model to the user ("contributor__" for interests, say)."""
    for word in (text or "").split():
        queryset = queryset.filter(
            Q(**{f"{path}name__icontains": word}) | Q(**{f"{path}email__icontains": word})
        )
    return queryset
