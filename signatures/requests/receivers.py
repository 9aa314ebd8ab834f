"""The e-signature hears that its link email or code SMS could not be sent (S-2)."""

from django.dispatch import receiver

from openflex.notifications.signals import email_failed
from signatures.requests.models import SignatureEvent, SignatureRequest
from signatures.requests.services import signature_request_fail
from signatures.sms.signals import sms_failed


@receiver(email_failed, dispatch_uid="signatures.email_failed")
def _email_failed(sender, email, error, **kwargs) -> None:
    request = SignatureRequest.objects.filter(last_email_id=email.pk).first()
    if request is not None:
        signature_request_fail(
            request=request,
            error=f"L'email à {email.to} n'a pas pu être envoyé ({error[:300]})",
            kind=SignatureEvent.Kind.EMAIL_FAILED,
        )


@receiver(sms_failed, dispatch_uid="signatures.sms_failed")
def _sms_failed(sender, message, error, **kwargs) -> None:
    kind, _sep, pk = message.reference.partition(":")
    if kind != "signature_request" or not pk.isdigit():
        return
    request = SignatureRequest.objects.filter(pk=int(pk)).first()
    if request is not None:
        signature_request_fail(
            request=request,
            error=f"Le SMS au {message.to} n'a pas pu être envoyé ({error[:300]})",
            kind=SignatureEvent.Kind.SMS_FAILED,
        )
