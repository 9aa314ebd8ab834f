"""Writes of SMS (S-7): record in the caller's transaction, deliver through the outbox.

Like the emails: ``sms_send`` records the message and an outbox effect in the caller's
transaction; the outbox delivers after the commit, outside any transaction, between a
"sending" and a "sent" mark. A permanent provider error (invalid number, credentials)
fails the message at once; a transient one is retried by the outbox, then fails. A
failed message sends ``sms_failed`` (the signature request it was about goes en erreur).
"""

import logging

from django.db import transaction
from django.utils import timezone

from openflex.outbox.services import effect_enqueue, record_after_effect
from signatures.sms.backends import SmsPermanentError, sms_backend
from signatures.sms.models import SmsMessage
from signatures.sms.signals import sms_failed

logger = logging.getLogger(__name__)

SMS_EFFECT = "sms.deliver"
MAX_DELIVERY_ATTEMPTS = 4
WIPED = "[Contenu confidentiel effacé après l'envoi]"


def phone_e164(value: str) -> str:
    """A French-style number as E.164 (``06 12 34 56 78`` → ``+33612345678``)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def sms_send(
    *, to: str, body: str, kind: str, reference: str = "", confidential: bool = False
) -> SmsMessage:
    message = SmsMessage.objects.create(
        to=phone_e164(to), body=body, kind=kind, reference=reference, confidential=confidential
    )
    effect_enqueue(kind=SMS_EFFECT, key=f"sms:{message.pk}", payload={"sms_id": message.pk})
    return message


def sms_deliver(*, sms_id: int) -> bool:
    """Send one queued SMS (the outbox's handler). True once sent."""
    with transaction.atomic():
        message = (
            SmsMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=sms_id, status__in=[SmsMessage.Status.QUEUED, SmsMessage.Status.SENDING])
            .first()
        )
        if message is None:
            return False
        message.mark_sending()
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    backend = sms_backend()
    try:
        result = backend.send(to=message.to, body=message.body, reference=f"sms-{message.pk}")
    except SmsPermanentError as exc:
        permanent = str(exc)
        record_after_effect(lambda: sms_fail(sms_id=sms_id, error=permanent))
        return False
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        record_after_effect(lambda: _mark_retry(sms_id, error))
        raise
    record_after_effect(lambda: _mark_sent(sms_id, backend, result.provider_id))
    return True


def _mark_retry(sms_id: int, error: str) -> None:
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=sms_id)
        if message.status != SmsMessage.Status.SENDING:
            return
        message.mark_retry()
        message.error = error
        message.save(update_fields=["status", "error"])


def _mark_sent(sms_id: int, backend, provider_id: str) -> None:
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=sms_id)
        if message.status == SmsMessage.Status.SENT:
            return
        message.mark_sent()
        message.sent_at = timezone.now()
        message.backend = backend.name
        message.provider_id = provider_id[:100]
        message.error = ""
        fields = ["status", "sent_at", "backend", "provider_id", "error"]
        if message.confidential and not backend.keeps_text:
            message.body = WIPED
            fields.append("body")
        message.save(update_fields=fields)


@transaction.atomic
def sms_fail(*, sms_id: int, error: str) -> None:
    """The SMS cannot be sent (permanent error, or the outbox gave up): "En erreur"."""
    message = SmsMessage.objects.select_for_update().filter(pk=sms_id).first()
    if message is None or message.status not in (
        SmsMessage.Status.QUEUED,
        SmsMessage.Status.SENDING,
    ):
        return
    message.mark_failed()
    message.error = error[:2000]
    message.save(update_fields=["status", "error"])
    logger.error("SMS %s failed for good: %s", sms_id, error)
    sms_failed.send(sender=SmsMessage, message=message, error=error)
