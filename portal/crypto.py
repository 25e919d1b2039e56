"""Encryption at rest for the few fields that need it (bank details).

Values are encrypted with PORTAL_FIELD_ENCRYPTION_KEY and can be read with it or with any key
in PORTAL_FIELD_ENCRYPTION_OLD_KEYS, so a key can be replaced without a moment in which bank
details cannot be read: add the new key, move the old one to the old keys, run
`manage.py rotate_encryption_key`, then drop the old key.
"""

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import models


def _current_key() -> str | bytes:
    key = settings.PORTAL_FIELD_ENCRYPTION_KEY
    if not key:
        # Development and tests only: production refuses to start without its own key.
        key = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest())
    return key


def _fernet() -> MultiFernet:
    # The first key encrypts; every key is tried, in order, to decrypt.
    return _fernet_for((_current_key(), *getattr(settings, "PORTAL_FIELD_ENCRYPTION_OLD_KEYS", [])))


@functools.lru_cache(maxsize=8)
def _fernet_for(keys: tuple) -> MultiFernet:
    # Built once per set of keys, not per value: a finance export decrypts thousands.
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Encrypted value cannot be read with the current key") from exc


def rotate(token: str) -> str:
    """The same value, encrypted with the current key (whichever key it was encrypted with)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Encrypted value cannot be read with any configured key") from exc


def encrypted_fields():
    """(model, [field names]) for every text field named `*_encrypted`: the convention for
    values this module protects, so rotation and restore checks need no list kept by hand."""
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.TextField) and f.name.endswith("_encrypted")
        ]
        if names:
            yield model, names
