"""Reactions to spine signals."""

from portal.models import ParticipationStatus


def snapshot_on_attendance(sender, participation, old_status, actor, **kwargs) -> None:
    """When someone attends, keep their equality answers as they are now for that participation."""
    if participation.status != ParticipationStatus.ATTENDED:
        return
    from .services import snapshot_diversity

    snapshot_diversity(participation=participation)
