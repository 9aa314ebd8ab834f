"""Background work of the sales journey (X-1). Thin: ids in, services do the work."""

from celery import shared_task

from opportunities.sales import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def order_vehicle_follow_task(order_id: int, status: str, by_id: int | None, reason: str) -> None:
    """After an order transition commits: move its vehicle (livraison, sortie, back)."""
    services.order_vehicle_follow(order_id=order_id, status=status, by_id=by_id, reason=reason)


@shared_task
def opportunities_cancel_inactive_task() -> int:
    """Every night (beat): abandon opportunities inactive for the configured delay (O-1)."""
    return services.opportunities_cancel_inactive()


@shared_task
def opportunities_neglect_scan_task() -> int:
    """Every hour (beat): alert salespeople of opportunities newly en souffrance (O-1)."""
    return services.opportunities_neglect_scan()
