"""Sessions that passed the second factor, as allauth records it after the code is typed."""

import time

from allauth.mfa.models import Authenticator


def pass_mfa(client, user) -> None:
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now},
        {"method": "mfa", "at": now, "type": "totp", "reauthenticated": True},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
