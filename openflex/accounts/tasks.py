from celery import shared_task

from . import services


@shared_task
def security_codes_purge() -> int:
    return services.security_codes_purge()
