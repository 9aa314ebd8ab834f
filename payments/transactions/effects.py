"""Provider calls of e-payments handed to the outbox (X-1): retried with backoff."""

from openflex.outbox.registry import effect_kind
from payments.transactions.services.provider import (
    PROVIDER_REFUND,
    RECONCILE,
    payment_provider_refund,
    payment_reconcile,
)


@effect_kind(RECONCILE, max_attempts=6)
def reconcile(payload: dict) -> str:
    # Not atomic: the provider is asked outside any transaction; the answer is applied in
    # one (same path as a callback: a second run changes nothing).
    return payment_reconcile(payment_id=payload["payment_id"])


@effect_kind(PROVIDER_REFUND, max_attempts=6)
def provider_refund(payload: dict) -> str:
    # Not atomic: the provider is asked outside any transaction. Run again after a crash,
    # the payment is already "remboursé" (skipped) or the provider's refund is idempotent.
    return payment_provider_refund(payment_id=payload["payment_id"])
