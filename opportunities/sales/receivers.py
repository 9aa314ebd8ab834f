"""How the sale side reacts to the stock (vehicles never imports opportunities)."""

from django.dispatch import receiver

from vehicles import signals as vehicle_signals


@receiver(vehicle_signals.transfer_decided, dispatch_uid="opportunities.order_transfer")
def _on_transfer_decided(sender, transfer, by, **kwargs) -> None:
    # Sent inside the decision's transaction: the order moves in the same transaction.
    from opportunities.sales.services import order_transfer_decided

    order_transfer_decided(transfer=transfer, by=by)
