"""Reads of the sales journey, scoped to what the user may see (404 otherwise)."""

from datetime import timedelta

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from openflex.accounts import rules
from openflex.accounts.selectors import user_is_platform_admin
from opportunities.customers.selectors import _pos_ids
from opportunities.sales.models import (
    Appointment,
    Offer,
    Opportunity,
    OpportunityEvent,
    Order,
    OrderEvent,
    SalesSettings,
)


def neglect_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=SalesSettings.current().neglect_days)


def opportunity_queryset_for_user(user) -> QuerySet[Opportunity]:
    """One loaded opportunity: ``rules.may_open_opportunity`` (same rule)."""
    if not rules.works_on_sales(user):
        return Opportunity.objects.none()
    qs = Opportunity.objects.all()
    if user_is_platform_admin(user):
        return qs
    if rules.is_manager(user):
        return qs.filter(point_of_sale__in=_pos_ids(user))
    return qs.filter(salesperson=user)


def with_neglect(qs: QuerySet[Opportunity], cutoff=None) -> QuerySet[Opportunity]:
    """Annotate ``neglected`` (en souffrance, O-1): open and older than the average time."""
    cutoff = cutoff or neglect_cutoff()
    return qs.annotate(
        neglected=Case(
            When(status=Opportunity.Status.OPEN, created_at__lt=cutoff, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def opportunity_get_for_user(*, user, pk: int, lock: bool = False) -> Opportunity:
    qs = opportunity_queryset_for_user(user).select_related(
        "customer__legal_representative", "salesperson", "point_of_sale__entity"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    opportunity = with_neglect(qs).filter(pk=pk).first()
    if opportunity is None:
        raise Http404
    return opportunity


def opportunity_list(*, user) -> QuerySet[Opportunity]:
    return with_neglect(
        opportunity_queryset_for_user(user).select_related(
            "customer", "salesperson", "point_of_sale"
        )
    )


def opportunity_events(*, opportunity) -> QuerySet[OpportunityEvent]:
    return opportunity.events.select_related("by").order_by("-at", "-pk")


def opportunity_offers(*, opportunity) -> QuerySet[Offer]:
    return opportunity.offers.select_related("vehicle", "created_by").order_by("-created_at", "-pk")


def opportunity_orders(*, opportunity) -> QuerySet[Order]:
    return opportunity.orders.select_related("vehicle").order_by("-created_at", "-pk")


def opportunity_appointments(*, opportunity) -> QuerySet[Appointment]:
    return opportunity.appointments.select_related("vehicle", "created_by").order_by("starts_at")


def opportunities_on_vehicle(*, user, vehicle) -> QuerySet[Opportunity]:
    """Opportunities with an offer, an order or a test drive on the vehicle (O-9)."""
    return (
        opportunity_queryset_for_user(user)
        .filter(
            Q(pk__in=Offer.objects.filter(vehicle=vehicle).values("opportunity_id"))
            | Q(
                pk__in=Appointment.objects.filter(
                    vehicle=vehicle, kind=Appointment.Kind.TEST_DRIVE
                ).values("opportunity_id")
            )
        )
        .select_related("customer", "salesperson")
        .annotate(
            has_test_drive=Exists(
                Appointment.objects.filter(
                    opportunity=OuterRef("pk"), vehicle=vehicle, kind=Appointment.Kind.TEST_DRIVE
                )
            )
        )
        .order_by("-created_at", "-pk")
    )


def offer_get_for_user(*, user, pk: int) -> Offer:
    offer = (
        Offer.objects.filter(opportunity__in=opportunity_queryset_for_user(user).values("pk"))
        .select_related(
            "opportunity__customer__legal_representative",
            "opportunity__salesperson",
            "opportunity__point_of_sale",
            "vehicle__point_of_sale",  # the owner, named when a transfer will be needed
            "pack",
        )
        .prefetch_related("orders")  # its live orders: the page and its buttons
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def order_queryset_for_user(user) -> QuerySet[Order]:
    """The same scope as the opportunities, by the order's own point of sale for managers
    (served by the ``order_pos_status`` index)."""
    if not rules.works_on_sales(user):
        return Order.objects.none()
    qs = Order.objects.all()
    if user_is_platform_admin(user):
        return qs
    if rules.is_manager(user):
        return qs.filter(point_of_sale__in=_pos_ids(user))
    return qs.filter(opportunity__salesperson=user)


def order_get_for_user(*, user, pk: int) -> Order:
    order = (
        order_queryset_for_user(user)
        .select_related(
            "opportunity__customer__legal_representative",
            "opportunity__salesperson",
            "point_of_sale__entity",
            "vehicle",
            "offer",
            "validated_by",
            "replaces",
        )
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404
    return order


def order_list(*, user) -> QuerySet[Order]:
    return order_queryset_for_user(user).select_related(
        "opportunity__customer", "opportunity__salesperson", "vehicle", "point_of_sale"
    )


def order_events(*, order) -> QuerySet[OrderEvent]:
    return order.events.select_related("by").order_by("-at", "-pk")


def orders_of_user_points_of_sale(*, user) -> QuerySet[Order]:
    """Orders of the user's points of sale waiting for someone with the validation right."""
    qs = Order.objects.all()
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=_pos_ids(user))
    return qs


def salespeople_for(point_of_sale_ids):
    from openflex.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            groups__usergroup__type__in=["vendeur", "chef-des-ventes", "directeur"],
            points_of_sale__in=list(point_of_sale_ids),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
