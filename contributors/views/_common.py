"""What the contributor pages share: the profile lookup and how a form with errors comes back."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from portal.models import Project

from ..models import Contributor, PendingStatus


def _render(request, template, context, form=None):
    """Forms with errors come back with status 400."""
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


def _own_profile(request) -> Contributor:
    return Contributor.objects.profile_of(request.user)


def _require_profile(view):
    """Pages that need the person's contributor profile send them to complete it first."""

    def wrapper(request, *args, **kwargs):
        if _own_profile(request) is None:
            if not request.user.is_contributor:
                raise PermissionDenied
            return redirect("contributors:profile_complete")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _pending(contributor):
    return (
        contributor.bank_changes.filter(status=PendingStatus.PENDING).select_related("entered_by").first(),
        contributor.invitations.filter(status=PendingStatus.PENDING).select_related("invited_by").first(),
    )


def _get_project(request, public_id) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user), public_id=public_id)
