from django.conf import settings

from . import dashboard


def portal(request):
    user = getattr(request, "user", None)
    return {
        "organisation_name": settings.PORTAL_ORGANISATION_NAME,
        "contact_email": settings.PORTAL_CONTACT_EMAIL,
        "contact_phone": settings.PORTAL_CONTACT_PHONE,
        "nav_items": dashboard.nav_for(request) if user and user.is_authenticated else [],
    }
