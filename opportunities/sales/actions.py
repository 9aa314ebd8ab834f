"""Which actions an order offers to a user (buttons of the order page and the list)."""

from django.utils.translation import gettext as _

from opportunities.sales.models import Opportunity, Order
from opportunities.sales.services import user_can_prepare_delivery, user_can_validate_orders
from vehicles.models import Parc


def order_actions(order: Order, user) -> list[dict]:
    """The buttons of the order page: what this user may do now (templates ask, not decide)."""
    actions = []
    decider = user_can_validate_orders(user) and (
        user.is_superuser or order.point_of_sale_id in {p.pk for p in user.points_of_sale.all()}
    )
    S = Order.Status
    if order.status == S.DRAFT:
        actions.append({"name": "submit", "label": _("Valider et imprimer"), "style": "primary"})
    if order.status == S.PENDING_VALIDATION and decider:
        actions.append({"name": "validate", "label": _("Valider"), "style": "primary"})
        actions.append({"name": "refuse", "label": _("Refuser"), "style": "danger", "reason": True})
    if order.status == S.PENDING_CANCELLATION and decider:
        actions.append(
            {
                "name": "confirm_cancellation",
                "label": _("Confirmer l'annulation"),
                "style": "danger",
            }
        )
        actions.append(
            {
                "name": "reject_cancellation",
                "label": _("Refuser l'annulation"),
                "style": "secondary",
                "reason": True,
            }
        )
    if order.status == S.ORDERED and user_can_prepare_delivery(user, order):
        actions.append({"name": "prepare", "label": _("Prêt à livrer"), "style": "primary"})
    if order.status == S.TO_DELIVER and (
        user_can_prepare_delivery(user, order) or user.pk == order.opportunity.salesperson_id
    ):
        actions.append({"name": "deliver", "label": _("Déclarer livré"), "style": "primary"})
    if (
        order.vehicle.parc == Parc.VN
        and order.status in (S.ORDERED, S.TO_DELIVER)
        and not order.factory_ordered_at
        and user.has_perm("accounts.access_vn")
    ):
        actions.append({"name": "factory", "label": _("Commandé à l'usine"), "style": "secondary"})
    if (
        order.status in Order.MODIFIABLE
        and order.opportunity.status != Opportunity.Status.ABANDONED
    ):
        actions.append({"name": "modify", "label": _("Modifier"), "style": "secondary"})
    if order.status == S.MODIFYING:
        actions.append(
            {
                "name": "withdraw_modification",
                "label": _("Abandonner la modification"),
                "style": "secondary",
            }
        )
    if order.status in Order.CANCELLABLE:
        label = (
            _("Annuler la commande")
            if (decider or order.status == S.DRAFT)
            else _("Demander l'annulation")
        )
        actions.append({"name": "cancel", "label": label, "style": "danger", "reason": True})
    return actions


def order_quick_actions(order: Order, user, *, decider: bool, pos_ids: set[int]) -> list[dict]:
    """The actions a manager takes from the order lists (O-10), without a query per row."""
    S = Order.Status
    if not (decider and (user.is_superuser or order.point_of_sale_id in pos_ids)):
        return []
    return {
        S.PENDING_VALIDATION: [
            {"name": "validate", "label": _("Valider"), "style": "primary"},
            {"name": "refuse", "label": _("Refuser"), "style": "danger", "reason": True},
        ],
        S.PENDING_CANCELLATION: [
            {
                "name": "confirm_cancellation",
                "label": _("Confirmer l'annulation"),
                "style": "danger",
            },
            {
                "name": "reject_cancellation",
                "label": _("Refuser"),
                "style": "secondary",
                "reason": True,
            },
        ],
        S.ORDERED: [{"name": "prepare", "label": _("Prêt à livrer"), "style": "primary"}],
        S.TO_DELIVER: [{"name": "deliver", "label": _("Déclarer livré"), "style": "primary"}],
    }.get(order.status, [])
