"""The contributor's answer about benefits, and withdrawing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .. import forms, services
from ..models import BenefitAnswer
from ._common import _render


@login_required
def benefit_form(request):
    """Which benefit applies: the person's own answer, used only for their own payment checks."""
    if not request.user.is_contributor:
        raise PermissionDenied
    answer = BenefitAnswer.objects.filter(user=request.user).first()
    form = forms.BenefitForm(request.POST or None, initial={"benefit": answer.benefit} if answer else {})
    if request.method == "POST" and form.is_valid():
        services.save_benefit(user=request.user, consent=True, benefit=form.cleaned_data["benefit"])
        messages.success(request, "Thank you. Your answer is saved.")
        return redirect("contributors:benefit")
    return _render(request, "contributors/benefit_form.html", {"form": form, "answer": answer}, form)


@login_required
@require_POST
def benefit_withdraw(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    services.withdraw_benefit(user=request.user)
    messages.success(request, "Your answer about benefits has been deleted.")
    return redirect("contributors:benefit")
