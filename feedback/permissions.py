"""Who may write, read and answer feedback. Views use these to show buttons; services enforce them."""

from portal.models import Activity, User
from portal.permissions import can_manage_project

from .models import FeedbackOwed, FeedbackOwedStatus


def can_give_feedback(user: User, activity: Activity) -> bool:
    """Write and send an activity's feedback: its coordinator, the project's coordinators, a manager."""
    if not (user.is_authenticated and user.has_perm("feedback.give_feedback")):
        return False
    return activity.coordinator_id == user.pk or can_manage_project(user, activity.project)


def can_view_feedback_owed(user: User) -> bool:
    """The "feedback owed" and "to call or write to" lists."""
    return user.is_authenticated and user.has_perm("feedback.give_feedback")


def can_view_feedback_compliance(user: User) -> bool:
    return user.is_authenticated and user.has_perm("feedback.view_feedback_compliance")


def can_print_feedback_letter(user: User, owed: FeedbackOwed) -> bool:
    return owed.status != FeedbackOwedStatus.DUE and can_give_feedback(user, owed.participation.activity)


def can_respond_to_feedback(user: User, owed: FeedbackOwed) -> bool:
    """Only the person it was given to marks it read, rates it and replies."""
    return (
        user.is_authenticated
        and owed.participation.contributor_id == user.pk
        and owed.status != FeedbackOwedStatus.DUE
    )


def can_write_in_feedback_conversation(user: User, owed: FeedbackOwed) -> bool:
    """Once the contributor has replied, they and the activity's coordinators can keep talking."""
    if not (user.is_authenticated and owed.reply):
        return False
    return can_respond_to_feedback(user, owed) or can_give_feedback(user, owed.participation.activity)
