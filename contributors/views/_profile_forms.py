"""The profile, payment and bank-details forms, shared by a contributor's own pages and a
coordinator's pages for an offline person."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from portal.errors import PortalError, show_error

from .. import forms, permissions, services
from ..models import BankDetailsChange
from ._common import _render


def _profile_form_view(request, contributor, *, template, done_url):
    if not permissions.can_edit_profile(request.user, contributor):
        raise PermissionDenied
    form = forms.ProfileForm(request.POST or None, initial=forms.ProfileForm.initial_for(contributor))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=request.user, contributor=contributor, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Profile saved.")
            return redirect(done_url)
    return _render(
        request,
        template,
        {"form": form, "contributor": contributor, "is_self": contributor.user_id == request.user.pk},
        form,
    )


def _payment_form_view(request, contributor, *, done_url):
    if not permissions.can_edit_profile(request.user, contributor):
        raise PermissionDenied
    form = forms.PaymentPreferencesForm(
        request.POST or None,
        initial={
            "payment_method": contributor.payment_method,
            "receives_benefits": contributor.receives_benefits,
            "is_public_sector_employee": contributor.is_public_sector_employee,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.set_payment_preferences(actor=request.user, contributor=contributor, **form.cleaned_data)
        messages.success(request, "Payment preferences saved.")
        return redirect(done_url)
    return _render(
        request,
        "contributors/payment_form.html",
        {
            "form": form,
            "contributor": contributor,
            "is_self": contributor.user_id == request.user.pk,
            "done_url": done_url,
        },
        form,
    )


def _bank_form_view(request, contributor, *, done_url):
    if not permissions.can_edit_profile(request.user, contributor):
        raise PermissionDenied
    form = forms.BankDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = services.set_bank_details(actor=request.user, contributor=contributor, **form.cleaned_data)
        if isinstance(saved, BankDetailsChange):
            messages.success(
                request,
                f"Bank details entered ({saved.masked}). They are used only once another member of "
                f"staff, or {contributor.user.name}, confirms them. We have told {contributor.user.name}.",
            )
        else:
            messages.success(
                request, f"Bank details saved ({saved.masked}). We have sent a message to confirm."
            )
        return redirect(done_url)
    bank = getattr(contributor, "bank_account", None)
    return _render(
        request,
        "contributors/bank_form.html",
        {
            "form": form,
            "bank": bank,
            "contributor": contributor,
            "is_self": contributor.user_id == request.user.pk,
            "done_url": done_url,
        },
        form,
    )
