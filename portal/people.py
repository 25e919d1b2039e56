"""Which people a user may reach: the one scope rule for people, which apps extend.

A coordinator reaches a contributor only through a link that exists. The spine knows one
link (the person takes part in one of the coordinator's projects); apps add theirs with
`register_link` (contributors: a role on, or interest in, one of the coordinator's projects,
having registered them, or the person's own opt-in to the directory). Managers reach
everyone; a contributor reaches only themself.
"""

from collections.abc import Callable

from django.db.models import Q

from .models import Project, User

# Each link takes the coordinator and returns a Q over User.
_links: list[Callable[[User], Q]] = []


def register_link(link: Callable[[User], Q]) -> None:
    if link not in _links:
        _links.append(link)


def people_q(user: User) -> Q:
    """A Q over User for the people `user` may see and act within their role for."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_manager:
        return Q()
    q = Q(pk=user.pk)
    if user.is_coordinator:
        projects = Project.objects.coordinated_by(user).values("pk")
        q |= Q(participations__activity__project__in=projects)
        for link in _links:
            q |= link(user)
    return q


def people_visible_to(user: User):
    """The people `user` may reach, as a User queryset without duplicates."""
    return User.objects.filter(pk__in=User.objects.filter(people_q(user)).values("pk"))
