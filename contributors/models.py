"""A person's contributor profile: how to reach them, what they need, how they are paid."""

import uuid

from django.conf import settings
from django.db import models

from portal import crypto
from portal.models import TimeStampedModel


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    POST = "post", "Post"


class ContributorStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    VOUCHERS = "vouchers", "Vouchers"
    NO_PAYMENT = "no_payment", "No payment (I do not want to be paid)"


class Contributor(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributor"
    )
    contact_method = models.CharField(
        "how we contact you", max_length=10, choices=ContactMethod, default=ContactMethod.EMAIL
    )
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=ContributorStatus, default=ContributorStatus.ACTIVE)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod, default=PaymentMethod.BANK_TRANSFER
    )
    receives_benefits = models.BooleanField("I receive welfare benefits", default=False)
    is_public_sector_employee = models.BooleanField("I am paid by a public-sector employer", default=False)
    # Set when a coordinator registered this person because they have no email or internet.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ContributorStatus.values),
                name="contributors_contributor_status_valid",
            ),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def is_offline(self) -> bool:
        """Reached by phone or post, with nobody signing in: a coordinator acts for them."""
        return not self.user.email or self.contact_method != ContactMethod.EMAIL


class BankAccount(TimeStampedModel):
    """Bank details, encrypted at rest; read through `reveal()` only, which callers log."""

    contributor = models.OneToOneField(Contributor, on_delete=models.CASCADE, related_name="bank_account")
    account_name_encrypted = models.TextField()
    sort_code_encrypted = models.TextField()
    account_number_encrypted = models.TextField()
    last_four = models.CharField(max_length=4)

    def __str__(self):
        return f"Account ending {self.last_four}"

    def set_details(self, *, account_name: str, sort_code: str, account_number: str) -> None:
        self.account_name_encrypted = crypto.encrypt(account_name)
        self.sort_code_encrypted = crypto.encrypt(sort_code)
        self.account_number_encrypted = crypto.encrypt(account_number)
        self.last_four = account_number[-4:]

    def reveal(self) -> dict:
        return {
            "account_name": crypto.decrypt(self.account_name_encrypted),
            "sort_code": crypto.decrypt(self.sort_code_encrypted),
            "account_number": crypto.decrypt(self.account_number_encrypted),
        }

    @property
    def masked(self) -> str:
        return f"Account ending ****{self.last_four}"
