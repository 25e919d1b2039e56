"""Messages from coordinators to the people of an activity, a role, a project or a
shortlist; one delivery row per person; replies; and the secret calendar-feed tokens."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.models import coordinated_by_q


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    POST = "post", "Letter"
    PHONE = "phone", "Phone call"
    # Seen only in the portal: the person turned off messages by email or text.
    PORTAL = "portal", "Portal only"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Could not be delivered"


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Senders see theirs; coordinators their projects'; managers all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_manager:
            return self.all()
        q = Q(sender=user)
        if user.is_coordinator:
            q |= coordinated_by_q(user)
        return self.filter(q).distinct()


class Message(models.Model):
    """Written once by a coordinator; each recipient gets it through a Delivery."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("portal.Project", on_delete=models.PROTECT, related_name="messages")
    activity = models.ForeignKey(
        "portal.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    # Who it went to, in the coordinator's words ("Steering group: not yet replied").
    audience = models.CharField(max_length=200)
    subject = models.CharField(max_length=150)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One person's copy of a message. The unique constraint records it once; the status moves
    from pending to sending only by a conditional UPDATE, so it is sent once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="message_deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel)
    status = models.CharField(max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # GOV.UK Notify's id for the notification, which its delivery-status callbacks quote.
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    error = models.CharField(max_length=300, blank=True)
    # When a worker took it (pending -> sending): a delivery still sending long after was left
    # by a worker that stopped mid-send, and the hourly sweep hands it on.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-message__created_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient"], name="messaging_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="messaging_delivery_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.message} to {self.recipient} ({self.get_channel_display()})"


class Reply(models.Model):
    """A recipient's answer, which lands in the sender's inbox."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "replies"

    def __str__(self):
        return f"Reply from {self.author} to {self.delivery.message}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar address. Anyone with the token can read the feed, so the
    person can reset it and the old address stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed for {self.user}"
