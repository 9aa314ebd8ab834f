"""The outbox finds the e-signature's side effects here: each sub-domain keeps its own."""

from signatures.sms import effects as _sms_effects  # noqa: F401
