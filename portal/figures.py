"""Figures on the home pages that take the same answer for everyone who may see them (the
organisation's counts, days to pay, spend against budget, feedback on time) or for one
scope (a coordinator's projects), and cost a scan of a large table each.

They are cached for a minute where every web process shares the cache
(`PORTAL_SHARED_CACHE`), under a generation number per area (an app's figures) that any save
or delete of a row they count bumps, so a change made through the portal shows on the next page. The minute bounds
what a bulk `update()` (which sends no signal) or the turn of the day leaves stale. Without a
shared cache they are worked out on every request: each worker's own cache would keep a
figure another worker changed.

A few lists on a contributor's home (their upcoming activities and projects, the impact
entries awaiting their reflection, their co-production logs and expiring checks) are kept
the same way for that person alone: anything they or staff do to those rows saves one and so
starts a new generation. Their claims, feedback and messages are never cached: those change
by the person's own hand most often, and some by bulk updates that send no signal."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TIMEOUT = 60

# What `prefetch` brought for the figures a page is about to ask for: {cache key: value}, and
# the keys it asked for (found or not).
_prefetched: ContextVar[tuple[set, dict] | None] = ContextVar("portal_figures_prefetched", default=None)


def cached(name: str, compute, *, scope: object = ""):
    """`compute()`'s answer (plain values: dicts, lists, numbers, model instances), cached
    under `name` ("<area>:<figure>") and `scope` (e.g. the coordinator whose projects it
    counts) in the area's current generation."""
    if not settings.PORTAL_SHARED_CACHE:
        return compute()
    generation_key, key = _keys(name, scope)
    # The figure is kept with the generation it was worked out in, so that the area's
    # generation and the figure come in one round trip, or none after `prefetch`.
    prefetched = _prefetched.get()
    if prefetched is not None and {generation_key, key} <= prefetched[0]:
        found = prefetched[1]
    else:
        found = cache.get_many([generation_key, key])
    generation = found.get(generation_key)
    if generation is None:
        generation = cache.get_or_set(generation_key, 1, None)
    kept = found.get(key)
    if kept is not None and kept[0] == generation:
        return kept[1]
    value = compute()
    cache.set(key, (generation, value), TIMEOUT)
    return value


@contextmanager
def prefetch(figures: list[tuple[str, object]]):
    """Within the block, `cached` finds these figures ((name, scope) pairs) and their areas'
    generations in what one round trip to the cache brought, instead of a round trip each (a
    home page asks for up to seven; each was most of a cached panel's cost). Only for the
    reads of one page: a figure forgotten meanwhile (`forget`) is asked again."""
    if not settings.PORTAL_SHARED_CACHE or not figures:
        yield
        return
    keys = {k for name, scope in figures for k in _keys(name, scope)}
    token = _prefetched.set((keys, cache.get_many(list(keys))))
    try:
        yield
    finally:
        _prefetched.reset(token)


def _keys(name: str, scope: object) -> tuple[str, str]:
    """The area's generation key and the figure's key."""
    return _generation_key(name.split(":", 1)[0]), f"portal:figures:{name}:{scope}"


def person(user) -> str:
    """The scope of figures kept for one person: public_id as well as pk (test databases
    reuse primary keys, never UUIDs)."""
    return f"{user.pk}:{user.public_id}"


def _generation_key(area: str) -> str:
    return f"portal:figures:generation:{area}"


def forget(area: str) -> None:
    """Start a new generation of the area's figures. Not again after commit (as the public
    page does): saves are many and their callbacks are counted elsewhere; a page read by
    another request between the save and the commit keeps the old figure for at most TIMEOUT."""
    _prefetched.set(None)  # what a page prefetched may hold the old generation
    try:
        cache.incr(_generation_key(area))
    except ValueError:  # not set yet: nothing is cached under any generation
        cache.set(_generation_key(area), 1, None)


def receiver(area: str):
    """A signal receiver that forgets the area's figures, whatever the signal says."""

    def forget_area(**kwargs) -> None:
        forget(area)

    return forget_area


def forget_on_change(area: str, *models) -> None:
    """Apps name the models their cached figures (names starting "<area>:") count, in their
    panels' register(). Each area is forgotten alone: a feedback saved does not throw away
    the payments figures."""
    forget_area = receiver(area)
    for model in models:
        label = model._meta.label_lower
        uid = f"portal.figures.{area}.{label}"
        post_save.connect(forget_area, sender=model, weak=False, dispatch_uid=f"{uid}.save")
        post_delete.connect(forget_area, sender=model, weak=False, dispatch_uid=f"{uid}.delete")
