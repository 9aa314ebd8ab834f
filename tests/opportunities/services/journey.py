"""Short cuts of the sales journey shared by the service tests."""

from opportunities import services
from opportunities.models import Order


def force_status(order: Order, status: str, **fields) -> Order:
    """Put an order in ``status`` without its journey (the field is FSM-protected)."""
    Order.objects.filter(pk=order.pk).update(status=status, **fields)
    return Order.objects.get(pk=order.pk)


def draft_order_on(*, vehicle, customer, seller, balance_method="virement") -> Order:
    """A whole journey to a draft order with its payment tab filled."""
    opportunity = services.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=customer.point_of_sale, by=seller
    )
    offer = services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
    services.offer_validate(offer=offer, by=seller)
    order = services.order_create(offer=offer, by=seller)
    return services.order_payment_update(
        order=order,
        by=seller,
        balance_method=balance_method,
        deposit_amount=order.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )
