"""The Jobcentre letter a contributor can download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.downloads import pdf_response

from .. import permissions, selectors
from ..pdf import render_jobcentre_letter_pdf


@login_required
def jobcentre_letter(request):
    """A letter for the contributor's work coach about what they were paid this tax year."""
    if not request.user.is_contributor:
        raise PermissionDenied
    return _letter_pdf(request.user)


@login_required
def jobcentre_letter_for(request, person_id):
    """The same letter, printed by the coordinator who claims for an offline contributor."""
    from portal.models import User

    person = get_object_or_404(User, public_id=person_id)
    if not permissions.can_view_statement_of(request.user, person):
        raise Http404
    return _letter_pdf(person)


def _letter_pdf(person):
    today = timezone.localdate()
    data = selectors.statement(contributor=person, year=selectors.current_tax_year(today), with_benefit=False)
    return pdf_response(
        render_jobcentre_letter_pdf(data, today=today, contact=selectors.organisation_contact()),
        f"letter-about-payments-{today:%Y-%m-%d}.pdf",
    )
