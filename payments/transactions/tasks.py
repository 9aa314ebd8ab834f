"""Background work of e-payments (X-1). Thin: ids in, services do the work."""

from celery import shared_task

from payments.transactions.services import provider


@shared_task
def payments_reconcile_task() -> int:
    """Every 10 minutes (beat): ask the provider about payments still *envoyé* after the
    configured delay, each through the outbox (P-5: a lost callback is caught up)."""
    return provider.payments_reconcile_due()
