"""Reads of e-payments: the user's scope (like the orders), an order's and a vehicle's
payments, a point of sale's configuration."""

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from openflex.accounts import rules
from openflex.accounts.selectors import user_is_platform_admin
from payments.transactions.models import Payment, PaymentConfiguration, PaymentEvent

LIST_RELATED = (
    "vehicle",
    "point_of_sale",
    "entity",
    "order",
    "salesperson",
    "customer",
)


def payment_queryset_for_user(user) -> QuerySet[Payment]:
    """Managers (sales managers, directors, secretaries) see the payments of their points
    of sale, a salesperson the ones they follow, platform administrators all; the rule of
    ``rights.payment_may_see``. Served by the ``payment_pos_status`` and
    ``payment_salesperson`` indexes."""
    if not rules.works_on_sales(user):
        return Payment.objects.none()
    qs = Payment.objects.select_related(*LIST_RELATED)
    if user_is_platform_admin(user):
        return qs
    if rules.is_manager(user):
        return qs.filter(point_of_sale__in=rules.user_point_of_sale_ids(user))
    return qs.filter(salesperson=user, point_of_sale__in=rules.user_point_of_sale_ids(user))


def _with_latest_attempt(qs: QuerySet[Payment]) -> QuerySet[Payment]:
    """``latest_attempt``: the highest attempt of the same document (P-6: only the
    latest attempt offers "Effectuer un nouveau paiement")."""
    latest = (
        Payment.objects.filter(
            kind=OuterRef("kind"),
            document_number=OuterRef("document_number"),
            point_of_sale=OuterRef("point_of_sale"),
        )
        .values("kind")
        .annotate(m=Max("attempt"))
        .values("m")
    )
    return qs.annotate(latest_attempt=Subquery(latest))


def payment_get_for_user(*, user, pk: int, lock: bool = False) -> Payment:
    qs = payment_queryset_for_user(user)
    qs = qs.select_for_update(of=("self",)) if lock else _with_latest_attempt(qs)
    payment = qs.filter(pk=pk).first()
    if payment is None:
        raise Http404
    return payment


def payments_for_order(order) -> list[Payment]:
    """The payments of an order and of the order it replaced (a modified order keeps the
    deposit paid on its previous version), newest first."""
    condition = Q(order_id=order.pk)
    if order.replaces_id:
        condition |= Q(order_id=order.replaces_id)
    return list(
        _with_latest_attempt(Payment.objects.filter(condition)).order_by("-created_at", "-pk")
    )


def payment_latest_for_order(order) -> Payment | None:
    payments = payments_for_order(order)
    return payments[0] if payments else None


def payment_latest_for_vehicle(vehicle) -> Payment | None:
    return (
        Payment.objects.filter(vehicle=vehicle)
        .select_related("order", "point_of_sale")
        .order_by("-created_at", "-pk")
        .first()
    )


def payment_configuration_for(point_of_sale_id: int | None) -> PaymentConfiguration | None:
    if point_of_sale_id is None:
        return None
    return PaymentConfiguration.objects.filter(point_of_sale_id=point_of_sale_id).first()


def payment_events(payment: Payment) -> list[PaymentEvent]:
    return list(payment.events.select_related("by").order_by("-at", "-pk"))


def payment_by_reference(reference: str) -> Payment | None:
    return (
        Payment.objects.select_related("point_of_sale__entity", "vehicle", "salesperson")
        .filter(reference=reference)
        .first()
    )
