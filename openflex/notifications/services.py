"""Writes of in-app notifications and emails (ORG-6).

Every email is rendered from a template (``templates/emails/<template>.txt`` and
``.html``), recorded as an ``OutboundEmail`` together with an outbox effect in the
caller's transaction, and delivered by the outbox after the commit (X-1): the SMTP
exchange runs outside any database transaction, between a "sending" mark and a "sent"
mark, with a Message-ID fixed before the first attempt.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from openflex.outbox.services import effect_enqueue, effect_requeue, record_after_effect

from .models import Notification, OutboundEmail
from .signals import email_failed

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 3
EMAIL_EFFECT = "email.deliver"
UNSENT = [OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
WIPED = "[Contenu confidentiel effacé après l'envoi]"


TITLE_MAX_LENGTH = 200


@dataclass(frozen=True)
class NotificationDraft:
    """One notification to write, for a recipient known by id (periodic jobs carry ids)."""

    recipient_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""


def _notification(*, recipient_id: int, kind: str, title: str, body: str, url: str):
    """The one place a notification row is built: every writer goes through the services
    below, never ``Notification.objects.create``/``bulk_create`` of its own."""
    return Notification(
        recipient_id=recipient_id, kind=kind, title=title[:TITLE_MAX_LENGTH], body=body, url=url
    )


def notification_create(*, recipient, kind: str, title: str, body: str = "", url: str = ""):
    notification = _notification(
        recipient_id=recipient.pk, kind=kind, title=title, body=body, url=url
    )
    notification.save()
    return notification


def notifications_create_bulk(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """The same notification for each recipient, in one INSERT."""
    return notifications_create_many(
        drafts=[
            NotificationDraft(recipient_id=r.pk, kind=kind, title=title, body=body, url=url)
            for r in recipients
        ]
    )


def notifications_create_many(*, drafts: Iterable[NotificationDraft]) -> list[Notification]:
    """Notifications each with its own recipient and text, in one INSERT."""
    return Notification.objects.bulk_create(
        [
            _notification(
                recipient_id=d.recipient_id, kind=d.kind, title=d.title, body=d.body, url=d.url
            )
            for d in drafts
        ]
    )


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
    effect_enqueue(kind=EMAIL_EFFECT, key=f"email:{email_id}", payload={"email_id": email_id})


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(email.body_html, "text/html")
    for att in email.attachments:
        path = Path(settings.MEDIA_ROOT) / att["path"]
        message.attach(att["filename"], path.read_bytes(), att.get("mimetype"))
    return message


def email_deliver(*, email_id: int) -> bool:
    """Send one queued email. Returns True once sent, False when there is nothing to send.

    Three steps, the SMTP exchange outside any transaction: (1) mark "sending", count the
    attempt and fix the Message-ID, commit; (2) send; (3) mark "sent". A crash between
    (1) and (3) leaves "sending": the next run sends again with the same Message-ID. A
    transport error is recorded on the row and raised again, so the outbox retries. The
    marks after the exchange survive a database connection lost during it (a terminated
    backend would otherwise make a sent email go out again).
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(
                pk=email_id, status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
            )
            .first()
        )
        if email is None:  # already sent, failed for good, or being sent by another worker
            return False
        email.mark_sending()
        email.attempts += 1
        if not email.message_id:
            email.message_id = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
        email.save(update_fields=["status", "attempts", "message_id"])
    try:
        _message(email).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        record_after_effect(lambda: _mark_retry(email_id, error))
        raise
    record_after_effect(lambda: _mark_sent(email_id))
    return True


def _mark_retry(email_id: int, error: str) -> None:
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status != OutboundEmail.Status.SENDING:
            return
        email.mark_retry()
        email.error = error
        email.save(update_fields=["status", "error"])


def _mark_sent(email_id: int) -> None:
    """Idempotent: the database connection may have died after the commit (X-1)."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status == OutboundEmail.Status.SENT:
            return
        email.mark_sent()
        email.sent_at = timezone.now()
        email.error = ""
        fields = ["status", "sent_at", "error"]
        if email.confidential:  # a code or a reset link is not kept in clear once sent
            email.body_text = email.body_html = WIPED
            fields += ["body_text", "body_html"]
        email.save(update_fields=fields)


def email_fail(*, email_id: int, error: str) -> None:
    """The outbox gave up after the last attempt: the email is "En erreur"."""
    email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
    if email is None or email.status not in UNSENT:
        return
    email.mark_failed()
    email.error = error
    email.save(update_fields=["status", "error"])
    logger.error("email %s failed for good: %s", email_id, error)
    email_failed.send(sender=OutboundEmail, email=email, error=error)


def email_retry(*, email_id: int) -> OutboundEmail:
    """Put a failed email back in the queue (explicit action of an administrator)."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        email.requeue()
        email.attempts = 0
        email.save(update_fields=["status", "attempts"])
        if not effect_requeue(key=f"email:{email.pk}"):
            _enqueue_delivery(email.pk)
    return email
