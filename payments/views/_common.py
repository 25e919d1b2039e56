"""What the payment pages share: finding a claim the user may see."""

from django.shortcuts import get_object_or_404

from ..models import Claim


def _get_claim(request, public_id) -> Claim:
    """Claims the user may not see are a 404, not a 403: don't reveal they exist."""
    claims = Claim.objects.visible_to(request.user).select_related(
        "contributor", "project", "participation__activity", "entered_by", "decided_by"
    )
    return get_object_or_404(claims, public_id=public_id)
