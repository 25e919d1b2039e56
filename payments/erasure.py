"""What an erased person leaves in payments: the money stays (HMRC and audit need who was paid
what, when: the claims now point at "Erased contributor"); their words and files go."""

from .models import ClaimEvent, ExpenseLine


def forget_person(sender, user, **kwargs) -> None:
    lines = ExpenseLine.objects.filter(claim__contributor=user)
    for line in lines.exclude(receipt=""):
        # The file itself: a ticket or receipt usually shows a name, an address, a card number.
        line.receipt.delete(save=False)
    lines.update(description="", receipt="", receipt_name="", receipt_sha256="")
    ClaimEvent.objects.filter(claim__contributor=user).update(note="")
    user.claims.update(ad_hoc_description="")
