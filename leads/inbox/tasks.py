"""Background work of the leads' inbox (X-1). Thin: the service does the work."""

from celery import shared_task

from leads.inbox import services


@shared_task
def lead_reminders_scan_task() -> dict:
    """Every minute (beat): reminders before neglect, then neglect (L-2)."""
    return services.lead_reminders_scan()
