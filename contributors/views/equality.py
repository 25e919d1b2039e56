"""Equality monitoring: the contributor's own answers, and withdrawing them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.confirm import confirm_first

from .. import equality, forms, services
from ._common import _own_profile, _render


@login_required
def equality_form(request):
    """The person's own answers: shown back to them only (each read is logged)."""
    if not request.user.is_contributor:
        raise PermissionDenied
    record = services.read_own_diversity(user=request.user) if request.method == "GET" else None
    initial = record.answers() if record else {}
    form = forms.EqualityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_diversity(user=request.user, consent=True, answers=form.answers())
        messages.success(request, "Thank you. Your answers are saved.")
        return redirect("contributors:equality")
    selected = form["ethnic_group"].value() or ""
    ethnic_groups = [
        {
            "label": label,
            "choices": [{"code": c, "label": lbl, "checked": c == selected} for c, lbl in choices],
        }
        for label, choices in equality.ethnic_choices_by_group()
    ]
    return _render(
        request,
        "contributors/equality_form.html",
        {
            "form": form,
            "record": record,
            "ethnic_groups": ethnic_groups,
            "ethnic_pnts_checked": selected == equality.PREFER_NOT_TO_SAY,
            "prefer_not_to_say": equality.PREFER_NOT_TO_SAY,
        },
        form,
    )


@login_required
@require_POST
def equality_withdraw(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    asking = confirm_first(
        request,
        title="Delete your equality monitoring answers?",
        warning="Your answers are deleted straight away and cannot be brought back.",
        consequences=[
            "You withdraw your consent for us to keep them.",
            "Reports already made keep the counts they had; nothing new will include you.",
            "You can answer the questions again at any time.",
        ],
        button="Yes, delete my answers",
        cancel_url=reverse("contributors:equality"),
    )
    if asking:
        return asking
    services.withdraw_diversity(user=request.user)
    messages.success(request, "Your equality monitoring answers have been deleted.")
    return redirect("contributors:profile" if _own_profile(request) else "portal:home")
