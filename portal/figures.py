"""Figures on the home pages that take the same answer for everyone who may see them (the
organisation's counts, days to pay, spend against budget, feedback on time) or for one
scope (a coordinator's projects), and cost a scan of a large table each.

They are cached for a minute where every web process shares the cache
(`PORTAL_SHARED_CACHE`), under a generation number that any save or delete of a row they
count bumps, so a change made through the portal shows on the next page. The minute bounds
what a bulk `update()` (which sends no signal) or the turn of the day leaves stale. Without a
shared cache they are worked out on every request: each worker's own cache would keep a
figure another worker changed.

A few lists on a contributor's home (their upcoming activities and projects, the impact
entries awaiting their reflection, their co-production logs and expiring checks) are kept
the same way for that person alone: anything they or staff do to those rows saves one and so
starts a new generation. Their claims, feedback and messages are never cached: those change
by the person's own hand most often, and some by bulk updates that send no signal."""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TIMEOUT = 60
_GENERATION = "portal:figures:generation"


def cached(name: str, compute, *, scope: object = ""):
    """`compute()`'s answer (plain values: dicts, lists, numbers), cached under `name` and
    `scope` (e.g. the coordinator whose projects it counts) in this generation."""
    if not settings.PORTAL_SHARED_CACHE:
        return compute()
    generation = cache.get_or_set(_GENERATION, 1, None)
    key = f"portal:figures:{generation}:{name}:{scope}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def person(user) -> str:
    """The scope of figures kept for one person: public_id as well as pk (test databases
    reuse primary keys, never UUIDs)."""
    return f"{user.pk}:{user.public_id}"


def _bump() -> None:
    try:
        cache.incr(_GENERATION)
    except ValueError:  # not set yet: nothing is cached under any generation
        cache.set(_GENERATION, 1, None)


def forget(**kwargs) -> None:
    """Start a new generation. Not again after commit (as the public page does): saves are
    many and their callbacks are counted elsewhere; a page read by another request between
    the save and the commit keeps the old figure for at most TIMEOUT."""
    _bump()


def forget_on_change(*models) -> None:
    """Apps name the models their cached figures count, in their panels' register()."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(forget, sender=model, dispatch_uid=f"portal.figures.save.{label}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"portal.figures.delete.{label}")
