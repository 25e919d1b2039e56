"""How staff see and pick a person: one display with a hint that tells two people of the same
name apart, natural ordering ("member 2" before "member 10") and a search for long lists."""

import re

from django.db.models import Q


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
