"""A vehicle's record (V-1): creation, identity changes, options."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Parc, VatRegime, Vehicle, VehicleEvent, VehicleOption
from .base import lock, money
from .events import vehicle_event_record
from .publication import vehicle_publication_refresh

IDENTITY_FIELDS = [
    "genre",
    "destination",
    "brand",
    "model",
    "version",
    "energy",
    "colour",
    "doors",
    "fiscal_power",
    "power_hp",
    "registration",
    "vin",
    "internal_number",
    "first_registration",
    "mileage",
    "empty_weight",
    "from_configurator",
    "physical_site",
    # VAT (issue 13): the regime of the sale and the purchase price (the margin).
    "vat_regime",
    "purchase_price",
]


def default_vat_regime(parc: str) -> str:
    """The regime of a vehicle entering the stock without one: VN and VD bear VAT on the
    whole price; a VO is taken as bought from a private person (margin scheme, the case
    of most used vehicles). A VO bought with VAT from a VAT-registered company is entered
    as normal (the trade-in service decides from the seller, the form lets the fleet
    manager choose)."""
    return VatRegime.MARGIN if parc == Parc.VO else VatRegime.NORMAL


@transaction.atomic
def vehicle_create(*, by, **fields) -> Vehicle:
    if not fields.get("vat_regime"):
        fields["vat_regime"] = default_vat_regime(fields.get("parc", ""))
    vehicle = Vehicle(**fields)
    if vehicle.physical_site_id and vehicle.point_of_sale_id is None:
        vehicle.point_of_sale_id = vehicle.physical_site.point_of_sale_id
    vehicle.full_clean(exclude=["status"])  # protected FSM field: set by transitions only
    vehicle.save()
    # The creation is also the vehicle reaching its first lifeline status.
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.CREATED,
        by=by,
        message=_("Véhicule créé"),
        to_status=vehicle.status,
    )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


@transaction.atomic
def vehicle_update(*, vehicle: Vehicle, by, **fields) -> Vehicle:
    """Change identity fields (not status, prices, owner: they have their own services)."""
    vehicle = lock(vehicle)
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"vehicle_update cannot change {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(vehicle, name) != value]
    if not changed:
        return vehicle
    for name in changed:
        setattr(vehicle, name, fields[name])
    vehicle.full_clean(exclude=["status"])  # protected FSM field: set by transitions only
    vehicle.save(update_fields=[*changed, "updated_at"])
    labels = ", ".join(str(Vehicle._meta.get_field(n).verbose_name) for n in changed)
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.UPDATE,
        by=by,
        message=_("Fiche modifiée : %s") % labels,
        data={"fields": changed},
    )
    return vehicle


@transaction.atomic
def vehicle_option_add(*, vehicle: Vehicle, by, label: str, price) -> VehicleOption:
    """Add an option. It does not restart the days-since-price-update counter (V-7)."""
    if Decimal(price) < 0:
        raise ValidationError({"price": _("Le prix ne peut pas être négatif.")})
    option = VehicleOption.objects.create(vehicle=vehicle, label=label.strip(), price=price)
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.OPTION,
        by=by,
        message=_("Option ajoutée : %(label)s (%(price)s)")
        % {"label": option.label, "price": money(option.price)},
    )
    return option
