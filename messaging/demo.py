"""Demo messages: Fatima told the people of the next steering group about a room change,
and Cara replied. Sent through the services, delivered inline (no worker in a demo seed)."""

from .models import Delivery, Message

SUBJECT = "Steering group: new room"


def seed(demo) -> None:
    from . import services

    activity = demo.activities["stroke_next"]
    if Message.objects.filter(activity=activity, subject=SUBJECT).exists():
        return
    message = services.send_message(
        actor=demo.fatima,
        project=activity.project,
        activity=activity,
        audience=f"{activity.title}: {services.ACTIVITY_FILTERS['everyone']}",
        subject=SUBJECT,
        body="We have moved to the ground-floor meeting room, which has step-free access and a hearing loop.",
        recipients=services.activity_audience(activity, "everyone"),
    )
    for pk in Delivery.objects.filter(message=message).values_list("pk", flat=True):
        services.deliver(delivery_id=pk)
    delivery = Delivery.objects.filter(message=message, recipient=demo.cara).first()
    if delivery is not None:
        services.reply(actor=demo.cara, delivery=delivery, body="Thank you, that room is much easier for me.")
