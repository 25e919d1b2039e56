import logging
import re
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .logs import request_id
from .mfa import has_authenticator, session_used_mfa

request_log = logging.getLogger("portal.request")
# The proxy's id is kept when it looks like one (Caddy sends a UUID), so its log and ours join.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# Pages a staff member without MFA may still reach: signing in and out, setting MFA up,
# and the public pages.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/privacy", "/accessibility", "/admin/logout")


class StaffMfaMiddleware:
    """With PORTAL_REQUIRE_STAFF_MFA on, coordinators, managers and superusers set up an
    authenticator app before they reach any other page, and each session proves it once (see
    portal/mfa.py): having the app is not enough for a session that signed in without it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PORTAL_REQUIRE_STAFF_MFA
            and request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and (request.user.is_staff_role or request.user.is_superuser)
            # Read from the session first: a session that used the second factor has an
            # authenticator, and then no page asks the database (issue 12).
            and not session_used_mfa(request)
        ):
            back = urlencode({"next": request.get_full_path()})
            if not has_authenticator(request.user):
                return redirect(f"{reverse('mfa_activate_totp')}?{back}")
            return redirect(f"{reverse('mfa_reauthenticate')}?{back}")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off the browser features the portal never uses (camera, microphone, location,
    payment, ...), so injected or embedded content cannot ask for them either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PORTAL_PERMISSIONS_POLICY)
        return response


_REFRESHED = "_portal_refreshed"


def stamp_session_on_login(sender, request, user, **kwargs):
    """Signing in saves the session anyway; stamping it then spares the first page a write."""
    if hasattr(request, "session"):
        request.session[_REFRESHED] = int(time.time())


class SlidingSessionMiddleware:
    """Sessions end after PORTAL_SESSION_IDLE_MINUTES of inactivity. Rewriting the session on
    every request (SESSION_SAVE_EVERY_REQUEST) costs a write per page; instead the expiry is
    pushed forward only when the last push is over PORTAL_SESSION_REFRESH_SECONDS old, so a
    session ends at most that long before the idle time is up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            # A session saved anyway is stamped too: its expiry moves with that save.
            if (
                session.modified
                or now - session.get(_REFRESHED, 0) >= settings.PORTAL_SESSION_REFRESH_SECONDS
            ):
                session[_REFRESHED] = now  # marks it modified: SessionMiddleware saves it
        return response


class HealthCheckMiddleware:
    """Answer /healthz before the host check: load balancers and Docker call it by IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from .views import healthz

            return healthz(request)
        return self.get_response(request)


class RequestIdMiddleware:
    """Give every request an id (the proxy's X-Request-ID, else a new one), put it on each log
    line written while handling it and on the response, and log the request in one line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(request.id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            if request.path != "/healthz":  # load balancers call it every few seconds
                user = getattr(request, "user", None)
                request_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
            return response
        finally:
            request_id.reset(token)
