"""How the e-signature follows the sale side, and the sale side the e-signature (S-4).

Both signals are sent inside the transaction of the change: what these receivers write
commits or rolls back with it (an order sent for e-signature whose customer has no
mobile is not sent at all: the user reads why).
"""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from opportunities.sales.models import Order
from opportunities.sales.signals import order_status_changed
from signatures.flows import services
from signatures.signals import signature_status_changed

S = Order.Status


@receiver(order_status_changed, dispatch_uid="signatures.flows.order_status_changed")
def _on_order_status_changed(sender, order, from_status, to_status, by=None, **kwargs) -> None:
    if to_status == S.PENDING_SIGNATURE:
        # Sent for e-signature (or back to it: a cancellation request rejected).
        services.order_request_open(order=order, by=by)
    elif to_status == S.CANCELLED:
        services.order_requests_delete(order=order, reason=_("commande annulée"))
    elif from_status == S.PENDING_SIGNATURE and to_status == S.PENDING_CANCELLATION:
        services.order_requests_delete(order=order, reason=_("annulation de la commande demandée"))


@receiver(signature_status_changed, dispatch_uid="signatures.flows.signature_status_changed")
def _on_signature_status_changed(sender, request, from_status, to_status, **kwargs) -> None:
    services.signature_outcome_apply(request=request, to_status=to_status)
