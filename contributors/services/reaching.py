"""Reaching people: notifying a contributor, or asking a coordinator to write or call."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.emails import send_templated_email
from portal.models import User
from portal.services import record_audit

from .. import permissions
from ..models import ContactChannel, ContactMethod, ContactTask, Contributor

LARGE_PRINT_NOTE = "LARGE PRINT: print this letter in 16 point or larger."


def notify(
    *,
    user: User,
    template: str,
    subject: str,
    body: str,
    context: dict | None = None,
    raised_by: User | None = None,
    letter: str = "",
) -> None:
    """Tell someone by every channel they use: email if they have one, and a letter or call
    for a coordinator to make if they asked to be contacted by post or phone. `body` is the
    note the coordinator reads; `letter`, when the body is an instruction to staff, is what the
    person is told. `raised_by` is whoever made the change the message is about: they may not
    close the letter or call."""
    contributor = Contributor.objects.profile_of(user)
    if user.email:
        ctx = {"recipient": user, **(context or {})}
        transaction.on_commit(lambda: send_templated_email(name=template, to=[user.email], context=ctx))
    if contributor and contributor.contact_method in (ContactMethod.POST, ContactMethod.PHONE):
        add_contact_task(
            user=user,
            channel=contributor.contact_method,
            subject=subject,
            body=body,
            raised_by=raised_by,
            letter=letter,
        )
    elif contributor and contributor.contact_method == ContactMethod.TEXT and not user.email:
        # Too long for a text: a coordinator rings them.
        add_contact_task(
            user=user,
            channel=ContactMethod.PHONE,
            subject=subject,
            body=body,
            raised_by=raised_by,
            letter=letter,
        )


def add_contact_task(
    *, user: User, channel: str, subject: str, body: str, raised_by: User | None = None, letter: str = ""
) -> ContactTask | None:
    """Put a letter to send or a call to make on the coordinators' one list of them. A letter
    to someone who asked for large print says so at the top, for whoever prints it."""
    contributor = Contributor.objects.profile_of(user)
    if contributor is None:
        return None
    letter = letter or body  # before the printing note, which is for staff only
    if channel != ContactMethod.PHONE and contributor.wants_large_print:
        body = f"{LARGE_PRINT_NOTE}\n\n{body}"
    return ContactTask.objects.create(
        contributor=contributor,
        channel=ContactChannel.PHONE if channel == ContactMethod.PHONE else ContactChannel.POST,
        subject=subject,
        body=body,
        letter=letter,
        raised_by=raised_by,
    )


@transaction.atomic
def mark_contact_task_done(*, actor: User, task: ContactTask) -> ContactTask:
    task = ContactTask.objects.select_for_update().select_related("contributor__user").get(pk=task.pk)
    if not permissions.can_close_contact_task(actor, task):
        raise PermissionDenied
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        task.save(update_fields=["done_at", "done_by"])
        record_audit(
            actor=actor, action="contact_task.done", target=task.contributor, task=str(task.public_id)
        )
    return task
