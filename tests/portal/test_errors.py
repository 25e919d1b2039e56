"""One kind of error a person is shown, handled one way."""

import pytest

from contributors.services import ContributorError
from feedback.services import FeedbackError
from impact.services import ImpactError
from payments.services import ClaimError, RateCardError
from portal.errors import PortalError
from portal.services import ParticipationError


@pytest.mark.parametrize(
    "error", [ParticipationError, ContributorError, ClaimError, RateCardError, FeedbackError, ImpactError]
)
def test_every_app_error_is_a_portal_error(error):
    assert issubclass(error, PortalError)
