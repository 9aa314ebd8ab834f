"""Secrets at rest (P-1, S-6): Fernet encryption with ``OPENFLEX_FIELD_ENCRYPTION_KEY``.

Provider passphrases, SMS provider keys and certificate passwords are stored through
:class:`EncryptedTextField`: the database holds only the Fernet token, the model
attribute holds the clear text, and screens never show it back (``secret_hint`` gives
"se termine par …"). Key rotation: ``OPENFLEX_FIELD_ENCRYPTION_KEY`` may hold several
comma-separated keys, the first encrypts, all decrypt (MultiFernet).
In development (DEBUG, no key set) a key is derived from the development SECRET_KEY so
that ``make run`` works on a fresh machine; production refuses to start without one.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(raw_keys: str, secret_key: str, debug: bool) -> MultiFernet:
    keys = [k.strip() for k in raw_keys.split(",") if k.strip()]
    if not keys:
        if not debug:
            raise ImproperlyConfigured(
                "OPENFLEX_FIELD_ENCRYPTION_KEY must be set to store secrets (see README)."
            )
        keys = [base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest()).decode()]
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:  # not 32 url-safe base64-encoded bytes
        raise ImproperlyConfigured(
            "OPENFLEX_FIELD_ENCRYPTION_KEY is not a Fernet key (Fernet.generate_key())."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY or "", settings.SECRET_KEY, settings.DEBUG)


def secret_encrypt(value: str) -> str:
    if not value:
        return ""
    return PREFIX + fernet().encrypt(value.encode()).decode()


def secret_decrypt(stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise ValueError("value stored without encryption")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("secret cannot be decrypted with the configured key") from exc


def secret_encrypt_bytes(value: bytes) -> bytes:
    return fernet().encrypt(value) if value else b""


def secret_decrypt_bytes(stored: bytes) -> bytes:
    return fernet().decrypt(bytes(stored)) if stored else b""


def secret_hint(value: str, visible: int = 4) -> str:
    """The last characters only, for "se termine par …" (never the whole secret)."""
    if not value:
        return ""
    if len(value) <= visible * 2:
        return "…" + value[-2:]
    return "…" + value[-visible:]


class EncryptedTextField(models.TextField):
    """A text column that holds a Fernet token; the Python value is the clear text."""

    def from_db_value(self, value, expression, connection):
        return secret_decrypt(value) if value else (value if value is None else "")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        if isinstance(value, str) and value.startswith(PREFIX):
            return value  # already encrypted (e.g. copied raw)
        return secret_encrypt(value)
