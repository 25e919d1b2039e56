from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a staff member without MFA may still reach: signing in and out, setting MFA up,
# and the public pages.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/privacy", "/accessibility", "/admin/logout")


class StaffMfaMiddleware:
    """With PORTAL_REQUIRE_STAFF_MFA on, coordinators and managers set up an authenticator
    app before they reach any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PORTAL_REQUIRE_STAFF_MFA
            and request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.user.is_staff_role
            and not request.user.has_authenticator
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answer /healthz before the host check: load balancers and Docker call it by IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from .views import healthz

            return healthz(request)
        return self.get_response(request)
