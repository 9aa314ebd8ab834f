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


def promotions_seed_demo() -> int:
    """Demo operations (idempotent): a spring VN operation on Peugeot ending in ten days
    (it shortens an order form's delay), and a cumulative one without end."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    made = 0
    for name, values in (
        (
            "Printemps Peugeot VN",
            {"brand": "Peugeot", "parc": "VN", "ends_on": today + timedelta(days=10)},
        ),
        ("Reprise +1 000 € (permanente)", {"cumulative": True}),
    ):
        _op, created = PromotionalOperation.objects.get_or_create(
            name=name, defaults={"starts_on": today - timedelta(days=5), **values}
        )
        made += created
    return made
