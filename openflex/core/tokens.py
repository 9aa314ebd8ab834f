"""Customer links (X-3): signed, expiring, single-purpose, revocable tokens.

A link carries ``<object id>.<nonce>`` signed with a salt that names its purpose
("payments.pay", "signatures.sign"…) and a timestamp. The object stores the nonce of its
current link (``link_nonce``); issuing a new link replaces the nonce, so the previous
link stops working (a resend supersedes). Reading a token gives one of three outcomes,
which the pages show differently: ok, expired (signature good but too old), invalid
(tampered, another purpose, superseded — indistinguishable on purpose).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

NONCE_BYTES = 18


def link_nonce_new() -> str:
    """A fresh unguessable nonce to store on the object before signing its link."""
    return secrets.token_urlsafe(NONCE_BYTES)


def link_token_make(*, purpose: str, pk: int, nonce: str) -> str:
    return signing.TimestampSigner(salt=f"openflex.link.{purpose}").sign(f"{pk}.{nonce}")


@dataclass(frozen=True)
class LinkToken:
    state: str  # "ok" | "expired" | "invalid"
    pk: int | None = None
    nonce: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def link_token_read(*, purpose: str, token: str, max_age: timedelta) -> LinkToken:
    """Check signature and age; the caller then checks ``nonce`` against the object's."""
    signer = signing.TimestampSigner(salt=f"openflex.link.{purpose}")
    try:
        value = signer.unsign(token, max_age=max_age)
        state = "ok"
    except signing.SignatureExpired:
        try:
            value = signer.unsign(token)
        except signing.BadSignature:
            return LinkToken("invalid")
        state = "expired"
    except signing.BadSignature:
        return LinkToken("invalid")
    pk_text, _, nonce = value.partition(".")
    if not pk_text.isdigit() or not nonce:
        return LinkToken("invalid")
    return LinkToken(state, int(pk_text), nonce)


def link_nonce_matches(stored: str, given: str) -> bool:
    return bool(stored) and secrets.compare_digest(stored, given)
