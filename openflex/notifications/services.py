"""Writes of in-app notifications and emails (ORG-6).

Every email is rendered from a template (``templates/emails/<template>.txt`` and
``.html``), recorded as an ``OutboundEmail`` and delivered by a Celery task
enqueued once the surrounding transaction commits.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from .models import Notification, OutboundEmail

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 3


def notification_create(*, recipient, kind: str, title: str, body: str = "", url: str = ""):
    return Notification.objects.create(
        recipient=recipient, kind=kind, title=title[:200], body=body, url=url
    )


def notifications_create_bulk(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    rows = [
        Notification(recipient=r, kind=kind, title=title[:200], body=body, url=url)
        for r in recipients
    ]
    return Notification.objects.bulk_create(rows)


def notification_mark_read(*, user, notification_id: int) -> int:
    return Notification.objects.filter(
        pk=notification_id, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _render_text(name: str, context: dict[str, Any]) -> str:
    """Render a plain-text template without HTML escaping (it is not HTML)."""
    return get_template(name).template.render(Context(context, autoescape=False)).strip() + "\n"


def _absolute(context: dict[str, Any]) -> dict[str, Any]:
    return {"site_url": settings.SITE_URL, **context}


@transaction.atomic
def email_send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any] | None = None,
    kind: str = "",
    recipient=None,
    attachments: Sequence[dict[str, str]] = (),
    confidential: bool = False,
) -> OutboundEmail:
    """Render ``emails/<template>`` and queue it; the task sends it after commit.

    ``attachments`` are ``{"filename", "path", "mimetype"}`` with ``path`` relative
    to ``MEDIA_ROOT`` (the task reads the file when it sends). ``confidential`` emails
    carry a credential (set-password link, security code): the "Emails envoyés" screen
    does not show their content, so that reading it never lets anyone into an account.
    """
    ctx = _absolute({"subject": subject, "recipient": recipient, **(context or {})})
    email = OutboundEmail.objects.create(
        to=to,
        recipient=recipient,
        kind=kind or template,
        subject=subject,
        body_text=_render_text(f"emails/{template}.txt", ctx),
        body_html=render_to_string(f"emails/{template}.html", ctx),
        attachments=list(attachments),
        confidential=confidential,
    )
    _enqueue_delivery(email.pk)
    return email


def _enqueue_delivery(email_id: int) -> None:
    from .tasks import email_deliver_task

    transaction.on_commit(lambda: email_deliver_task.delay(email_id))


def email_deliver(*, email_id: int) -> bool:
    """Send one queued email. Returns True once sent; safe to call twice or concurrently.

    A transport error is recorded on the row, then raised again so that the task retries.
    """
    failure: Exception | None = None
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.QUEUED)
            .first()
        )
        if email is None:  # already sent, failed for good, or being sent by another worker
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
        )
        message.attach_alternative(email.body_html, "text/html")
        for att in email.attachments:
            path = Path(settings.MEDIA_ROOT) / att["path"]
            message.attach(att["filename"], path.read_bytes(), att.get("mimetype"))
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:
            email.error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_DELIVERY_ATTEMPTS:
                email.mark_failed()
                email.save(update_fields=["attempts", "error", "status"])
                logger.exception("email %s failed for good", email.pk)
                return False
            email.save(update_fields=["attempts", "error"])
            failure = exc
        else:
            email.mark_sent()
            email.sent_at = timezone.now()
            email.error = ""
            email.save(update_fields=["attempts", "error", "status", "sent_at"])
    if failure is not None:
        raise failure
    return True


def email_retry(*, email_id: int) -> OutboundEmail:
    """Put a failed email back in the queue (explicit action of an administrator)."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        email.requeue()
        email.attempts = 0
        email.save(update_fields=["status", "attempts"])
        _enqueue_delivery(email.pk)
    return email


def emails_resend_stuck(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Re-enqueue emails still queued long after creation (a lost broker message)."""
    ids = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.QUEUED,
            created_at__lt=timezone.now() - older_than,
            attempts__lt=MAX_DELIVERY_ATTEMPTS,
        ).values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        _enqueue_delivery(email_id)
    return len(ids)
