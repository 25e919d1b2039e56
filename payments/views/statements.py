"""Statements of what a contributor was paid."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from portal.downloads import pdf_response

from .. import permissions, selectors
from ..pdf import render_statement_pdf


def _year(request, year=None) -> int:
    today = timezone.localdate()
    value = year if year is not None else request.GET.get("year")
    try:
        chosen = int(value) if value else selectors.current_tax_year(today)
    except ValueError:
        chosen = selectors.current_tax_year(today)
    if not 2000 <= chosen <= today.year + 1:
        raise Http404
    return chosen


@login_required
def statement(request):
    if not request.user.is_contributor:
        raise PermissionDenied
    year = _year(request)
    today = timezone.localdate()
    return render(
        request,
        "payments/statement.html",
        {
            "s": selectors.statement(contributor=request.user, year=year),
            "years": selectors.tax_years_with_claims(request.user, today),
            "today": today,
            "contact": selectors.organisation_contact(),
        },
    )


@login_required
def statement_pdf(request, year):
    if not request.user.is_contributor:
        raise PermissionDenied
    return _statement_pdf(request.user, _year(request, year))


@login_required
def statement_for(request, person_id, year):
    """A contributor's statement PDF for a manager, or for the coordinator who claims for an
    offline contributor and posts it to them."""
    from portal.models import User

    person = get_object_or_404(User, public_id=person_id)
    if not permissions.can_view_statement_of(request.user, person):
        raise Http404
    return _statement_pdf(person, _year(request, year), with_benefit=False)


def _statement_pdf(person, year, with_benefit=True):
    data = selectors.statement(contributor=person, year=year, with_benefit=with_benefit)
    return pdf_response(render_statement_pdf(data, person=person), f"payment-statement-{data.label}.pdf")
