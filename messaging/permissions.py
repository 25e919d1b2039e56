"""Who may message whom, and read what."""

from portal.models import Project, User
from portal.permissions import can_manage_project

from .models import Delivery, Message


def can_send_messages(user: User) -> bool:
    """Coordinators and managers; which projects they may message is `can_message_project`."""
    return user.is_authenticated and user.has_perm("messaging.add_message")


def can_see_sent_messages(user: User) -> bool:
    return user.is_authenticated and user.has_perm("messaging.view_message")


def can_message_project(user: User, project: Project) -> bool:
    """Its lead and coordinators, or a manager."""
    return can_send_messages(user) and can_manage_project(user, project)


def can_read_sent(user: User, message: Message) -> bool:
    return user.is_authenticated and (
        message.sender_id == user.pk or can_message_project(user, message.project)
    )


def can_reply(user: User, delivery: Delivery) -> bool:
    return user.is_authenticated and delivery.recipient_id == user.pk
