"""Side effects of the stock handed to the outbox (X-1)."""

from openflex.outbox.registry import effect_kind

from .delays import services as delay_services


@effect_kind(delay_services.LATE_LIST_EFFECT, atomic=True)
def late_list_send(payload: dict) -> int:
    """Email the late-vehicles list (XLSX attached, link back to the list) (V-9)."""
    return delay_services.late_list_send(**payload)
