"""Ownership transfers between points of sale (V-14)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.accounts.models import PointOfSale
from openflex.accounts.selectors import user_is_platform_admin
from openflex.notifications.services import notification_create

from .. import signals
from ..models import OwnershipTransfer, StandardStatus, Vehicle, VehicleEvent
from .base import check_reason, lock
from .events import vehicle_event_record


def transfer_can_decide(user, transfer: OwnershipTransfer, *, user_pos_ids=None) -> bool:
    """The transfer manager of the vehicle's point of sale decides; without one, a holder
    of the transfer-validation right attached to that point of sale.

    ``user_pos_ids`` (the user's point-of-sale ids) spares a query per row in lists.
    """
    pos = transfer.from_point_of_sale
    if pos.transfer_manager_id is not None:
        return pos.transfer_manager_id == user.pk
    if not user.has_perm("accounts.validate_transfers"):
        return False
    if user_is_platform_admin(user):
        return True
    if user_pos_ids is None:
        user_pos_ids = set(user.points_of_sale.values_list("pk", flat=True))
    return pos.pk in user_pos_ids


@transaction.atomic
def transfer_request(
    *,
    vehicle: Vehicle,
    to_point_of_sale: PointOfSale,
    by,
    reason: str = "",
    automatic: bool = False,
    source: str = "",
) -> OwnershipTransfer:
    reason = check_reason(reason)
    vehicle = lock(vehicle)
    if vehicle.status == StandardStatus.EXIT:
        raise ValidationError(_("Ce véhicule est sorti du stock."))
    if to_point_of_sale.pk == vehicle.point_of_sale_id:
        raise ValidationError(
            {"to_point_of_sale": _("Le véhicule appartient déjà à ce point de vente.")}
        )
    if OwnershipTransfer.objects.filter(
        vehicle=vehicle, status=OwnershipTransfer.Status.TO_VALIDATE
    ).exists():
        raise ValidationError(_("Un transfert de ce véhicule attend déjà une validation."))
    transfer = OwnershipTransfer.objects.create(
        vehicle=vehicle,
        from_point_of_sale=vehicle.point_of_sale,
        to_point_of_sale=to_point_of_sale,
        requested_by=by,
        reason=reason,
        automatic=automatic,
        source=source,
    )
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.TRANSFER,
        by=by,
        message=_("Transfert de propriété demandé : %(src)s → %(dst)s%(auto)s")
        % {
            "src": vehicle.point_of_sale.name,
            "dst": to_point_of_sale.name,
            "auto": _(" (automatique)") if automatic else "",
        },
        data={"transfer": transfer.pk},
    )
    manager = vehicle.point_of_sale.transfer_manager
    if manager is not None:
        notification_create(
            recipient=manager,
            kind="transfer_to_validate",
            title=_("Transfert de propriété à valider : %s") % vehicle,
            url=f"/vehicules/transferts/?statut=a_valider#t{transfer.pk}",
        )
    return transfer


def _transfer_decide(*, transfer, by, approve: bool, reason: str) -> OwnershipTransfer:
    reason = check_reason(reason)
    transfer = (
        OwnershipTransfer.objects.select_for_update()
        .select_related("from_point_of_sale", "to_point_of_sale")
        .get(pk=transfer.pk)
    )
    if not transfer_can_decide(by, transfer):
        raise PermissionDenied(
            _("Seul le responsable des transferts du point de vente du véhicule décide.")
        )
    if not approve and not reason:
        raise ValidationError({"reason": _("Indiquez le motif du rejet.")})
    (transfer.approve if approve else transfer.reject)()
    transfer.decided_by, transfer.decided_at, transfer.reason = (
        by,
        timezone.now(),
        (reason or transfer.reason),
    )
    transfer.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    vehicle = lock(transfer.vehicle)
    if approve:
        vehicle.point_of_sale = transfer.to_point_of_sale
        vehicle.save(update_fields=["point_of_sale", "updated_at"])
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.TRANSFER,
        by=by,
        message=(
            _("Transfert validé : le véhicule appartient à %s") % transfer.to_point_of_sale.name
        )
        if approve
        else _("Transfert rejeté : %s") % reason,
        data={"transfer": transfer.pk},
    )
    if transfer.requested_by_id:
        notification_create(
            recipient=transfer.requested_by,
            kind="transfer_decided",
            title=(_("Transfert validé : %s") if approve else _("Transfert rejeté : %s")) % vehicle,
            url=f"/vehicules/{vehicle.pk}/",
        )
    signals.transfer_decided.send(sender=OwnershipTransfer, transfer=transfer, by=by)
    return transfer


@transaction.atomic
def transfer_approve(*, transfer: OwnershipTransfer, by) -> OwnershipTransfer:
    return _transfer_decide(transfer=transfer, by=by, approve=True, reason="")


@transaction.atomic
def transfer_reject(*, transfer: OwnershipTransfer, by, reason: str) -> OwnershipTransfer:
    return _transfer_decide(transfer=transfer, by=by, approve=False, reason=reason)
