"""What every service of the stock shares: the row lock, the reason rule, rights, money."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from openflex.core.inputs import REASON_MAX_LENGTH, reason_clean  # noqa: F401

from ..models import Vehicle

VEHICLE_CONFIGURATION = "accounts.change_vehicle_configuration"


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
    """The reason rule shared with the sale side (length, NUL byte): ``reason_clean``."""
    return reason_clean(reason)


def check_configuration_right(by) -> None:
    if not by.has_perm(VEHICLE_CONFIGURATION):
        raise PermissionDenied(_("Droit de modifier la configuration des véhicules requis."))


def money(value) -> str:
    from openflex.core.templatetags.openflex import format_money

    return format_money(value) if value is not None else "—"


def as_str(value) -> str | None:
    return None if value is None else str(value)
