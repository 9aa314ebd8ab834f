"""Customer links of a payment (X-3): signed, expiring, single-purpose, superseded by a
new nonce (``openflex.core.tokens``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from openflex.core import tokens
from payments.transactions.models import Payment

PURPOSE = "payments.pay"


def link_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "PAYMENTS_LINK_MAX_AGE_DAYS", 14))


def payment_link_url(payment: Payment) -> str:
    """The absolute URL of the payment's current link (valid while its nonce is)."""
    token = tokens.link_token_make(purpose=PURPOSE, pk=payment.pk, nonce=payment.link_nonce)
    return settings.SITE_URL + reverse("payments:link", kwargs={"token": token})


def payment_link_read(token: str) -> tuple[str, Payment | None]:
    """("ok" | "expired" | "superseded" | "invalid", the payment when the signature holds).

    A tampered token gives no payment (its id cannot be trusted); an expired or superseded
    one gives the payment, whose page then shows only the dealer's contact."""
    read = tokens.link_token_read(purpose=PURPOSE, token=token, max_age=link_max_age())
    if read.state == "invalid":
        return "invalid", None
    payment = (
        Payment.objects.select_related("point_of_sale__entity", "vehicle", "salesperson")
        .filter(pk=read.pk)
        .first()
    )
    if payment is None:
        return "invalid", None
    if not tokens.link_nonce_matches(payment.link_nonce, read.nonce):
        return "superseded", payment
    return read.state, payment
