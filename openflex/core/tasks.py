from celery import shared_task

from . import throttle


@shared_task(name="openflex.core.tasks.throttles_purge_task")
def throttles_purge_task() -> int:
    """Every night (beat): rate-limit counters whose window is over."""
    return throttle.throttles_purge()
