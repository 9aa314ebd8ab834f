"""Periodic work of the pre-entry reservation (V-11, X-1). Thin: the service does the work.

Celery's autodiscovery finds ``tasks.py`` only: ``opportunities/tasks.py`` imports this
module so that workers register the task under its explicit name.
"""

from celery import shared_task

from opportunities.reservations import services as reservations


@shared_task(name="opportunities.reservations.tasks.reservations_expire_task")
def reservations_expire_task() -> int:
    """Every 5 minutes (beat): end the reservations whose 48 hours are over."""
    return reservations.reservations_expire()
