"""Managers: rate cards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.errors import PortalError, show_error

from .. import permissions, services
from ..forms import RateCardForm, RetireForm, UpliftForm
from ..models import RateCard


def _require_ratecards(request):
    if not permissions.can_manage_ratecards(request.user):
        raise PermissionDenied


@login_required
def ratecard_list(request):
    _require_ratecards(request)
    today = timezone.localdate()
    return render(
        request,
        "payments/ratecard_list.html",
        {
            "cards": RateCard.objects.prefetch_related("rows"),
            "in_force": services.rate_card_in_force(today),
            "today": today,
        },
    )


@login_required
def ratecard_create(request):
    _require_ratecards(request)
    form = RateCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = services.create_rate_card(actor=request.user, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Rate card saved.")
            return redirect("payments:ratecard_detail", public_id=card.public_id)
    return render(request, "payments/ratecard_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def ratecard_detail(request, public_id, uplift=None, retire=None, status=200):
    _require_ratecards(request)
    card = get_object_or_404(RateCard, public_id=public_id)
    return render(
        request,
        "payments/ratecard_detail.html",
        {
            "card": card,
            "rows": card.rows.all(),
            "uplift": uplift or UpliftForm(),
            "retire": retire or RetireForm(),
            "has_errors": bool((uplift and uplift.errors) or (retire and retire.errors)),
        },
        status=status,
    )


@login_required
@require_POST
def ratecard_uplift(request, public_id):
    _require_ratecards(request)
    card = get_object_or_404(RateCard, public_id=public_id)
    form = UpliftForm(request.POST)
    if form.is_valid():
        try:
            new = services.uplift_rate_card(actor=request.user, card=card, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form, field="effective_from")
        else:
            messages.success(request, "Uplifted card saved.")
            return redirect("payments:ratecard_detail", public_id=new.public_id)
    return ratecard_detail(request, public_id, uplift=form, status=400)


@login_required
@require_POST
def ratecard_retire(request, public_id):
    _require_ratecards(request)
    card = get_object_or_404(RateCard, public_id=public_id)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.retire_rate_card(actor=request.user, card=card, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form, field="retired_on")
        else:
            messages.success(request, "Rate card retired.")
            return redirect("payments:ratecard_detail", public_id=card.public_id)
    return ratecard_detail(request, public_id, retire=form, status=400)
