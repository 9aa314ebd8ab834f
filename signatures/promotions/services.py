"""Writes of promotional operations (S-3; Paramètres, administrators)."""

from django.db import transaction

from signatures.promotions.models import PromotionalOperation

FIELDS = ("name", "starts_on", "ends_on", "cumulative", "brand", "parc", "active")


@transaction.atomic
def promotion_save(
    *, operation: PromotionalOperation | None = None, by, vehicle_numbers=(), **values
) -> PromotionalOperation:
    """Create (``operation`` None) or update an operation and its list of vehicles."""
    operation = operation or PromotionalOperation(created_by=by)
    for name in FIELDS:
        if name in values:
            setattr(operation, name, values[name])
    operation.brand = (operation.brand or "").strip()
    operation.save()
    operation.vehicles.set(list(vehicle_numbers))
    return operation
