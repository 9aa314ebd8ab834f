"""The provider adapter interface (P-5, P-9): build the hosted page request, verify a
return or a callback, read it, ask the provider for a payment's state, refund.

``payments.transactions`` speaks to providers only through this interface
(``payments.providers.registry.adapter_for``); the provider's protocol stays here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class ReturnUrls:
    accept: str
    decline: str
    exception: str
    cancel: str


@dataclass(frozen=True)
class HostedPage:
    """What the customer's browser posts to open the provider's payment page."""

    url: str
    fields: dict[str, str]
    method: str = "post"
    # The provider's origin when it is not ours: the page opens ``form-action`` for it.
    origin: str = ""


@dataclass(frozen=True)
class ProviderResult:
    """A provider's word on one payment (return, callback or answer to a query)."""

    reference: str
    outcome: str  # payments.providers.ogone outcomes: paid, refused, waiting …
    provider_status: str = ""
    provider_payment_id: str = ""
    amount: Decimal | None = None
    currency: str = ""
    error: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identifies one provider message: the same key again is a replay."""
        return f"{self.provider_payment_id}:{self.provider_status}"[:60]


class ProviderError(Exception):
    """The provider did not answer or answered something unreadable (retried)."""


class PaymentProvider(Protocol):
    name: str

    def hosted_page(self, *, payment, config, urls: ReturnUrls, language: str) -> HostedPage: ...

    def verify(self, *, params: dict[str, str], config) -> bool: ...

    def parse(self, params: dict[str, str]) -> ProviderResult: ...

    def query(self, *, payment, config) -> ProviderResult | None: ...

    def refund(self, *, payment, config) -> ProviderResult | None: ...

    def origin(self, config) -> str: ...
