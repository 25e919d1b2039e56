"""The public "what changed" page is the same for every visitor, so its body is cached. Any
change to an entry or to who agreed to be named starts a new cache generation, so a publish
or unpublish shows at once; the timeout only bounds what a project rename leaves stale."""

from django.core.cache import cache
from django.db import transaction

_GENERATION = "impact:public:generation"
TIMEOUT = 600


def key(*parts) -> str:
    generation = cache.get_or_set(_GENERATION, 1, None)
    return ":".join(["impact:public", str(generation), *map(str, parts)])


def _bump() -> None:
    try:
        cache.incr(_GENERATION)
    except ValueError:  # not set yet: nothing cached under any generation
        cache.set(_GENERATION, 1, None)


def forget(**kwargs) -> None:
    """Connected to saves and deletes of entries and namings. Again after commit: a visitor
    in between may have cached the page as it was before."""
    _bump()
    transaction.on_commit(_bump)
