"""Short cuts of the sales journey shared by the service tests."""

from opportunities.sales import services
from opportunities.sales.models import Order
from tests.accounts.factories import PointOfSaleFactory
from vehicles.models import Vehicle


def reach(order: Order, status: str, *, seller, manager) -> Order:
    """Take a draft order (payment tab filled) to ``status`` by its real journey: every
    move through its service (the status field is FSM-protected)."""
    S = Order.Status
    if status == S.DRAFT:
        return order
    if status == S.PENDING_SIGNATURE:
        return services.order_submit(order=order, by=seller, signature_mode="electronique")
    if status == S.PENDING_TRANSFER:
        # The vehicle belongs to another point of sale: the order waits for the transfer.
        other = PointOfSaleFactory(entity=order.point_of_sale.entity)
        Vehicle.objects.filter(pk=order.vehicle_id).update(point_of_sale=other)
        return services.order_submit(order=order, by=seller)
    order = services.order_submit(order=order, by=seller)
    if status == S.PENDING_VALIDATION:
        return order
    if status == S.REFUSED:
        return services.order_refuse(order=order, by=manager, reason="Remise trop forte")
    order = services.order_validate(order=order, by=manager)
    if status == S.ORDERED:
        return order
    if status == S.PENDING_CANCELLATION:
        return services.order_cancel(order=order, by=seller, reason="Le client renonce")
    if status == S.CANCELLED:
        return services.order_cancel(order=order, by=manager, reason="Le client renonce")
    if status in (S.MODIFYING, S.REPLACED):
        offer = services.order_modify(order=order, by=seller)
        if status == S.REPLACED:
            services.offer_validate(offer=offer, by=seller)
            new = services.order_create(offer=offer, by=seller)
            new = services.order_payment_update(
                order=new,
                by=seller,
                balance_method="virement",
                deposit_amount=new.deposit_amount,
                deposit_method="",
                deposit_not_online=False,
            )
            services.order_submit(order=new, by=manager)
        return Order.objects.get(pk=order.pk)
    order = services.order_prepare(order=order, by=manager)
    if status == S.TO_DELIVER:
        return order
    assert status == S.DELIVERED, status
    return services.order_deliver(order=order, by=manager)


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
