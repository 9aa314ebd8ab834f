"""Publication on ad portals (V-12), and the stock-list state other modules keep (V-11, V-13)."""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import lifeline
from ..models import ReservationKind, Vehicle, VehicleEvent
from .base import lock
from .events import vehicle_event_record


def publication_criteria(vehicle: Vehicle, sellable_codes: list[str] | None = None):
    """Each eligibility criterion and whether the vehicle meets it."""
    sellable = sellable_codes if sellable_codes is not None else lifeline.sellable_status_codes()
    return [
        (_("Publication demandée"), vehicle.publication_requested),
        (_("En stock de vente"), vehicle.status in sellable),
        (_("Prix de vente renseigné"), bool(vehicle.selling_price and vehicle.selling_price > 0)),
        (
            _("Non réservé sans limite de durée"),
            vehicle.reservation_kind != ReservationKind.UNLIMITED,
        ),
    ]


def vehicle_publication_refresh(*, vehicle: Vehicle, by=None) -> bool:
    """Recompute is_published from the criteria; record the change in the history."""
    published = all(ok for _label, ok in publication_criteria(vehicle))
    if published != vehicle.is_published:
        vehicle.is_published = published
        Vehicle.objects.filter(pk=vehicle.pk).update(is_published=published)
        failing = [str(label) for label, ok in publication_criteria(vehicle) if not ok]
        vehicle_event_record(
            vehicle=vehicle,
            kind=VehicleEvent.Kind.PUBLICATION,
            by=by,
            message=_("Publié sur les sites d'annonces")
            if published
            else _("Dépublié des sites d'annonces (%s)") % ", ".join(failing),
        )
    return published


@transaction.atomic
def vehicle_publication_request(*, vehicle: Vehicle, by, requested: bool) -> Vehicle:
    vehicle = lock(vehicle)
    if vehicle.publication_requested != requested:
        vehicle.publication_requested = requested
        vehicle.save(update_fields=["publication_requested", "updated_at"])
        vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


@transaction.atomic
def vehicle_reservation_set(
    *, vehicle: Vehicle, kind: str, ends_at=None, by=None, message: str = "", data=None
) -> Vehicle:
    """Record the reservation state shown in lists and exports (V-11, P-8)."""
    vehicle = lock(vehicle)
    vehicle.reservation_kind, vehicle.reservation_ends_at = kind, ends_at
    vehicle.save(update_fields=["reservation_kind", "reservation_ends_at", "updated_at"])
    if message:
        vehicle_event_record(
            vehicle=vehicle,
            kind=VehicleEvent.Kind.RESERVATION,
            by=by,
            message=message,
            data=data or {},
        )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


def vehicle_monthly_payment_set(*, vehicle: Vehicle, amount) -> None:
    """The monthly payment shown in the stock list (V-13), set by the financing module."""
    Vehicle.objects.filter(pk=vehicle.pk).exclude(monthly_payment=amount).update(
        monthly_payment=amount
    )
