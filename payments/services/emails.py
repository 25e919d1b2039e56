"""Who hears about a claim's change, and the email they get."""

from portal.emails import send_templated_email
from portal.links import base_url
from portal.models import User

from ..models import Claim, ClaimEvent, ClaimStatus


def deciders_for(claim: Claim) -> set[User]:
    """Who is told a claim is waiting: the project's coordinators who may decide it (never
    its contributor, nor the coordinator who entered it for an offline person); when no
    coordinator may, the managers."""
    project = claim.project
    excluded = {claim.contributor_id, claim.entered_by_id}
    people = {p for p in (project.lead, *project.coordinators.all()) if p.pk not in excluded}
    if not people:
        people = {p for p in User.objects.with_role("Manager") if p.pk not in excluded}
    return people


def email_claim_update(*, claim: Claim, event: ClaimEvent) -> None:
    """Tell the contributor (or the project's coordinators, for a submission) what happened."""
    if event.to_status == ClaimStatus.SUBMITTED:
        to = [p.email for p in deciders_for(claim) if p.email]
        send_templated_email(
            name="payments_claim_submitted",
            to=to,
            context={"claim": claim, "event": event, "base_url": base_url()},
        )
    else:
        send_templated_email(
            name="payments_claim_update",
            to=[claim.contributor.email],
            context={"claim": claim, "event": event, "base_url": base_url()},
        )
