"""Who may do what on an opportunity, an offer or an order, from the platform's rules.

Each function takes ``(instance, user)``: the transitions of ``models.py`` declare them as
their ``permission=``, the services check them before a write, and the buttons come from
the transitions they allow (``actions.py``). They read only loaded fields and the user's
cached rights: asking them for every row of a list costs no query per row.
"""

from openflex.accounts import rules

OPPORTUNITY_OPEN = "en_cours"
OPPORTUNITY_ABANDONED = "abandonnee"
ORDER_DRAFT = "brouillon"
# Orders that still hold their offer (an offer with one is neither modified nor cancelled).
ORDER_DEAD = ("annulee", "refusee", "remplacee")


def _acts_for(user, *, salesperson_id: int, point_of_sale_id: int) -> bool:
    """The salesperson of the sale, or a manager of its point of sale (an administrator:
    any) — the same scope as the lists and pages (``selectors.*_queryset_for_user``)."""
    if not rules.is_authenticated(user):
        return False
    if user.pk == salesperson_id or rules.is_platform_admin(user):
        return True
    return rules.is_manager(user) and rules.works_at(user, point_of_sale_id)


# --- Orders ---------------------------------------------------------------------------


def order_may_act(order, user) -> bool:
    """Submit, modify, cancel a draft, ask for a cancellation: whoever handles the sale."""
    return _acts_for(
        user,
        salesperson_id=order.opportunity.salesperson_id,
        point_of_sale_id=order.point_of_sale_id,
    )


def order_may_decide(order, user) -> bool:
    """Validate, refuse, cancel at once, confirm or reject a cancellation request: the
    validation right at the order's point of sale."""
    return rules.can_validate_orders(user, order.point_of_sale_id)


def order_may_cancel(order, user) -> bool:
    """Cancel at once: a draft, or with the right to decide."""
    if order.status == ORDER_DRAFT:
        return order_may_act(order, user)
    return order_may_decide(order, user)


def order_may_request_cancellation(order, user) -> bool:
    """Without the right to decide, a cancellation is requested from a superior."""
    return order_may_act(order, user) and not order_may_decide(order, user)


def order_may_prepare(order, user) -> bool:
    return rules.can_prepare_delivery(user, order.point_of_sale_id)


def order_may_deliver(order, user) -> bool:
    return order_may_prepare(order, user) or user.pk == order.opportunity.salesperson_id


def order_may_order_from_factory(order, user) -> bool:
    """The delivery team of the order's point of sale with the VN right (not its
    salesperson): the audience of the "À commander usine" tile."""
    return rules.can_order_from_factory(user, order.point_of_sale_id)


def order_may_modify(order, user) -> bool:
    return order.opportunity.status != OPPORTUNITY_ABANDONED and order_may_act(order, user)


# --- Offers ---------------------------------------------------------------------------


def _offer_has_live_order(offer) -> bool:
    return any(o.status not in ORDER_DEAD for o in offer.orders.all())


def offer_may_act(offer, user) -> bool:
    """The buttons of an offer live while its opportunity is open, for who handles it."""
    return offer.opportunity.status == OPPORTUNITY_OPEN and _acts_for(
        user,
        salesperson_id=offer.opportunity.salesperson_id,
        point_of_sale_id=offer.opportunity.point_of_sale_id,
    )


def offer_may_change(offer, user) -> bool:
    """Order, modify or cancel a validated offer: open opportunity, no live order on it."""
    return offer_may_act(offer, user) and not _offer_has_live_order(offer)


# --- Opportunities --------------------------------------------------------------------


def opportunity_may_act(opportunity, user) -> bool:
    return _acts_for(
        user,
        salesperson_id=opportunity.salesperson_id,
        point_of_sale_id=opportunity.point_of_sale_id,
    )
