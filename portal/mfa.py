"""Second factor for the most sensitive acts: THIS session must have passed it.

Having an authenticator app is not enough: a session signed in another way (an old session from
before MFA was set up, the Django admin's own login, a password-only sign-in while staff MFA is
off) has not proved the second factor. allauth records each method a session used; we look
for an "mfa" record there, and otherwise send the person to allauth's code re-authentication,
which records one.
"""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse


def has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_used_mfa(request) -> bool:
    from allauth.account.authentication import get_authentication_records

    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


def mfa_refusal(request, *, back: str):
    """The response that stops a sensitive act in a session that has not used the second
    factor (set one up, or type the code and come back to `back`), or None to go ahead."""
    if not has_authenticator(request.user):
        return render(request, "portal/mfa_needed.html", status=403)
    if not session_used_mfa(request):
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': back})}")
    return None


def mfa_this_session(return_to: str | None = None):
    """Decorate a view that must only run for a session that passed the second factor.

    GET views come back to themselves after the code; POST-only views name the page to come
    back to (`return_to`, a URL name), since a POST cannot be replayed through a redirect.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            back = request.get_full_path() if request.method == "GET" or not return_to else reverse(return_to)
            return mfa_refusal(request, back=back) or view(request, *args, **kwargs)

        return wrapper

    return decorator
