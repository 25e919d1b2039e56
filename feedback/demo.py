"""Demo feedback: given on time, given late, still owed and overdue; read, rated and replied to.

Runs after the spine made the participations (and the signal made the feedback owed), so it
writes feedback through the services and then moves the dates back to when it "happened".
"""

from datetime import timedelta

from portal.models import Participation, ParticipationStatus

from . import services
from .models import ActivityFeedback, FeedbackOwed

DESIGN = {
    "thank_you_text": (
        "Thank you for giving us a whole morning in February. Six of you came, and between you "
        "you filled four flip-charts with what made the first weeks at home hard, and what helped."
    ),
    "outcome_text": (
        "The study design is now settled and the funding application went in on time. We will "
        "hear in the spring whether it is funded."
    ),
    "next_steps_text": (
        "We will ask some of you to review the participant information leaflet next month. "
        "Nobody has to: say no if the timing is wrong."
    ),
    "items": [
        {
            "you_said": "Families need to know who to ring on a Sunday evening.",
            "changed": True,
            "we_did": "We added an out-of-hours contact card to what every family gets.",
        },
        {
            "you_said": "Ask carers too, not only the person who had the stroke.",
            "changed": True,
            "we_did": "Carers are now a second group of participants, with their own interview.",
        },
        {
            "you_said": "Pay people for the interviews, not just their travel.",
            "changed": False,
            "why_not_reason": "ethics_or_governance",
            "why_not_text": (
                "The ethics committee asked for a thank-you voucher rather than a payment; we "
                "raised the voucher from £10 to £20."
            ),
        },
    ],
}

LEAFLET = {
    "thank_you_text": "Thank you for reading the leaflet so carefully: we had 41 comments.",
    "outcome_text": "Ethics approval came through with no changes asked for.",
    "next_steps_text": "Recruitment starts at two hospitals next month.",
    "items": [
        {
            "you_said": "The leaflet used words like 'randomised' without explaining them.",
            "changed": True,
            "we_did": "Every technical word is now explained in a box on the same page.",
        },
        {
            "you_said": "Add a short video for people who find reading hard.",
            "changed": False,
            "why_not_reason": "word_or_time_limits",
            "why_not_text": "There was no time before the ethics deadline; we will make one for the next stage.",
        },
    ],
}


def _give(demo, key: str, content: dict, *, days_after: int, notes: dict | None = None):
    activity = demo.activities[key]
    if ActivityFeedback.objects.filter(activity=activity).exists():
        return None
    owed_ids = {
        o.participation.contributor_id: o.pk
        for o in FeedbackOwed.objects.filter(participation__activity=activity).select_related("participation")
    }
    feedback = services.save_activity_feedback(
        actor=demo.fatima,
        activity=activity,
        personal_notes={
            owed_ids[user.pk]: note for user, note in (notes or {}).items() if user.pk in owed_ids
        },
        **content,
    )
    services.send_activity_feedback(actor=demo.fatima, feedback=feedback)
    when = activity.starts_at + timedelta(days=days_after)
    ActivityFeedback.objects.filter(pk=feedback.pk).update(sent_at=when)
    FeedbackOwed.objects.filter(feedback=feedback).update(given_at=when)
    return feedback


def _respond(owed: FeedbackOwed, *, usefulness=None, reply="", days_later: int = 2):
    owed = services.respond_to_feedback(
        actor=owed.participation.contributor, owed=owed, usefulness=usefulness, reply=reply
    )
    when = owed.given_at + timedelta(days=days_later)
    FeedbackOwed.objects.filter(pk=owed.pk).update(
        read_at=when, acknowledged_at=when, replied_at=when if reply else None
    )


def _owed(demo, key, user):
    return FeedbackOwed.objects.get(
        participation__activity=demo.activities[key], participation__contributor=user
    )


def seed(demo) -> None:
    # The spine seeds attended participations through the signal; make sure each has its
    # obligation even if the demo data predates this app.
    for participation in Participation.objects.filter(
        status=ParticipationStatus.ATTENDED, feedback_owed__isnull=True
    ):
        services.record_feedback_owed(participation=participation, actor=demo.fatima)

    # The design workshop: on time (20 days after, due at 28), read, rated and replied to.
    if _give(
        demo,
        "stroke_design",
        DESIGN,
        days_after=20,
        notes={demo.cara: "Your idea of a Sunday-evening number is now on every family's card."},
    ):
        _respond(
            _owed(demo, "stroke_design", demo.cara),
            usefulness=5,
            reply="Lovely to see the card. My husband would have used it.",
        )
        _respond(_owed(demo, "stroke_design", demo.olu), usefulness=4, days_later=5)

    # The leaflet review: late (32 days after, due at 28). Cara rated it; Olu has not read it.
    if _give(demo, "stroke_leaflet", LEAFLET, days_after=32):
        _respond(_owed(demo, "stroke_leaflet", demo.cara), usefulness=3, days_later=1)

    # The steering group and the bid summary are still inside their period; the autumn
    # funding panel (45 days ago) is overdue, and past the point where managers are told.
