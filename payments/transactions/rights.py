"""Who may act on an e-payment, from the platform's rules (``openflex.accounts.rules``).

Each function takes ``(payment, user)``: the transitions of ``models.py`` declare them as
their ``permission=``, the services check them before a write, the buttons come from the
transitions they allow. They read loaded fields and the user's cached rights only.
"""

from openflex.accounts import rules
from openflex.accounts.models import UserGroupType

# Who settles refunds (the audience of the "e-Paiements à rembourser" tile, P-7).
REFUND_TYPES = frozenset(
    {UserGroupType.SECRETARY, UserGroupType.SALES_MANAGER, UserGroupType.DIRECTOR}
)


def payment_may_see(payment, user) -> bool:
    """The rule of ``payment_queryset_for_user`` for one loaded payment: the sale side of
    its point of sale — everybody there for managers, their own payments for a salesperson."""
    if not rules.works_on_sales(user):
        return False
    if rules.is_platform_admin(user):
        return True
    if not rules.works_at(user, payment.point_of_sale_id):
        return False
    return rules.is_manager(user) or user.pk == payment.salesperson_id


def payment_may_follow(payment, user) -> bool:
    """Resend the link, make a new attempt: whoever handles the sale (its salesperson, a
    manager of its point of sale; an e-reservation: a manager)."""
    if not rules.is_authenticated(user):
        return False
    if rules.is_platform_admin(user):
        return True
    if payment.salesperson_id is not None and user.pk == payment.salesperson_id:
        return rules.works_on_sales(user)
    return rules.is_manager(user) and rules.works_at(user, payment.point_of_sale_id)


def payment_may_mark_refunded(payment, user) -> bool:
    """ "Marquer comme remboursé": secretaries, sales managers and directors of the
    payment's point of sale; platform administrators."""
    if rules.is_platform_admin(user):
        return True
    return rules.has_group_type(user, REFUND_TYPES) and rules.works_at(
        user, payment.point_of_sale_id
    )
