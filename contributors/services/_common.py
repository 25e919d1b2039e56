"""What the contributor services share: their error and the check on contact details."""

from portal.errors import PortalError

from ..models import ContactMethod


class ContributorError(PortalError):
    """A rule about contributors was broken. The message is safe to show to the user."""


def _check_contact(fields: dict) -> None:
    method = fields.get("contact_method")
    if method == ContactMethod.PHONE and not fields.get("phone"):
        raise ContributorError("Enter a phone number so we can call you.")
    if method == ContactMethod.TEXT and not fields.get("phone"):
        raise ContributorError("Enter a mobile phone number so we can text you.")
    if method == ContactMethod.POST and not (fields.get("address") and fields.get("postcode")):
        raise ContributorError("Enter an address and postcode so we can write to you.")
