from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Our templates/account/email/* sign every email with these, never the site's domain.
        context = {
            "organisation_name": settings.PORTAL_ORGANISATION_NAME,
            "contact_phone": settings.PORTAL_CONTACT_PHONE,
            **context,
        }
        return super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        """Everyone who signs up is a contributor: coordinators and managers are made by a manager."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from .models import Role
            from .services import grant_role

            grant_role(actor=None, user=user, role=Role.CONTRIBUTOR)
        return user
