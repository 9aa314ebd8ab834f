"""The vehicle history (V-3): one append-only event model, status moves included."""

from typing import Any

from ..models import Vehicle, VehicleEvent


def vehicle_event_record(
    *,
    vehicle: Vehicle,
    kind: str,
    message: str,
    by=None,
    data: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    at=None,
) -> VehicleEvent:
    """Append one line to the vehicle history (V-3).

    ``to_status`` is set when the line records the vehicle reaching a lifeline status (its
    creation, a move): the lifeline and the status history read those lines.
    """
    event = VehicleEvent(
        vehicle=vehicle,
        kind=kind,
        message=message[:500],
        by=by,
        data=data or {},
        from_status=from_status,
        to_status=to_status,
    )
    if at is not None:
        event.at = at
    event.save()
    return event
