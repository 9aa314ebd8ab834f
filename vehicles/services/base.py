"""What every service of the stock shares: the row lock, the reason rule, rights, money."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..models import Vehicle

VEHICLE_CONFIGURATION = "accounts.change_vehicle_configuration"
REASON_MAX_LENGTH = 500


def vehicle_get_locked(*, pk: int, skip_locked: bool = False) -> Vehicle | None:
    """The vehicle row, locked until the end of the transaction (``SELECT … FOR UPDATE``).

    The one way to lock a vehicle, for the stock's services and for the sale side. With
    ``skip_locked`` (periodic jobs), None when another transaction holds the row.
    """
    if skip_locked:
        return Vehicle.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
    return Vehicle.objects.select_for_update().get(pk=pk)


def lock(vehicle: Vehicle) -> Vehicle:
    return vehicle_get_locked(pk=vehicle.pk)


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Le motif ne peut pas dépasser %(n)s caractères.")
                % {"n": REASON_MAX_LENGTH}
            }
        )
    return reason


def check_configuration_right(by) -> None:
    if not by.has_perm(VEHICLE_CONFIGURATION):
        raise PermissionDenied(_("Droit de modifier la configuration des véhicules requis."))


def money(value) -> str:
    from openflex.core.templatetags.openflex import format_money

    return format_money(value) if value is not None else "—"


def as_str(value) -> str | None:
    return None if value is None else str(value)
