"""``email_failed(sender=OutboundEmail, email=, error=)``: sent in the transaction that marks
an email "En erreur" for good (the outbox gave up), so that the module that sent it can
react (a signature request goes en erreur, S-2)."""

from django.dispatch import Signal

email_failed = Signal()
