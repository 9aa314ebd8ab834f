"""The providers by name: ``adapter_for("ingenico")``."""

from payments.providers.base import PaymentProvider
from payments.providers.ingenico import IngenicoProvider
from payments.providers.sandbox import SandboxProvider

_adapters: dict[str, PaymentProvider] = {
    "ingenico": IngenicoProvider(),
    "sandbox": SandboxProvider(),
}


def adapter_for(name: str) -> PaymentProvider | None:
    return _adapters.get(name)
