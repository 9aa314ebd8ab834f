"""How the e-reservation reacts to the e-payment and to the sale side (signals sent inside
their transactions: what is written here commits or rolls back with them)."""

from django.dispatch import receiver

from opportunities.sales.signals import order_status_changed
from payments.ereservations import services
from payments.signals import payment_status_changed
from payments.transactions.models import Payment


@receiver(payment_status_changed, dispatch_uid="payments.ereservation_paid")
def _on_payment_status(sender, payment, from_status, to_status, **kwargs) -> None:
    if payment.kind != Payment.Kind.RESERVATION:
        return
    if to_status in Payment.CAPTURED and from_status not in Payment.CAPTURED:
        services.ereservation_confirm(payment=payment)
    elif from_status in Payment.CAPTURED and to_status not in Payment.CAPTURED:
        services.ereservation_payment_lost(payment=payment)


@receiver(order_status_changed, dispatch_uid="payments.ereservation_order")
def _on_order_status(sender, order, from_status, to_status, **kwargs) -> None:
    services.ereservation_follow_order(order=order, from_status=from_status, to_status=to_status)
