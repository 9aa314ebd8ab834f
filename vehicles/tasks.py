"""Background work of the stock (X-1). Thin: ids in, services do the work."""

from celery import shared_task

from . import services


@shared_task
def delay_scan_task() -> dict:
    """Every 30 minutes (beat): notify fleet managers of newly late vehicles (V-9)."""
    return services.delay_scan()


@shared_task
def late_vehicles_send_task(sender_id: int, recipient_ids: list[int], query: str) -> int:
    """Email the late-vehicles list (XLSX attached, link back to the list) (V-9)."""
    from .delay_views import late_list_send

    return late_list_send(sender_id=sender_id, recipient_ids=recipient_ids, query=query)
