"""Reads of the e-payments list and tiles (P-7), scoped like the orders.

Scope (``payments_visible_to``): the sale side of the payment's point of sale — every
payment of their points of sale for the secretaries, sales managers and directors, their
own (``Payment.salesperson``, the order's salesperson) for a salesperson, all of them for
platform administrators; never another entity's payments. The rule of one loaded payment
is ``payments.transactions.rights.payment_may_see``.

"Follows" (``payments_followed_by``, the tiles' pre-filter, docs/decisions.md): a
salesperson follows the payments of their orders (they are the ``salesperson`` of the
payment); a secretary, sales manager or director follows every payment of their points of
sale (deposits and e-reservations, which have no salesperson); a platform administrator
follows the payments of the points of sale they are attached to.
"""

import re

from django.db.models import Q, QuerySet

from openflex.accounts import rules
from opportunities.customers.models import Customer
from payments.transactions.models import Payment
from payments.transactions.selectors import payment_queryset_for_user
from vehicles.models import Vehicle

# The status groups of the list's filter (P-7) — one label per group, the statuses behind.
# "erreur" (a technical failure at the provider) is shown with the refusals: for staff it
# is a payment that did not go through and calls for a new attempt, like a refusal.
STATUS_GROUPS = {
    "a_rembourser": [Payment.Status.TO_REFUND],
    "en_attente": [Payment.Status.SENT],
    "payes": [Payment.Status.AUTHORISED, Payment.Status.PAID],
    "rembourses": [Payment.Status.REFUNDED],
    "annules": [Payment.Status.CANCELLED],
    "refuses": [Payment.Status.REFUSED, Payment.Status.ERROR],
}

LIST_RELATIONS = (
    "vehicle",
    "point_of_sale",
    "entity",
    "order",
    "salesperson",
    "customer",
)


def _own_points_of_sale(user):
    # A subquery, not the ids: a tile's count stays one query even on a cold user object.
    return user.points_of_sale.values("pk")


def payments_visible_to(user) -> QuerySet[Payment]:
    """The payments the user may see (the list's scope, the e-payment's own rule)."""
    return payment_queryset_for_user(user)


def payments_followed_by(user, qs: QuerySet[Payment] | None = None) -> QuerySet[Payment]:
    """The payments the user follows (module docstring), within ``qs`` (their scope)."""
    qs = payments_visible_to(user) if qs is None else qs
    if not rules.works_on_sales(user):
        return qs.none()
    if rules.is_manager(user):
        return qs.filter(point_of_sale__in=_own_points_of_sale(user))
    return qs.filter(salesperson=user)


def payment_list(*, user) -> QuerySet[Payment]:
    """The list's rows: everything a card shows in one query (no query per row)."""
    return payments_visible_to(user).select_related(*LIST_RELATIONS)


def payments_count(*, user, group: str) -> int:
    """A tile's count: the followed payments of one status group (one query)."""
    return payments_followed_by(user).filter(status__in=STATUS_GROUPS[group]).count()


REFERENCE = re.compile(r"^\d{5}_\d{6}_\d{11}_\d+$")


def search_condition(term: str) -> Q:
    """One search word (lower-cased): the customer (the payment's contact snapshot, the
    customer's own search text), the opportunity, order or transaction number (reference,
    PAYID), the vehicle's registration or VIN (its search text). The customer's and the
    vehicle's texts are searched through their trigram indexes (subqueries), the payment's
    own columns in its rows; a whole reference is its unique index."""
    if REFERENCE.match(term):
        return Q(reference=term)
    condition = (
        Q(last_name__icontains=term)
        | Q(first_name__icontains=term)
        | Q(email__icontains=term)
        | Q(reference__contains=term)
        | Q(provider_payment_id=term)
        | Q(customer_id__in=Customer.objects.filter(search_text__contains=term).values("pk"))
        | Q(vehicle_id__in=Vehicle.objects.filter(search_text__contains=term).values("pk"))
    )
    if term.isdigit() and len(term) <= 9:
        number = int(term)
        condition |= Q(order_id=number) | Q(order__opportunity_id=number)
        condition |= Q(document_number=number)
    return condition
