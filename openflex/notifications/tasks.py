from celery import shared_task

from . import services


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": services.MAX_DELIVERY_ATTEMPTS},
)
def email_deliver_task(self, email_id: int) -> bool:
    return services.email_deliver(email_id=email_id)


@shared_task
def email_resend_stuck() -> int:
    return services.emails_resend_stuck()
