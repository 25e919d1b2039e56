"""The one kind of error a person is shown: a rule the action broke, in words safe to show.

Every app's service error (`ParticipationError`, `ContributorError`, `ClaimError`,
`RateCardError`, `BenefitRuleError`, `FeedbackError`, `ImpactError`, `MessagingError`,
`PartnerError`, `CoproductionError`) is a `PortalError` (tests/test_architecture.py checks). Views catch
`PortalError` and hand it to `show_error`, which puts the message where the person will see
it: on the form they sent (at the top, or beside one field) or, after a redirect, as a
message on the next page.
"""

from django.contrib import messages


class PortalError(Exception):
    """A business rule refused the action. The message is safe to show to the user."""


def show_error(request, exc: PortalError, *, form=None, field: str | None = None) -> None:
    if form is not None:
        form.add_error(field, str(exc))
    else:
        messages.error(request, str(exc))
