"""Managers: benefit limits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from portal.errors import PortalError, show_error
from portal.lookups import public_ids
from portal.pagination import PAGE_SIZE

from .. import permissions, services
from ..forms import BenefitRuleForm
from ..models import BenefitRule


def _require_benefit_rules(request):
    if not permissions.can_manage_benefit_rules(request.user):
        raise PermissionDenied


@login_required
def benefitrule_list(request):
    """Every dated limit, a page at a time, and which one is in force today for each benefit."""
    _require_benefit_rules(request)
    today = timezone.localdate()
    rules = BenefitRule.objects.select_related("created_by").order_by("benefit", "-applies_from", "-pk")
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    in_force = {}
    for rule in BenefitRule.objects.filter(applies_from__lte=today).order_by("benefit", "-applies_from"):
        in_force.setdefault(rule.benefit, rule.pk)
    return render(
        request,
        "payments/benefitrule_list.html",
        {"page": page, "in_force": set(in_force.values()), "today": today},
    )


@login_required
def benefitrule_create(request):
    """Add a limit from a date; `?from=<rule>` starts from an existing row (a new April figure)."""
    _require_benefit_rules(request)
    initial = {}
    based_on = request.GET.get("from")
    if based_on:
        base = BenefitRule.objects.filter(public_id__in=public_ids([based_on])).first()
        if base is not None:
            initial = {
                "benefit": base.benefit,
                "period": base.period,
                "limit": base.limit,
                "source": base.source,
            }
    form = BenefitRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_benefit_rule(actor=request.user, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form, field="applies_from")
        else:
            messages.success(request, "Benefit limit saved.")
            return redirect("payments:benefitrule_list")
    return render(
        request, "payments/benefitrule_form.html", {"form": form}, status=400 if form.errors else 200
    )
