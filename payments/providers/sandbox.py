"""The sandbox provider (P-9): the Ingenico protocol spoken by this application itself.

Its hosted page is ``/payments/sandbox/`` (pay / refuse / cancel), it signs what it sends
back with the merchant's SHA-OUT passphrase, posts the server-to-server callback through
the outbox, and answers status queries from its own books (``SandboxTransaction``), so
that the whole journey — lost callbacks included — runs on one machine and in tests.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from payments.providers import ogone
from payments.providers.base import ProviderResult
from payments.providers.ingenico import OgoneProtocol
from payments.providers.models import SandboxTransaction

DECISIONS = {"pay": "9", "refuse": "2", "cancel": "1"}


def amount_text(cents: int) -> str:
    """AMOUNT as the provider writes it on the way back: units with two decimals."""
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def transaction_params(transaction: SandboxTransaction) -> dict[str, str]:
    """What the provider returns about one transaction (unsigned)."""
    params = {
        "ORDERID": transaction.orderid,
        "AMOUNT": amount_text(transaction.amount_cents),
        "CURRENCY": transaction.currency,
        "PM": "CreditCard",
        "BRAND": "VISA",
        "CARDNO": "XXXXXXXXXXXX1111",
        "STATUS": transaction.provider_status,
        "PAYID": transaction.payid,
        "NCERROR": "0",
        "TRXDATE": transaction.created_at.strftime("%m/%d/%y"),
    }
    if transaction.provider_status in ("5", "9"):
        params["ACCEPTANCE"] = "SBX" + transaction.payid[-5:]
    return params


def signed(params: dict[str, str], config) -> dict[str, str]:
    return {**params, "SHASIGN": ogone.sha_out(params, config.sha_out, config.hash_algorithm)}


class SandboxProvider(OgoneProtocol):
    name = "sandbox"

    def page_url(self, config) -> str:
        return settings.SITE_URL + reverse("payments:sandbox_page")

    def origin(self, config) -> str:
        return ""  # same origin: nothing to open in the Content-Security-Policy

    def refund(self, *, payment, config) -> ProviderResult | None:
        """The sandbox refunds what it was paid (STATUS 8 in its books)."""
        paid = (
            SandboxTransaction.objects.filter(
                pspid=config.pspid, orderid=payment.reference, provider_status__in=("5", "9")
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if paid is None:
            return ProviderResult(reference=payment.reference, outcome=ogone.UNKNOWN)
        refund, _created = SandboxTransaction.objects.get_or_create(
            payid=paid.payid + "R",  # asked twice (an effect run again): one refund
            defaults={
                "pspid": paid.pspid,
                "orderid": paid.orderid,
                "provider_status": "8",
                "amount_cents": paid.amount_cents,
                "currency": paid.currency,
                "email": paid.email,
            },
        )
        return self.parse(transaction_params(refund))

    def query(self, *, payment, config) -> ProviderResult | None:
        transaction = (
            SandboxTransaction.objects.filter(pspid=config.pspid, orderid=payment.reference)
            .order_by("-created_at", "-pk")
            .first()
        )
        if transaction is None:
            # The customer never went through the page: the provider knows nothing yet.
            return ProviderResult(reference=payment.reference, outcome=ogone.UNKNOWN)
        return self.parse(transaction_params(transaction))
