"""The lifeline (V-2): ordered statuses per destination and the moves it allows.

Rules (docs/decisions.md): a vehicle moves forward to any later status up to the
next standard one (custom statuses may be skipped, standard ones may not), or back
one step (with a reason). *Sortie* is final.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import STANDARD_POSITIONS, LifelineStatus, StandardStatus, Vehicle


@dataclass(frozen=True)
class Move:
    status: LifelineStatus
    backward: bool


def lifeline_for(destination: str) -> list[LifelineStatus]:
    return list(
        LifelineStatus.objects.filter(is_active=True, destination__in=["", destination]).order_by(
            "position"
        )
    )


def status_labels() -> dict[str, str]:
    return dict(LifelineStatus.objects.values_list("code", "label"))


def allowed_moves(vehicle: Vehicle, line: list[LifelineStatus] | None = None) -> list[Move]:
    line = line if line is not None else lifeline_for(vehicle.destination)
    codes = [s.code for s in line]
    if vehicle.status not in codes or vehicle.status == StandardStatus.EXIT:
        return []
    index = codes.index(vehicle.status)
    moves = []
    for status in line[index + 1 :]:
        moves.append(Move(status, backward=False))
        if status.is_standard:
            break
    if index > 0:
        moves.append(Move(line[index - 1], backward=True))
    return moves


def move_error(vehicle: Vehicle, target_code: str) -> str | None:
    """Why the lifeline refuses moving ``vehicle`` to ``target_code`` (None: allowed)."""
    moves = allowed_moves(vehicle)
    if any(m.status.code == target_code for m in moves):
        return None
    if not moves:
        return _("Ce véhicule est sorti du stock : son statut ne change plus.")
    return _("La ligne de vie n'autorise pas ce changement de statut.")


def sellable_status_codes() -> list[str]:
    """Statuses from stock de vente (included) up to livraison (excluded)."""
    low = STANDARD_POSITIONS[StandardStatus.SALES_STOCK]
    high = STANDARD_POSITIONS[StandardStatus.DELIVERY]
    return list(
        LifelineStatus.objects.filter(position__gte=low, position__lt=high).values_list(
            "code", flat=True
        )
    )


def before_delivery_status_codes() -> list[str]:
    """Statuses before livraison, custom ones included (delay alerts, V-9)."""
    high = STANDARD_POSITIONS[StandardStatus.DELIVERY]
    return list(LifelineStatus.objects.filter(position__lt=high).values_list("code", flat=True))
