"""Who may message whom, and read what."""

from portal.models import Project, User
from portal.permissions import can_manage_project

from .models import Delivery, Message


def can_message_project(user: User, project: Project) -> bool:
    """Its lead and coordinators, or a manager."""
    return (
        user.is_authenticated and user.has_perm("messaging.add_message") and can_manage_project(user, project)
    )


def can_read_sent(user: User, message: Message) -> bool:
    return user.is_authenticated and (
        message.sender_id == user.pk or can_message_project(user, message.project)
    )


def can_reply(user: User, delivery: Delivery) -> bool:
    return user.is_authenticated and delivery.recipient_id == user.pk
