"""The models of the e-signature, one module per sub-domain (Django finds them here)."""

from signatures.promotions.models import PromotionalOperation  # noqa: F401
from signatures.requests.models import (  # noqa: F401
    AnnexKind,
    SignatureDocument,
    SignatureEvent,
    SignatureRequest,
    SignatureSettings,
    SmsCode,
)
from signatures.sealing.models import SigningCertificate  # noqa: F401
from signatures.sms.models import SmsMessage  # noqa: F401
