"""Periodic jobs of the e-signature (S-3): thin, idempotent (the services claim rows)."""

from celery import shared_task

from signatures.requests.services import (
    signature_reminders_send_due,
    signature_requests_expire_due,
)


@shared_task(name="signatures.requests.tasks.signatures_expire_task")
def signatures_expire_task() -> int:
    return signature_requests_expire_due()


@shared_task(name="signatures.requests.tasks.signatures_remind_task")
def signatures_remind_task() -> int:
    return signature_reminders_send_due()
