"""The models of the e-payment, one module per sub-domain (Django finds them here)."""

from payments.ereservations.models import (  # noqa: F401
    EReservation,
    EReservationSettings,
)
from payments.providers.models import (  # noqa: F401
    SandboxTransaction,
)
from payments.transactions.models import (  # noqa: F401
    HashAlgorithm,
    Payment,
    PaymentConfiguration,
    PaymentEvent,
    Provider,
    ProviderMode,
)
