"""Reads of promotional operations (S-3)."""

from datetime import date

from django.db.models import Q, QuerySet

from signatures.promotions.models import PromotionalOperation
from signatures.promotions.rules import OperationEnd


def promotion_list() -> QuerySet[PromotionalOperation]:
    return PromotionalOperation.objects.all()


def promotions_running_for_vehicle(*, vehicle, on: date) -> QuerySet[PromotionalOperation]:
    """The active operations running on ``on`` that apply to ``vehicle``: listed
    explicitly, or matching its brand and parc (an empty criterion matches all; an
    operation with vehicles listed applies to those only)."""
    running = PromotionalOperation.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), active=True, starts_on__lte=on
    )
    listed = Q(vehicles=vehicle)
    by_criteria = (
        Q(vehicles__isnull=True)
        & (Q(brand="") | Q(brand__iexact=vehicle.brand or ""))
        & (Q(parc="") | Q(parc=vehicle.parc or ""))
    )
    return running.filter(listed | by_criteria).distinct()


def promotion_ends_for_vehicle(*, vehicle, on: date) -> list[OperationEnd]:
    return [
        OperationEnd(ends_on=ends_on, cumulative=cumulative)
        for ends_on, cumulative in promotions_running_for_vehicle(
            vehicle=vehicle, on=on
        ).values_list("ends_on", "cumulative")
    ]
