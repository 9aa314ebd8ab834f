"""Reads of customers, scoped to the user's points of sale or own opportunities (O-2)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from openflex.accounts import rules
from openflex.accounts.selectors import (
    points_of_sale_for_user,
    user_is_platform_admin,
)
from opportunities.customers.models import Customer


def user_sees_point_of_sale_opportunities(user) -> bool:
    """Every opportunity of the user's points of sale, not only their own (the rules)."""
    return rules.is_manager(user)


def _pos_ids(user):
    return points_of_sale_for_user(user).values("pk")


def customer_queryset_for_user(user) -> QuerySet[Customer]:
    """The customers of the user's points of sale, for the sale side only (deny by
    default); one loaded customer: ``rules.may_open_customer`` (same rule)."""
    if not rules.works_on_sales(user):
        return Customer.objects.none()
    qs = Customer.objects.all()
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=_pos_ids(user))
    return qs


def customer_get_for_user(*, user, pk: int) -> Customer:
    customer = (
        customer_queryset_for_user(user)
        .select_related("legal_representative", "point_of_sale")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise Http404
    return customer


def customers_matching(qs: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    """Customers whose name, email or phone contain every word (a phone by its digits)."""
    for term in query.lower().split()[:6]:
        digits = "".join(c for c in term if c.isdigit())
        if digits and len(digits) == len(term.replace("+", "").replace(".", "")):
            term = digits
        qs = qs.filter(search_text__contains=term)
    return qs


def customer_search(*, user, query: str = "", kind: str = "") -> QuerySet[Customer]:
    qs = customer_queryset_for_user(user).select_related("point_of_sale")
    if kind:
        qs = qs.filter(kind=kind)
    qs = customers_matching(qs, query)
    return qs.order_by("last_name", "company_name", "first_name", "pk")


def customer_scope(*, user, point_of_sale=None) -> QuerySet[Customer]:
    """Where a write on behalf of ``user`` may look for an existing customer (ORG-2): the
    customers the user may open; without a user (a job, an intake), the point of sale's."""
    if user is not None:
        return customer_queryset_for_user(user)
    return Customer.objects.filter(point_of_sale=point_of_sale)


def customer_duplicates(
    *, within: QuerySet[Customer], email: str = "", mobile: str = "", exclude_pk=None
):
    """Customers of ``within`` (``customer_scope``: never a customer the user may not
    open, ORG-2) with the same email (ignoring case) or the same mobile (digits only)."""
    condition = Q()
    if email:
        condition |= Q(email__iexact=email.strip())
    digits = "".join(c for c in mobile or "" if c.isdigit())
    if len(digits) >= 6:
        condition |= Q(mobile=mobile.strip()) | Q(search_text__contains=digits)
    if not condition:
        return Customer.objects.none()
    qs = within.filter(condition)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk")[:5]
