"""Background work of the sales journey (X-1). Thin: ids in, services do the work."""

from celery import shared_task

from opportunities.sales import services


@shared_task
def opportunities_cancel_inactive_task() -> int:
    """Every night (beat): abandon opportunities inactive for the configured delay (O-1)."""
    return services.opportunities_cancel_inactive()


@shared_task
def opportunities_neglect_scan_task() -> int:
    """Every hour (beat): alert salespeople of opportunities newly en souffrance (O-1)."""
    return services.opportunities_neglect_scan()
