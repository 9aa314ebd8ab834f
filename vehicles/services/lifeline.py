"""The lifeline (V-2, V-3): moving a vehicle, and the statuses and maximum stays themselves."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import lifeline, signals
from ..models import (
    STANDARD_POSITIONS,
    LifelineStatus,
    StandardStatus,
    StatusMaxStay,
    Vehicle,
    VehicleEvent,
)
from .base import VEHICLE_CONFIGURATION, check_reason, lock
from .events import vehicle_event_record
from .publication import vehicle_publication_refresh


def _move(*, vehicle: Vehicle, to: str, by, reason: str, data: dict) -> Vehicle:
    """Transition, save, record the move in the history, tell the listeners, republish."""
    previous, now = vehicle.status, timezone.now()
    vehicle.move_to(to)
    vehicle.status_changed_at = now
    # A snooze and its reason belong to the stay in the previous status (V-9).
    vehicle.delay_snoozed_until, vehicle.delay_reason = None, ""
    vehicle.save(
        update_fields=[
            "status",
            "status_changed_at",
            "delay_snoozed_until",
            "delay_reason",
            "updated_at",
        ]
    )
    labels = lifeline.status_labels()
    message = _("Statut : %(old)s → %(new)s") % {
        "old": labels.get(previous, previous),
        "new": labels.get(to, to),
    }
    if reason:
        message += " — " + reason
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.STATUS,
        by=by,
        message=message,
        data={"from": previous, "to": to, "reason": reason, **data},
        from_status=previous,
        to_status=to,
        at=now,
    )
    signals.status_changed.send(
        sender=Vehicle, vehicle=vehicle, from_status=previous, to_status=to, by=by
    )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


@transaction.atomic
def vehicle_status_change(
    *, vehicle: Vehicle, to: str, by, reason: str = "", check_rights: bool = True
) -> Vehicle:
    """The one place where a vehicle changes status: checks, dates, attributes, records."""
    if check_rights and by is not None and not by.has_perm(VEHICLE_CONFIGURATION):
        raise PermissionDenied(_("Droit de modifier la configuration des véhicules requis."))
    reason = check_reason(reason)
    vehicle = lock(vehicle)
    error = lifeline.move_error(vehicle, to)
    if error:
        raise ValidationError({"to": error})
    moves = {m.status.code: m for m in lifeline.allowed_moves(vehicle)}
    if moves[to].backward and not reason:
        raise ValidationError({"reason": _("Indiquez le motif d'un retour au statut précédent.")})
    return _move(vehicle=vehicle, to=to, by=by, reason=reason, data={})


@transaction.atomic
def vehicle_status_follow_sale(*, vehicle: Vehicle, to: str, by, reason: str) -> Vehicle | None:
    """Move the vehicle where its sale puts it (an order validated → livraison, delivered →
    sortie, cancelled → back to stock de vente), whatever standard statuses lie between.

    The sale decides, not the lifeline neighbourhood: an order on a vehicle still in
    pré-entrée moves it to livraison at once. Nothing happens when the vehicle is already
    there, or already further for a forward move. *Sortie* stays final: a sale given up
    leaves an exited vehicle where it is, and a sale that needs it in livraison or beyond
    is refused (``ValidationError``; the sale side calls this inside its own transaction,
    so its decision rolls back with it). Returns the vehicle when it moved.
    """
    vehicle = lock(vehicle)
    positions = dict(LifelineStatus.objects.values_list("code", "position"))
    if to not in positions:
        raise ValidationError({"to": _("Statut inconnu de la ligne de vie : %s.") % to})
    if vehicle.status == to:
        return None
    if vehicle.status == StandardStatus.EXIT:
        if positions[to] >= positions.get(StandardStatus.DELIVERY, positions[to]):
            raise ValidationError(
                {"to": _("Ce véhicule est sorti du stock : son statut ne change plus.")}
            )
        return None
    current = positions.get(vehicle.status, 0)
    backward = positions[to] < current
    if backward and vehicle.status != StandardStatus.DELIVERY:
        return None  # only a vehicle that the sale put in livraison goes back
    return _move(vehicle=vehicle, to=to, by=by, reason=reason, data={"sale": True})


@transaction.atomic
def lifeline_status_create(
    *, label: str, after: LifelineStatus, destination: str = ""
) -> LifelineStatus:
    """Insert a custom status right after ``after`` (before the next standard status)."""
    if after.code == StandardStatus.EXIT:
        raise ValidationError({"after": _("Aucun statut ne peut suivre la sortie.")})
    label = label.strip()
    if LifelineStatus.objects.filter(label__iexact=label).exists():
        raise ValidationError({"label": _("Un statut porte déjà ce libellé.")})
    following = (
        LifelineStatus.objects.select_for_update()
        .filter(position__gt=after.position)
        .order_by("position")
        .first()
    )
    upper = following.position if following else after.position + 1000
    if upper - after.position < 2:
        raise ValidationError({"after": _("Plus de place à cet endroit de la ligne de vie.")})
    position = (after.position + upper) // 2
    base = "custom-" + (slugify(label)[:50] or "statut")
    code, n = base, 1
    while LifelineStatus.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return LifelineStatus.objects.create(
        code=code, label=label, position=position, is_standard=False, destination=destination
    )


@transaction.atomic
def lifeline_status_update(
    *, status: LifelineStatus, label: str, is_active: bool
) -> LifelineStatus:
    if status.is_standard and not is_active:
        raise ValidationError({"is_active": _("Un statut standard ne peut pas être désactivé.")})
    if not is_active and Vehicle.objects.filter(status=status.code).exists():
        raise ValidationError(
            {"is_active": _("Des véhicules sont dans ce statut : déplacez-les d'abord.")}
        )
    status.label, status.is_active = label.strip(), is_active
    status.save(update_fields=["label", "is_active"])
    return status


@transaction.atomic
def lifeline_status_move(*, status: LifelineStatus, up: bool) -> None:
    """Swap a custom status with its custom neighbour (never across a standard status)."""
    if status.is_standard:
        raise ValidationError(_("Les statuts standard gardent leur place."))
    qs = LifelineStatus.objects.select_for_update()
    neighbour = (
        qs.filter(position__lt=status.position).order_by("-position").first()
        if up
        else qs.filter(position__gt=status.position).order_by("position").first()
    )
    if neighbour is None or neighbour.is_standard:
        raise ValidationError(_("Ce statut est déjà à la limite de son étape."))
    a, b = status.position, neighbour.position
    status.position = 0
    status.save(update_fields=["position"])
    neighbour.position = a
    neighbour.save(update_fields=["position"])
    status.position = b
    status.save(update_fields=["position"])


@transaction.atomic
def max_stays_save(*, values: dict[tuple[int, str, str], int | None]) -> None:
    """Set the maximum stays (status id, parc, destination) → days; None removes it."""
    for (status_id, parc, destination), days in values.items():
        if days is None:
            StatusMaxStay.objects.filter(
                status_id=status_id, parc=parc, destination=destination
            ).delete()
        else:
            StatusMaxStay.objects.update_or_create(
                status_id=status_id,
                parc=parc,
                destination=destination,
                defaults={"max_days": days},
            )


def standard_statuses_ensure() -> None:
    """Create the five standard statuses (migration and demo data)."""
    for code, position in STANDARD_POSITIONS.items():
        LifelineStatus.objects.get_or_create(
            code=code,
            defaults={
                "label": StandardStatus(code).label,
                "position": position,
                "is_standard": True,
            },
        )
