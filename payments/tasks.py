from smtplib import SMTPException

from celery import shared_task


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def email_claim_update(event_id: int) -> None:
    # Imported here because services imports this module.
    from payments.services.emails import email_claim_update

    email_claim_update(event_id=event_id)
