"""Joining and the profile: completing it, editing it, how to be paid and bank details."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.dashboard import panels_for
from portal.errors import PortalError, show_error

from .. import forms, services
from ._common import _own_profile, _pending, _render, _require_profile
from ._profile_forms import _bank_form_view, _payment_form_view, _profile_form_view


@login_required
def profile_complete(request):
    """The step after sign-up: how to reach them, what they need, the privacy notice."""
    if not request.user.is_contributor:
        raise PermissionDenied
    if _own_profile(request) is not None:
        return redirect("contributors:profile")
    form = forms.CompleteProfileForm(request.POST or None, initial={"contact_method": "email"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "agree_privacy"}
        try:
            services.complete_profile(
                user=request.user, agree_privacy=form.cleaned_data["agree_privacy"], **data
            )
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Thank you. Your profile is ready.")
            return redirect("contributors:profile")
    return _render(request, "contributors/profile_complete.html", {"form": form}, form)


@login_required
@_require_profile
def profile(request):
    contributor = _own_profile(request)
    return render(
        request,
        "contributors/profile_detail.html",
        {
            "contributor": contributor,
            "person": contributor.user,
            "bank": getattr(contributor, "bank_account", None),
            "has_equality": hasattr(request.user, "diversity_record"),
            "is_self": True,
            "panels": panels_for(request, "person", contributor),
            "bank_change": _pending(contributor)[0],
            "can_confirm_bank": True,
        },
    )


@login_required
@_require_profile
def profile_edit(request):
    return _profile_form_view(
        request,
        _own_profile(request),
        template="contributors/profile_form.html",
        done_url="contributors:profile",
    )


@login_required
@_require_profile
def payment_edit(request):
    contributor = _own_profile(request)
    if (
        request.method == "POST"
        and request.POST.get("payment_method") == "bank_transfer"
        and not hasattr(contributor, "bank_account")
    ):
        response = _payment_form_view(request, contributor, done_url=reverse("contributors:bank_details"))
    else:
        response = _payment_form_view(request, contributor, done_url=reverse("contributors:profile"))
    return response


@login_required
@_require_profile
@reauthentication_required
def bank_details(request):
    """Changing bank details needs a recent sign-in (allauth's re-authentication)."""
    return _bank_form_view(request, _own_profile(request), done_url=reverse("contributors:profile"))
