"""The sandbox provider's side of the journey (P-9): check the signed request its hosted
page receives, record the customer's decision in its books, send the signed
server-to-server callback (through the outbox) and the customer back to the shop.

It reads the merchant's configuration (the provider's back office holds the same PSPID and
passphrases) and nothing else of OpenFlex's payments.
"""

from __future__ import annotations

import hmac
import secrets
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from openflex.outbox.services import effect_enqueue
from payments.providers import ogone
from payments.providers.models import SandboxTransaction
from payments.providers.sandbox import DECISIONS, signed, transaction_params
from payments.transactions.models import PaymentConfiguration, Provider

SANDBOX_CALLBACK = "payments.sandbox_callback"
REQUIRED = ("PSPID", "ORDERID", "AMOUNT", "CURRENCY", "SHASIGN")


@dataclass(frozen=True)
class SandboxRequest:
    fields: dict[str, str]
    config: PaymentConfiguration | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.error

    @property
    def amount_text(self) -> str:
        cents = int(self.fields.get("AMOUNT", "0") or 0)
        return f"{cents // 100},{cents % 100:02d}"


def sandbox_request_check(params) -> SandboxRequest:
    """The request of the hosted page, as the provider checks it: known merchant, SHA-IN."""
    fields = {str(k).upper(): str(v) for k, v in params.items()}
    if any(not fields.get(name) for name in REQUIRED) or not fields["AMOUNT"].isdigit():
        return SandboxRequest(fields, error="Paramètres incomplets.")
    for config in PaymentConfiguration.objects.filter(
        provider=Provider.SANDBOX, pspid=fields["PSPID"]
    ):
        expected = ogone.sha_in(fields, config.sha_in, config.hash_algorithm)
        if hmac.compare_digest(expected, fields["SHASIGN"].upper()):
            return SandboxRequest(fields, config=config)
    return SandboxRequest(fields, error="Signature SHA-IN invalide.")


def sandbox_callback_url() -> str:
    return settings.SITE_URL + reverse("payments:callback", kwargs={"provider": Provider.SANDBOX})


@transaction.atomic
def sandbox_decide(*, params, decision: str) -> str:
    """Pay, refuse or cancel on the hosted page: returns where the customer goes next
    (ACCEPTURL, DECLINEURL or CANCELURL with the signed result)."""
    request = sandbox_request_check(params)
    if not request.ok:
        raise ValueError(request.error)
    if decision not in DECISIONS:
        raise ValueError("unknown decision")
    fields = request.fields
    record = SandboxTransaction.objects.create(
        pspid=fields["PSPID"],
        orderid=fields["ORDERID"],
        payid=str(3_000_000_000 + secrets.randbelow(6_000_000_000)),
        provider_status=DECISIONS[decision],
        amount_cents=int(fields["AMOUNT"]),
        currency=fields["CURRENCY"],
        email=fields.get("EMAIL", ""),
    )
    result = signed(transaction_params(record), request.config)
    effect_enqueue(
        kind=SANDBOX_CALLBACK,
        key=f"sandbox-callback:{record.payid}",
        payload={"url": sandbox_callback_url(), "params": result},
    )
    target = {"pay": "ACCEPTURL", "refuse": "DECLINEURL", "cancel": "CANCELURL"}[decision]
    url = fields.get(target) or fields.get("EXCEPTIONURL") or settings.SITE_URL
    separator = "&" if "?" in url else "?"
    return url + separator + urllib.parse.urlencode(result)


def sandbox_callback_send(*, url: str, params: dict) -> int:
    """The provider's server-to-server POST (an outbox effect: retried on failure)."""
    import urllib.request

    body = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 — our own URL
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        return response.status
