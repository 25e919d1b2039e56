"""Absolute links, for emails, certificates and anything read away from the portal.

One base: `settings.PORTAL_BASE_URL`. A request's host is not used even when there is one,
because an email sent from a request is read later, elsewhere, and must point at the same
address as one sent by the worker.
"""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`path` (starting with "/") on the portal's public address."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def absolute_reverse(url_name: str, **kwargs) -> str:
    """The absolute address of a named URL; keyword arguments are the URL's."""
    return absolute_url(reverse(url_name, kwargs=kwargs or None))


def base_url() -> str:
    """The base alone, for email templates that build payment links from it."""
    return settings.PORTAL_BASE_URL.rstrip("/")
