"""Reads on the stock, scoped to what the user may see."""

from django.db.models import Q, QuerySet
from django.http import Http404

from openflex.accounts import rules
from openflex.accounts.selectors import points_of_sale_for_user, user_is_platform_admin

from .models import (
    LifelineStatus,
    OwnershipTransfer,
    Parc,
    PriceChange,
    Vehicle,
    VehicleEvent,
)


def vehicle_queryset_for_user(user) -> QuerySet[Vehicle]:
    """Vehicles of the user's points of sale; VN only with the VN right (ORG-3); none for a
    user in no user group. One loaded vehicle: ``rules.may_open_vehicle`` (same rule)."""
    if not rules.sees_stock(user):
        return Vehicle.objects.none()
    qs = Vehicle.objects.all()
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=points_of_sale_for_user(user).values("pk"))
    if not user.has_perm("accounts.access_vn"):
        qs = qs.exclude(parc=Parc.VN)
    return qs


def vehicle_get_for_user(*, user, number: int, lock: bool = False) -> Vehicle:
    qs = vehicle_queryset_for_user(user).select_related(
        "point_of_sale__entity", "point_of_sale__transfer_manager", "physical_site"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    vehicle = qs.filter(pk=number).first()
    if vehicle is None:
        raise Http404
    return vehicle


def lifeline_statuses() -> list[tuple[str, str, bool]]:
    """(code, label, is_active) of every lifeline status, in lifeline order (one query)."""
    return list(
        LifelineStatus.objects.order_by("position").values_list("code", "label", "is_active")
    )


def status_labels() -> dict[str, str]:
    return dict(LifelineStatus.objects.values_list("code", "label"))


def vehicle_status_changes(*, vehicle: Vehicle) -> QuerySet[VehicleEvent]:
    """The vehicle's moves along the lifeline, oldest first: the history lines that
    reached a status (``to_status``; ``from_status`` and ``reason`` beside it)."""
    return vehicle.events.exclude(to_status="").select_related("by").order_by("at", "pk")


def vehicle_events(*, vehicle: Vehicle) -> QuerySet[VehicleEvent]:
    return vehicle.events.select_related("by").order_by("-at", "-pk")


def vehicle_price_changes(*, vehicle: Vehicle) -> QuerySet[PriceChange]:
    return vehicle.price_changes.select_related("created_by", "decided_by")


def price_changes_for_user(*, user) -> QuerySet[PriceChange]:
    """The price updates the user decides (V-8): those of the vehicles he sees, at the
    points of sale where he may validate prices (``rules.can_validate_prices``)."""
    if not rules.can_validate_prices(user):
        return PriceChange.objects.none()
    return PriceChange.objects.filter(vehicle__in=vehicle_queryset_for_user(user).values("pk"))


def price_changes_to_validate(*, user) -> QuerySet[PriceChange]:
    """The list "Mises à jour de prix à valider" and its home tile's count (one query)."""
    return (
        price_changes_for_user(user=user)
        .filter(status=PriceChange.Status.TO_VALIDATE)
        .select_related("vehicle", "vehicle__point_of_sale", "created_by")
        .order_by("created_at", "pk")
    )


def transfers_for_user(*, user, status: str = "") -> QuerySet[OwnershipTransfer]:
    qs = OwnershipTransfer.objects.select_related(
        "vehicle",
        "from_point_of_sale__transfer_manager",
        "to_point_of_sale",
        "requested_by",
        "decided_by",
    )
    if not user_is_platform_admin(user):
        pos = points_of_sale_for_user(user).values("pk")
        qs = qs.filter(from_point_of_sale__in=pos) | qs.filter(to_point_of_sale__in=pos)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def transfers_to_decide(*, user) -> QuerySet[OwnershipTransfer]:
    """Pending transfers the user decides, by the rule of services.transfer_can_decide."""
    decides = Q(from_point_of_sale__transfer_manager=user)
    if user.has_perm("accounts.validate_transfers"):
        unmanaged = Q(from_point_of_sale__transfer_manager__isnull=True)
        if not user_is_platform_admin(user):
            unmanaged &= Q(from_point_of_sale__in=user.points_of_sale.values("pk"))
        decides |= unmanaged
    return OwnershipTransfer.objects.filter(decides, status=OwnershipTransfer.Status.TO_VALIDATE)


def transfers_to_decide_count(*, user) -> int:
    return transfers_to_decide(user=user).count()
