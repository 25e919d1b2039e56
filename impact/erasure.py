"""What an erased person leaves in impact: their Cube scores count on in anonymous averages; their
comments and reflections go. Certificates stay (a code someone was given must still check) but
the public check says the person was erased, and their name is scrubbed from the details by
portal.services.forget_identifiers."""

from .models import CubeCheckIn, Reflection


def forget_person(sender, user, **kwargs) -> None:
    CubeCheckIn.objects.filter(contributor=user).update(comments="")
    Reflection.objects.filter(contributor=user).delete()
