"""Background work of the stock (X-1). Thin: ids in, services do the work.

The names are explicit: the beat schedule (settings) and queued messages refer to them.
"""

from celery import shared_task

from .delays import services as delay_services


@shared_task(name="vehicles.tasks.delay_scan_task")
def delay_scan_task() -> dict:
    """Every 30 minutes (beat): notify fleet managers of newly late vehicles (V-9)."""
    return delay_services.delay_scan()
