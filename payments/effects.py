"""The outbox finds the e-payment's side effects here: each sub-domain keeps its own."""

from payments.providers import effects as _providers_effects  # noqa: F401
from payments.transactions import effects as _transactions_effects  # noqa: F401
