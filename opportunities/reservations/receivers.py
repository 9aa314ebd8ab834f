"""How reservations react to the stock (vehicles never imports opportunities)."""

from django.dispatch import receiver

from opportunities.reservations.services import reservation_follow_vehicle_status
from vehicles import signals as vehicle_signals


@receiver(vehicle_signals.status_changed, dispatch_uid="opportunities.reservation_status")
def _on_status_changed(sender, vehicle, from_status, to_status, by, **kwargs) -> None:
    # Sent inside the status change's transaction, with the vehicle row locked (V-11).
    reservation_follow_vehicle_status(
        vehicle=vehicle, from_status=from_status, to_status=to_status, by=by
    )
