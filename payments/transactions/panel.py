"""The e-payment sections of the order page (``opportunities.sales.order_panels``) and of
the vehicle page (``vehicles.panels``), P-6.

- order, "aside": the status of the latest payment ("e-Paiement en attente" …), its
  buttons (the transitions open to this user: "Renvoyer le lien de e-paiement",
  "Effectuer un nouveau paiement", "Marquer comme remboursé") and the modal table of the
  order's transactions (number, amount TTC, creation date, status);
- order, "reglement": what keeps the deposit from being paid online (no configuration at
  the point of sale, the customer's missing civility / names / email), or that the link
  goes out at validation;
- vehicle: the status of the vehicle's latest e-payment.
"""

from django.utils.translation import gettext_lazy as _

from opportunities.sales.actions import available_actions
from opportunities.sales.order_panels import OrderPanel
from opportunities.sales.order_panels import register as register_order_panel
from payments.transactions import rights, selectors
from payments.transactions.services import payments as services
from vehicles.panels import Panel
from vehicles.panels import register as register_vehicle_panel


def _payments(order) -> list:
    """The order's payments, read once per request (both panels ask). An order never
    validated has none (they are created at validation): no query for it."""
    if order.validated_at is None:
        return []
    cache = getattr(order, "_payments_cache", None)
    if cache is None:
        cache = selectors.payments_for_order(order)
        order._payments_cache = cache
    return cache


def order_aside_context(request, order) -> dict | None:
    payments = _payments(order)
    if not payments:
        return None
    latest = payments[0]
    config = selectors.payment_configuration_for(latest.point_of_sale_id)
    return {
        "latest": latest,
        "payments": payments,
        "actions": available_actions(latest, request.user),
        # "Rembourser via le prestataire": where the provider refunds, for those who may.
        "provider_refund": latest.status == latest.Status.TO_REFUND
        and config is not None
        and config.provider == latest.provider
        and config.refunds_through_provider
        and rights.payment_may_mark_refunded(latest, request.user),
    }


def order_reglement_context(request, order) -> dict | None:
    if _payments(order) or not services.payment_order_applies(order):
        return None
    blockers = services.payment_order_blockers(order)
    if not blockers and order.is_validated:
        return None  # the receiver sends it; nothing to say
    return {
        "blockers": blockers,
        "customer_id": order.opportunity.customer_id,
        "validated": order.is_validated,
    }


def vehicle_context(request, vehicle) -> dict:
    payment = selectors.payment_latest_for_vehicle(vehicle)
    return {
        "payment": payment,
        "order_visible": bool(
            payment and payment.order_id and rights.payment_may_see(payment, request.user)
        ),
    }


register_order_panel(
    OrderPanel(
        key="payments-status",
        title=_("e-Paiement de l'acompte"),
        template="payments/order_panel.html",
        context=order_aside_context,
        place="aside",
        order=10,
    )
)
register_order_panel(
    OrderPanel(
        key="payments-missing",
        title=_("Paiement en ligne de l'acompte"),
        template="payments/order_missing.html",
        context=order_reglement_context,
        place="reglement",
        order=10,
    )
)
register_vehicle_panel(
    Panel(
        key="payments",
        title=_("e-Paiement"),
        template="payments/vehicle_panel.html",
        context=vehicle_context,
        order=6,
    )
)
