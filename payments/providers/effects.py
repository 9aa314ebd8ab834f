"""The sandbox provider's server-to-server callback, handed to the outbox (X-1)."""

from openflex.outbox.registry import effect_kind
from payments.providers.services import SANDBOX_CALLBACK, sandbox_callback_send


@effect_kind(SANDBOX_CALLBACK, max_attempts=8)
def sandbox_callback(payload: dict) -> int:
    # Not atomic: an HTTP exchange. Replays are harmless (the callback ignores them).
    return sandbox_callback_send(url=payload["url"], params=payload["params"])
