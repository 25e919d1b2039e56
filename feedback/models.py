"""Feedback owed on every attended participation, and the feedback written for an activity.

One `ActivityFeedback` per activity is written by its coordinator and sent to everyone who
took part; each person's `FeedbackOwed` records when it was due, when it was given, whether
they read it, how useful they found it and their reply. Overdue is derived from `due_on`.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.models import TimeStampedModel, coordinated_by_q


class FeedbackOwedStatus(models.TextChoices):
    """Due, then given, then read: only feedback.services moves it, each step from the one before."""

    DUE = "due", "Due"
    GIVEN = "given", "Given"
    ACKNOWLEDGED = "acknowledged", "Read"


class WhyNotReason(models.TextChoices):
    OUTSIDE_SCOPE = "outside_scope", "Outside the study's scope"
    WORD_OR_TIME_LIMITS = "word_or_time_limits", "Word or time limits"
    ETHICS_OR_GOVERNANCE = "ethics_or_governance", "Ethics or governance"
    EXISTING_EVIDENCE = "existing_evidence", "There is existing evidence"
    OTHER = "other", "Another reason"


class ActivityFeedbackQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(sent_at__isnull=False)


class ActivityFeedback(TimeStampedModel):
    """The feedback for one activity, written once and sent to all who took part."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.OneToOneField("portal.Activity", on_delete=models.PROTECT, related_name="feedback")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_written"
    )
    thank_you_text = models.TextField("thank you and what we received")
    outcome_text = models.TextField(
        "outcome and progress",
        blank=True,
        help_text="For example: was the bid funded, was ethics approved, how recruitment is going.",
    )
    next_steps_text = models.TextField("what happens next", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ActivityFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activity feedback"

    def __str__(self):
        return f"Feedback on {self.activity}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class FeedbackItem(models.Model):
    """One thing contributors said, and what we did about it, or why not."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback = models.ForeignKey(ActivityFeedback, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    you_said = models.TextField("you said")
    changed = models.BooleanField("we changed something because of it", default=True)
    we_did = models.TextField("we did", blank=True)
    why_not_reason = models.CharField("why not", max_length=30, choices=WhyNotReason, blank=True)
    why_not_text = models.TextField("why not, in words", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(why_not_reason="") | Q(why_not_reason__in=WhyNotReason.values),
                name="feedback_feedbackitem_reason_valid",
            ),
            # "We did" when something changed; a reason when it did not.
            models.CheckConstraint(
                condition=(Q(changed=True) & ~Q(we_did="")) | (Q(changed=False) & ~Q(why_not_reason="")),
                name="feedback_feedbackitem_did_or_why_not",
            ),
        ]

    def __str__(self):
        return self.you_said[:60]


class FeedbackOwedQuerySet(models.QuerySet):
    def due(self):
        return self.filter(status=FeedbackOwedStatus.DUE)

    def given(self):
        return self.exclude(status=FeedbackOwedStatus.DUE)

    def overdue(self, today: date | None = None):
        """Not given and past the due date: derived, never stored."""
        today = today or timezone.localdate()
        return self.filter(status=FeedbackOwedStatus.DUE, due_on__lt=today)

    def for_projects(self, projects):
        return self.filter(participation__activity__project__in=projects)

    def visible_to(self, user):
        """Contributors see what is owed to them; coordinators their projects'; managers all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        q = Q(participation__contributor=user)
        if user.is_coordinator:
            q |= Q(owner=user) | coordinated_by_q(user, path="participation__activity__project")
        # Every join here is to one row (coordinated_by_q's coordinators are a subquery), so no
        # DISTINCT, which made the lists built on this deduplicate every row first.
        return self.filter(q)


class FeedbackOwed(TimeStampedModel):
    """Feedback owed to one person for one activity they attended."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # One-to-one: the database, not the signal handler, makes it exist at most once.
    participation = models.OneToOneField(
        "portal.Participation", on_delete=models.PROTECT, related_name="feedback_owed"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="feedback_owed_by_me",
        help_text="The activity's coordinator, who owes the feedback.",
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=FeedbackOwedStatus, default=FeedbackOwedStatus.DUE)
    given_at = models.DateTimeField(null=True, blank=True)
    feedback = models.ForeignKey(
        ActivityFeedback,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recipients",
    )
    personal_note = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    usefulness = models.PositiveSmallIntegerField(null=True, blank=True)
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackOwedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "feedback owed"
        ordering = ["due_on", "pk"]
        permissions = [
            ("give_feedback", "Can write and send feedback to contributors"),
            ("view_feedback_compliance", "Can see whether feedback is given on time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FeedbackOwedStatus.values),
                name="feedback_feedbackowed_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="feedback_feedbackowed_usefulness_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status=FeedbackOwedStatus.DUE) | Q(given_at__isnull=False),
                name="feedback_feedbackowed_given_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"Feedback for {self.participation}"

    @property
    def is_overdue(self) -> bool:
        return self.status == FeedbackOwedStatus.DUE and self.due_on < timezone.localdate()

    @property
    def display_status(self) -> str:
        """The state people see: overdue is shown though never stored."""
        return "overdue" if self.is_overdue else self.status

    @property
    def display_status_label(self) -> str:
        return "Overdue" if self.is_overdue else self.get_status_display()

    @property
    def was_on_time(self) -> bool | None:
        if self.given_at is None:
            return None
        return timezone.localdate(self.given_at) <= self.due_on


class FeedbackMessage(models.Model):
    """One turn in the conversation that follows a contributor's reply to their feedback.

    The contributor's first reply stays on `FeedbackOwed.reply` (it is what the compliance
    figures and the reply email use); everything said after it, by either side, is here.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owed = models.ForeignKey(FeedbackOwed, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who spoke, as it was when they wrote: a coordinator may later take part as a contributor.
    is_from_staff = models.BooleanField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="feedback_feedbackmessage_not_blank"),
        ]

    def __str__(self):
        return f"Message on {self.owed}"
