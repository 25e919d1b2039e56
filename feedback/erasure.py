"""What an erased person leaves in feedback: the record that feedback was owed and given stays
(it is the organisation's compliance record); what they wrote and what was written to them goes."""

from .models import FeedbackOwed


def forget_person(sender, user, **kwargs) -> None:
    FeedbackOwed.objects.filter(participation__contributor=user).update(personal_note="", reply="")
