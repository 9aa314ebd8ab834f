"""Side effects of financing handed to the outbox (X-1): calls to the provider."""

from openflex.outbox.registry import effect_kind
from opportunities.financing import services as financing
from vehicles.models import Vehicle


def _in_error(payload: dict, error: str) -> None:
    financing.financing_request_fail(request_id=payload["request_id"])


@effect_kind(financing.SEND_EFFECT, max_attempts=financing.SEND_ATTEMPTS, on_failure=_in_error)
def request_send(payload: dict) -> str | None:
    """Send a financing request to its provider and record the answer (idempotent)."""
    request = financing.financing_request_send(request_id=payload["request_id"])
    return request.status if request else None


@effect_kind(financing.REFRESH_EFFECT)
def simulations_refresh(payload: dict) -> int:
    """After a VD/VO enters the sales stock: its automatic simulations."""
    vehicle = Vehicle.objects.filter(pk=payload["vehicle_id"]).first()
    if vehicle is None:
        return 0
    return len(financing.financing_simulations_refresh(vehicle=vehicle) or [])
