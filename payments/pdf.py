from django.utils import timezone

from portal.pdf import render_pdf


def render_statement_pdf(statement) -> bytes:
    """The tax-year payment statement: the written evidence of payment NIHR recommends."""
    from .selectors import organisation_contact

    return render_pdf(
        "pdf/payments_statement.html",
        {"s": statement, "generated_on": timezone.localdate(), "contact": organisation_contact()},
    )
