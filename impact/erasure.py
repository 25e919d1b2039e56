"""What an erased person leaves in impact: their Cube scores count on in anonymous averages; their
comments and reflections go. Certificates stay (a code someone was given must still check) but
the public check says the person was erased, and their name is scrubbed from the details by
portal.services.forget_identifiers."""

from django.db.models import Q
from django.urls import reverse

from .models import CubeCheckIn, ImpactEntry, Reflection


def forget_person(sender, user, **kwargs) -> list[dict]:
    """Blank what the person wrote here, and return what the portal cannot blank itself: the
    evidence files of entries that name them or are about an activity they took part in. A
    file someone uploaded (minutes, a photo, a report) may name them, and only a person can
    read it: the erasure keeps these for the manager to check by hand (ErasureRequest.to_check).
    Labelled by date and link only, never the entry's title, which may hold their name."""
    CubeCheckIn.objects.filter(contributor=user).update(comments="")
    Reflection.objects.filter(contributor=user).delete()
    entries = (
        ImpactEntry.objects.exclude(evidence_file="")
        .filter(Q(people__contributor=user) | Q(activities__participations__contributor=user))
        .distinct()
        .order_by("occurred_on", "pk")
        .values_list("public_id", "occurred_on")
    )
    return [
        {
            "label": f"Evidence file of the impact entry of {occurred_on.day} {occurred_on:%B %Y}",
            "url": reverse("impact:entry_detail", args=[public_id]),
        }
        for public_id, occurred_on in entries
    ]
