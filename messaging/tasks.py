from celery import shared_task

from .backends import TemporaryFailure


@shared_task
def deliver_message(message_id: int) -> int:
    """Fan out: one task per person, so one slow or failing channel holds up nobody else."""
    from .models import Delivery, DeliveryStatus

    ids = list(
        Delivery.objects.filter(message_id=message_id, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        deliver_delivery.delay(pk)
    return len(ids)


@shared_task(bind=True, max_retries=5)
def deliver_delivery(self, delivery_id: int) -> str:
    """Send one; a rate limit or outage is retried with back-off, then goes on the list."""
    from . import services

    try:
        return services.deliver(delivery_id=delivery_id)
    except TemporaryFailure as error:
        if self.request.retries >= self.max_retries:
            services.fail_delivery(delivery_id=delivery_id, reason=f"gave up after retries: {error}")
            return "failed"
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def sweep_deliveries() -> dict:
    from . import services

    return services.sweep_deliveries()
