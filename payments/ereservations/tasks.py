"""Periodic work of the e-reservation (P-8, X-1). Thin: the service does the work.

Celery's autodiscovery finds ``tasks.py`` only: ``payments/tasks.py`` imports this module
so that workers register the task under its explicit name.
"""

from celery import shared_task

from payments.ereservations import services


@shared_task(name="payments.ereservations.tasks.ereservations_expire_task")
def ereservations_expire_task() -> int:
    """Every 5 minutes (beat): release the e-reservations whose time is over."""
    return services.ereservations_expire()
