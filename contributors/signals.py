"""Reactions to spine signals."""

from portal.models import ParticipationStatus


def snapshot_on_attendance(sender, participation, old_status, actor, **kwargs) -> None:
    """When someone attends, keep their equality answers as they are now for that participation."""
    if participation.status != ParticipationStatus.ATTENDED:
        return
    from .services import snapshot_diversity

    snapshot_diversity(participation=participation)


def verify_email_on_take_over(sender, request, user, **kwargs) -> None:
    """Someone a coordinator registered followed the link we emailed them to set a password:
    that proves the address is theirs, so they need not verify it a second time."""
    from allauth.account.models import EmailAddress

    from .models import Contributor

    if user.email and Contributor.objects.filter(user=user, registered_by__isnull=False).exists():
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=False).update(verified=True)
