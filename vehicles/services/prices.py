"""Prices (V-7) and the validation of their updates (V-8)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.accounts import rules

from ..models import PriceChange, PriceOrigin, Vehicle, VehicleEvent
from .base import as_str, check_reason, lock, money
from .events import vehicle_event_record
from .publication import vehicle_publication_refresh

PRICE_FIELDS = {
    "selling_price": PriceOrigin.MANUAL,
    "catalogue_price": PriceOrigin.CATALOGUE,
    "discount": PriceOrigin.DISCOUNT,
    "staff_price": PriceOrigin.STAFF,
}


def user_can_validate_prices(user, point_of_sale_id: int | None = None) -> bool:
    return rules.can_validate_prices(user, point_of_sale_id)


@transaction.atomic
def vehicle_prices_update(
    *, vehicle: Vehicle, by, automatic: bool = False, needs_check: bool = False, **values
) -> list[PriceChange]:
    """Change prices; record each change with its origin and validation status.

    The days-since-price-update counter restarts on (V-7): an automatic update, a
    manual change of the selling price, a change of the catalogue price of a VN/VD, a
    discount on a VN/VD, a staff price update. Options never restart it
    (vehicle_option_add). An automatic update restarts it even when the algorithm
    confirms the same price.
    """
    unknown = set(values) - set(PRICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown price fields {sorted(unknown)}")
    vehicle = lock(vehicle)
    errors = {}
    for name, value in values.items():
        if value is not None and Decimal(value) < 0:
            errors[name] = _("Le prix ne peut pas être négatif.")
        if (
            name in ("catalogue_price", "discount")
            and value is not None
            and not vehicle.has_catalogue
        ):
            errors[name] = _("Prix catalogue et remise concernent les VN et VD.")
    if errors:
        raise ValidationError(errors)

    if automatic:
        status = PriceChange.Status.TO_VALIDATE if needs_check else PriceChange.Status.AUTOMATIC
    elif by is not None and user_can_validate_prices(by, vehicle.point_of_sale_id):
        status = PriceChange.Status.VALIDATED
    else:
        status = PriceChange.Status.TO_VALIDATE

    now = timezone.now()
    changes = []
    for name, value in values.items():
        old = getattr(vehicle, name)
        new = None if value is None else Decimal(value).quantize(Decimal("0.01"))
        if old == new and not automatic:
            continue
        changes.append(
            PriceChange(
                vehicle=vehicle,
                field=name,
                old_value=old,
                new_value=new,
                created_by=by,
                origin=PriceOrigin.AUTOMATIC if automatic else PRICE_FIELDS[name],
                status=status,
                created_at=now,
            )
        )
        setattr(vehicle, name, new)
    if not changes:
        return []
    PriceChange.objects.bulk_create(changes)
    vehicle.price_reset_at = now
    vehicle.save(update_fields=[*values.keys(), "price_reset_at", "updated_at"])
    for change in changes:
        vehicle_event_record(
            vehicle=vehicle,
            kind=VehicleEvent.Kind.PRICE,
            by=by,
            message=_("%(field)s : %(old)s → %(new)s (%(origin)s, %(status)s)")
            % {
                "field": change.get_field_display(),
                "old": money(change.old_value),
                "new": money(change.new_value),
                "origin": change.get_origin_display(),
                "status": change.get_status_display(),
            },
            data={
                "field": change.field,
                "old": as_str(change.old_value),
                "new": as_str(change.new_value),
            },
        )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return changes


def _check_price_decider(by, change: PriceChange) -> None:
    if not user_can_validate_prices(by, change.vehicle.point_of_sale_id):
        raise PermissionDenied(_("Seul un responsable valide les mises à jour de prix."))


@transaction.atomic
def price_change_validate(*, change: PriceChange, by) -> PriceChange:
    _check_price_decider(by, change)
    change = PriceChange.objects.select_for_update().get(pk=change.pk)
    change.validate()
    change.decided_by, change.decided_at = by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    vehicle_event_record(
        vehicle=change.vehicle,
        kind=VehicleEvent.Kind.PRICE_DECISION,
        by=by,
        message=_("Mise à jour validée : %(field)s %(new)s")
        % {"field": change.get_field_display(), "new": money(change.new_value)},
    )
    return change


@transaction.atomic
def price_change_refuse(*, change: PriceChange, by, reason: str = "") -> PriceChange:
    """Refuse a price update; the previous price comes back if it is still the current one."""
    _check_price_decider(by, change)
    reason = check_reason(reason)
    change = PriceChange.objects.select_for_update().get(pk=change.pk)
    change.refuse()
    change.decided_by, change.decided_at, change.decision_reason = by, timezone.now(), reason
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    vehicle = lock(change.vehicle)
    restored = getattr(vehicle, change.field) == change.new_value
    if restored:
        setattr(vehicle, change.field, change.old_value)
        vehicle.price_reset_at = timezone.now()
        vehicle.save(update_fields=[change.field, "price_reset_at", "updated_at"])
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.PRICE_DECISION,
        by=by,
        message=_("Mise à jour refusée : %(field)s %(new)s%(restored)s%(reason)s")
        % {
            "field": change.get_field_display(),
            "new": money(change.new_value),
            "restored": (_(" ; prix précédent rétabli (%s)") % money(change.old_value))
            if restored
            else "",
            "reason": f" — {reason}" if reason else "",
        },
    )
    if restored:
        vehicle_publication_refresh(vehicle=vehicle, by=by)
    return change
