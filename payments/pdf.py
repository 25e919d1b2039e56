from django.utils import timezone

from contributors.selectors import wants_large_print
from portal.pdf import render_pdf


def render_statement_pdf(statement, *, person) -> bytes:
    """The tax-year payment statement: the written evidence of payment NIHR recommends, in
    large print for a person who asked for it."""
    from .selectors import organisation_contact

    return render_pdf(
        "pdf/payments_statement.html",
        {"s": statement, "generated_on": timezone.localdate(), "contact": organisation_contact()},
        large_print=wants_large_print(person),
    )


def render_jobcentre_letter_pdf(statement, *, today, contact) -> bytes:
    """A letter for a Jobcentre work coach, in the portal's own words: who we are, what
    involvement is, that payments are for involvement and not employment, and what was paid."""
    return render_pdf(
        "pdf/payments_jobcentre_letter.html",
        {"s": statement, "today": today, "contact": contact},
        large_print=wants_large_print(statement.contributor),
    )
