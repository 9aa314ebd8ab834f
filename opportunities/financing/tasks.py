"""Periodic work of financing (V-13, X-1). Thin: ``financing`` does the work.

Provider calls after a request are outbox effects (opportunities/financing/effects.py).
"""

from celery import shared_task

from opportunities.financing import services as financing


@shared_task(name="opportunities.financing.tasks.financing_simulations_refresh_due_task")
def financing_simulations_refresh_due_task() -> int:
    """Every night (beat): VD/VO in sales stock whose price changed since their simulations."""
    return financing.financing_simulations_refresh_due()
