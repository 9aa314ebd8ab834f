"""Secrets at rest (P-1, S-6) and customer links (X-3): the shared helpers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.signing import TimestampSigner
from django.test import override_settings

from openflex.core import crypto
from openflex.core.tokens import (
    link_nonce_matches,
    link_nonce_new,
    link_token_make,
    link_token_read,
)


def test_secret_round_trip_never_stores_clear_text():
    stored = crypto.secret_encrypt("Mysecretsig1875!?")
    assert stored.startswith("fernet:")
    assert "Mysecretsig" not in stored
    assert crypto.secret_decrypt(stored) == "Mysecretsig1875!?"


def test_secret_from_another_key_is_refused():
    stored = crypto.secret_encrypt("passphrase")
    other = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMTI="
    with override_settings(FIELD_ENCRYPTION_KEY=other), pytest.raises(ValueError):
        crypto.secret_decrypt(stored)


def test_key_rotation_old_key_still_decrypts():
    stored = crypto.secret_encrypt("passphrase")
    from django.conf import settings

    rotated = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMTI=," + settings.FIELD_ENCRYPTION_KEY
    with override_settings(FIELD_ENCRYPTION_KEY=rotated):
        assert crypto.secret_decrypt(stored) == "passphrase"


def test_production_without_key_refuses():
    with (
        override_settings(FIELD_ENCRYPTION_KEY="", DEBUG=False),
        pytest.raises(ImproperlyConfigured),
    ):
        crypto.secret_encrypt("x")


def test_secret_hint_shows_only_the_end():
    assert crypto.secret_hint("abcdefghijkl") == "…ijkl"
    assert "abc" not in crypto.secret_hint("abcdefghijkl")


def test_link_round_trip_and_supersede():
    nonce = link_nonce_new()
    token = link_token_make(purpose="payments.pay", pk=12, nonce=nonce)
    read = link_token_read(purpose="payments.pay", token=token, max_age=timedelta(days=1))
    assert read.ok and read.pk == 12 and link_nonce_matches(nonce, read.nonce)
    assert not link_nonce_matches(link_nonce_new(), read.nonce)  # superseded by a resend


def test_link_for_another_purpose_or_tampered_is_invalid():
    token = link_token_make(purpose="payments.pay", pk=12, nonce=link_nonce_new())
    other = link_token_read(purpose="signatures.sign", token=token, max_age=timedelta(days=1))
    assert other.state == "invalid" and other.pk is None
    tampered = token.replace("12.", "13.", 1)
    assert (
        link_token_read(purpose="payments.pay", token=tampered, max_age=timedelta(days=1)).state
        == "invalid"
    )


def test_expired_link_is_told_apart(monkeypatch):
    signer = TimestampSigner(salt="openflex.link.payments.pay")
    monkeypatch.setattr(signer.__class__, "timestamp", lambda self: "1")  # long ago
    token = signer.sign("5.abc")
    monkeypatch.undo()
    read = link_token_read(purpose="payments.pay", token=token, max_age=timedelta(days=1))
    assert read.state == "expired" and read.pk == 5
