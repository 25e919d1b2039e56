from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from portal.links import absolute_url
from portal.models import Role, User
from portal.services import grant_role


class Command(BaseCommand):
    help = (
        "Make the first manager or coordinator (or give an existing person the role) and print a "
        "link at which they choose their password. A Django superuser is not a portal role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=["manager", "coordinator"])
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="", help="Full name (required for a new person).")

    @transaction.atomic
    def handle(self, *args, role, email, name, **options):
        email = User.objects.normalize_email(email.strip()).lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            if not name:
                raise CommandError("A new person needs --name.")
            # No password yet: they choose one at the link below, so none passes through a shell.
            user = User.objects.create_user(email=email, name=name)
            self.stdout.write(f"Created {email}.")
        # The operator vouches for the address, as allauth's verification email otherwise would.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        grant_role(actor=None, user=user, role=Role.MANAGER if role == "manager" else Role.COORDINATOR)
        self.stdout.write(f"{email} is now a {role}.")
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        self.stdout.write(
            "Send them this link to choose a password (it stops working once used or after "
            f"{settings.PASSWORD_RESET_TIMEOUT // 3600} hours):\n{absolute_url(path)}"
        )
