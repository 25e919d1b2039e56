"""Rows named by the public ids a browser sends back in a query string or a form field.

An id in a URL path is a UUID by its converter; one in `?project=` or a form is whatever the
person (or a stale bookmark, or a tampered form) sent. A malformed one names nothing: it is
dropped, or a 404, never a 500 from the UUID field's ValidationError."""

import uuid

from django.http import Http404
from django.shortcuts import get_object_or_404


def public_ids(values) -> list[uuid.UUID]:
    """The well-formed ids among `values`, in order; the others are dropped."""
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return out


def get_by_public_id_or_404(queryset, public_id):
    """The row of `queryset` with this public id: 404 when it is outside, or not an id at all."""
    ids = public_ids([public_id])
    if not ids:
        raise Http404
    return get_object_or_404(queryset, public_id=ids[0])
