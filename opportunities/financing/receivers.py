"""How financing reacts to the stock (vehicles never imports opportunities)."""

from django.dispatch import receiver

from opportunities.financing.services import financing_follow_vehicle_status
from vehicles import signals as vehicle_signals


@receiver(vehicle_signals.status_changed, dispatch_uid="financing_on_sales_stock")
def _on_status_changed(sender, vehicle, to_status, **kwargs) -> None:
    # Entry to the sales stock refreshes the automatic simulations after commit (V-13).
    financing_follow_vehicle_status(vehicle=vehicle, to_status=to_status)
