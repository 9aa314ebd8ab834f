"""``sms_failed(sender=SmsMessage, message=, error=)``: sent in the transaction that marks
an SMS "En erreur" for good; the module that sent it reacts (``reference``)."""

from django.dispatch import Signal

sms_failed = Signal()
