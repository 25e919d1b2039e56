"""Data rights: a person's own data, its download, and erasure requests."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.confirm import confirm_first
from portal.errors import PortalError, show_error
from portal.mfa import mfa_this_session
from portal.pagination import paginate
from portal.rows import addresses

from .. import forms, permissions, services
from ..data_export import SECTIONS, export_for, readable_section, section_by_slug, summary
from ..models import ErasureRequest, ErasureStatus
from ._common import _render


@login_required
def my_data(request):
    """Everything the portal holds about you: your account and profile, and a link to each
    section (which can be long: hundreds of claims) rather than all of it on one page."""
    pending = ErasureRequest.objects.filter(user=request.user, status=ErasureStatus.REQUESTED).first()
    address = addresses("contributors:my_data_section")
    return render(
        request,
        "contributors/my_data.html",
        {
            "account": summary(SECTIONS["account"], request.user),
            "profile": summary(SECTIONS["profile"], request.user),
            "sections": [(section, address(section.slug)) for section in SECTIONS.values()],
            "pending_erasure": pending,
        },
    )


@login_required
def my_data_section(request, section):
    """One section of your data, its lists a page at a time. Always the signed-in person's own:
    no one else's data has a URL here."""
    found = section_by_slug(section)
    if found is None:
        raise Http404
    return render(
        request,
        "contributors/my_data_section.html",
        {"section": readable_section(request, found, request.user)},
    )


@login_required
def my_data_json(request):
    response = JsonResponse(export_for(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@login_required
def erasure_request(request):
    pending = ErasureRequest.objects.filter(user=request.user, status=ErasureStatus.REQUESTED).first()
    form = forms.ErasureRequestForm(request.POST or None)
    if request.method == "POST" and not pending and form.is_valid():
        asking = confirm_first(
            request,
            title="Ask us to erase your data?",
            warning="When a manager confirms it, your data is erased and you can no longer sign in. "
            "This cannot be undone.",
            consequences=[
                "Your name, contact details, profile, equality monitoring answers and bank details are deleted.",
                f"Payment records are kept for {settings.PORTAL_PAYMENT_RETENTION_YEARS} years, as the "
                "law requires, with your name removed.",
            ],
            button="Yes, ask to erase my data",
            cancel_url=reverse("contributors:my_data"),
            hidden={"reason": form.cleaned_data["reason"], "confirm": "on"},
        )
        if asking:
            return asking
        try:
            services.request_erasure(user=request.user, reason=form.cleaned_data["reason"])
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(
                request, "We have your request. A manager will confirm it and tell you by email."
            )
            return redirect("contributors:my_data")
    return _render(
        request,
        "contributors/erasure_request.html",
        {"form": form, "pending": pending, "retention_years": settings.PORTAL_PAYMENT_RETENTION_YEARS},
        form,
    )


@login_required
def erasure_list(request):
    if not permissions.can_view_erasure_requests(request.user):
        raise PermissionDenied
    requests = ErasureRequest.objects.select_related("user", "decided_by")
    # Both lists page (the decided one had stopped at 50, with no way to the older ones): the
    # oldest request waiting first, the newest decision first.
    waiting, waiting_query = paginate(
        request, requests.filter(status=ErasureStatus.REQUESTED).order_by("created_at", "pk")
    )
    decided, decided_query = paginate(
        request,
        requests.exclude(status=ErasureStatus.REQUESTED).order_by("-decided_at", "-pk"),
        param="decided_page",
    )
    return render(
        request,
        "contributors/erasure_list.html",
        {
            "waiting": waiting,
            "waiting_query": waiting_query,
            "decided": decided,
            "decided_query": decided_query,
            "form": forms.ErasureDecisionForm(),
        },
    )


@login_required
@require_POST
def erasure_decide(request, public_id):
    if not permissions.can_view_erasure_requests(request.user):
        raise PermissionDenied
    erasure = get_object_or_404(ErasureRequest, public_id=public_id)
    if not permissions.can_decide_erasure(request.user, erasure):
        raise PermissionDenied
    return _decide_erasure(request, erasure)


@mfa_this_session(return_to="contributors:erasure_list")
def _decide_erasure(request, erasure):
    form = forms.ErasureDecisionForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["decision"] == "confirm":
            asking = confirm_first(
                request,
                title=f"Erase {erasure.user.name}’s data?",
                warning="Their data is erased straight away and cannot be brought back.",
                consequences=[
                    "They can no longer sign in.",
                    "Payment and activity records are kept with their name removed.",
                ],
                button=f"Yes, erase {erasure.user.name}’s data",
                cancel_url=reverse("contributors:erasure_list"),
                hidden={"decision": "confirm", "note": form.cleaned_data["note"]},
            )
            if asking:
                return asking
        try:
            services.decide_erasure(
                actor=request.user,
                request=erasure,
                confirm=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Decision recorded.")
        except PortalError as exc:
            show_error(request, exc)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("contributors:erasure_list")
