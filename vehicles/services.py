"""Every write on the stock. Each service locks, checks, transitions, saves and records."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openflex.accounts.models import PointOfSale, UserGroupType
from openflex.accounts.selectors import user_has_type, user_is_platform_admin
from openflex.notifications.services import notification_create

from . import lifeline, signals
from .models import (
    STANDARD_POSITIONS,
    Auction,
    DelayNotice,
    LifelineStatus,
    OwnershipTransfer,
    PriceChange,
    PriceOrigin,
    ReservationKind,
    StandardStatus,
    StatusMaxStay,
    Vehicle,
    VehicleEvent,
    VehicleOption,
    VehicleStatusChange,
)

VEHICLE_CONFIGURATION = "accounts.change_vehicle_configuration"
REASON_MAX_LENGTH = 500
PRICE_FIELDS = {
    "selling_price": PriceOrigin.MANUAL,
    "catalogue_price": PriceOrigin.CATALOGUE,
    "discount": PriceOrigin.DISCOUNT,
    "staff_price": PriceOrigin.STAFF,
}


def vehicle_event_record(
    *, vehicle: Vehicle, kind: str, message: str, by=None, data: dict[str, Any] | None = None
) -> VehicleEvent:
    """Append one line to the vehicle history (V-3)."""
    return VehicleEvent.objects.create(
        vehicle=vehicle, kind=kind, message=message[:500], by=by, data=data or {}
    )


def _lock(vehicle: Vehicle) -> Vehicle:
    return Vehicle.objects.select_for_update().get(pk=vehicle.pk)


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Le motif ne peut pas dépasser %(n)s caractères.")
                % {"n": REASON_MAX_LENGTH}
            }
        )
    return reason


# --- Creation ----------------------------------------------------------------------


@transaction.atomic
def vehicle_create(*, by, **fields) -> Vehicle:
    vehicle = Vehicle(**fields)
    if vehicle.physical_site_id and vehicle.point_of_sale_id is None:
        vehicle.point_of_sale_id = vehicle.physical_site.point_of_sale_id
    vehicle.full_clean(exclude=["status"])  # protected FSM field: set by transitions only
    vehicle.save()
    VehicleStatusChange.objects.create(vehicle=vehicle, to_status=vehicle.status, by=by)
    vehicle_event_record(
        vehicle=vehicle, kind=VehicleEvent.Kind.CREATED, by=by, message=_("Véhicule créé")
    )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


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
]


@transaction.atomic
def vehicle_update(*, vehicle: Vehicle, by, **fields) -> Vehicle:
    """Change identity fields (not status, prices, owner: they have their own services)."""
    vehicle = _lock(vehicle)
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


# --- Lifeline (V-2, V-3) -------------------------------------------------------------


@transaction.atomic
def vehicle_status_change(
    *, vehicle: Vehicle, to: str, by, reason: str = "", check_rights: bool = True
) -> Vehicle:
    """The one place where a vehicle changes status: checks, dates, attributes, records."""
    if check_rights and by is not None and not by.has_perm(VEHICLE_CONFIGURATION):
        raise PermissionDenied(_("Droit de modifier la configuration des véhicules requis."))
    reason = _check_reason(reason)
    vehicle = _lock(vehicle)
    error = lifeline.move_error(vehicle, to)
    if error:
        raise ValidationError({"to": error})
    moves = {m.status.code: m for m in lifeline.allowed_moves(vehicle)}
    if moves[to].backward and not reason:
        raise ValidationError({"reason": _("Indiquez le motif d'un retour au statut précédent.")})
    previous = vehicle.status
    now = timezone.now()
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
    VehicleStatusChange.objects.create(
        vehicle=vehicle, from_status=previous, to_status=to, at=now, by=by, reason=reason
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
        data={"from": previous, "to": to, "reason": reason},
    )
    signals.status_changed.send(
        sender=Vehicle, vehicle=vehicle, from_status=previous, to_status=to, by=by
    )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


@transaction.atomic
def vehicle_status_follow_sale(*, vehicle: Vehicle, to: str, by, reason: str) -> Vehicle | None:
    """Move the vehicle where its sale puts it (an order validated → livraison, delivered →
    sortie, cancelled → back to stock de vente), whatever standard statuses lie between.

    The sale decides, not the lifeline neighbourhood: an order on a vehicle still in
    pré-entrée moves it to livraison at once. Nothing happens when the vehicle is already
    there, or already further for a forward move; *Sortie* stays final. Returns the
    vehicle when it moved.
    """
    vehicle = _lock(vehicle)
    positions = dict(LifelineStatus.objects.values_list("code", "position"))
    if to not in positions or vehicle.status == to or vehicle.status == StandardStatus.EXIT:
        return None
    current = positions.get(vehicle.status, 0)
    backward = positions[to] < current
    if backward and vehicle.status != StandardStatus.DELIVERY:
        return None  # only a vehicle that the sale put in livraison goes back
    previous, now = vehicle.status, timezone.now()
    vehicle.move_to(to)
    vehicle.status_changed_at = now
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
    VehicleStatusChange.objects.create(
        vehicle=vehicle, from_status=previous, to_status=to, at=now, by=by, reason=reason
    )
    labels = lifeline.status_labels()
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.STATUS,
        by=by,
        message=_("Statut : %(old)s → %(new)s")
        % {
            "old": labels.get(previous, previous),
            "new": labels.get(to, to),
        }
        + " — "
        + reason,
        data={"from": previous, "to": to, "reason": reason, "sale": True},
    )
    signals.status_changed.send(
        sender=Vehicle, vehicle=vehicle, from_status=previous, to_status=to, by=by
    )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


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


# --- Prices (V-7, V-8) ---------------------------------------------------------------


def user_can_validate_prices(user) -> bool:
    return user_is_platform_admin(user) or user_has_type(
        user, UserGroupType.DIRECTOR, UserGroupType.SALES_MANAGER
    )


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
    vehicle = _lock(vehicle)
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
    elif by is not None and user_can_validate_prices(by):
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
                "old": _money(change.old_value),
                "new": _money(change.new_value),
                "origin": change.get_origin_display(),
                "status": change.get_status_display(),
            },
            data={
                "field": change.field,
                "old": _str(change.old_value),
                "new": _str(change.new_value),
            },
        )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return changes


def _money(value) -> str:
    from openflex.core.templatetags.openflex import format_money

    return format_money(value) if value is not None else "—"


def _str(value) -> str | None:
    return None if value is None else str(value)


def _check_price_decider(by) -> None:
    if not user_can_validate_prices(by):
        raise PermissionDenied(_("Seul un responsable valide les mises à jour de prix."))


@transaction.atomic
def price_change_validate(*, change: PriceChange, by) -> PriceChange:
    _check_price_decider(by)
    change = PriceChange.objects.select_for_update().get(pk=change.pk)
    change.validate()
    change.decided_by, change.decided_at = by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    vehicle_event_record(
        vehicle=change.vehicle,
        kind=VehicleEvent.Kind.PRICE_DECISION,
        by=by,
        message=_("Mise à jour validée : %(field)s %(new)s")
        % {"field": change.get_field_display(), "new": _money(change.new_value)},
    )
    return change


@transaction.atomic
def price_change_refuse(*, change: PriceChange, by, reason: str = "") -> PriceChange:
    """Refuse a price update; the previous price comes back if it is still the current one."""
    _check_price_decider(by)
    reason = _check_reason(reason)
    change = PriceChange.objects.select_for_update().get(pk=change.pk)
    change.refuse()
    change.decided_by, change.decided_at, change.decision_reason = by, timezone.now(), reason
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    vehicle = _lock(change.vehicle)
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
            "new": _money(change.new_value),
            "restored": (_(" ; prix précédent rétabli (%s)") % _money(change.old_value))
            if restored
            else "",
            "reason": f" — {reason}" if reason else "",
        },
    )
    if restored:
        vehicle_publication_refresh(vehicle=vehicle, by=by)
    return change


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
        % {"label": option.label, "price": _money(option.price)},
    )
    return option


# --- Publication (V-12) ----------------------------------------------------------------


def publication_criteria(vehicle: Vehicle, sellable_codes: list[str] | None = None):
    """Each eligibility criterion and whether the vehicle meets it."""
    sellable = sellable_codes if sellable_codes is not None else lifeline.sellable_status_codes()
    return [
        (_("Publication demandée"), vehicle.publication_requested),
        (_("En stock de vente"), vehicle.status in sellable),
        (_("Prix de vente renseigné"), bool(vehicle.selling_price and vehicle.selling_price > 0)),
        (
            _("Non réservé sans limite de durée"),
            vehicle.reservation_kind != ReservationKind.UNLIMITED,
        ),
    ]


def vehicle_publication_refresh(*, vehicle: Vehicle, by=None) -> bool:
    """Recompute is_published from the criteria; record the change in the history."""
    published = all(ok for _label, ok in publication_criteria(vehicle))
    if published != vehicle.is_published:
        vehicle.is_published = published
        Vehicle.objects.filter(pk=vehicle.pk).update(is_published=published)
        failing = [str(label) for label, ok in publication_criteria(vehicle) if not ok]
        vehicle_event_record(
            vehicle=vehicle,
            kind=VehicleEvent.Kind.PUBLICATION,
            by=by,
            message=_("Publié sur les sites d'annonces")
            if published
            else _("Dépublié des sites d'annonces (%s)") % ", ".join(failing),
        )
    return published


@transaction.atomic
def vehicle_publication_request(*, vehicle: Vehicle, by, requested: bool) -> Vehicle:
    vehicle = _lock(vehicle)
    if vehicle.publication_requested != requested:
        vehicle.publication_requested = requested
        vehicle.save(update_fields=["publication_requested", "updated_at"])
        vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


@transaction.atomic
def vehicle_reservation_set(
    *, vehicle: Vehicle, kind: str, ends_at=None, by=None, message: str = "", data=None
) -> Vehicle:
    """Record the reservation state shown in lists and exports (V-11, P-8)."""
    vehicle = _lock(vehicle)
    vehicle.reservation_kind, vehicle.reservation_ends_at = kind, ends_at
    vehicle.save(update_fields=["reservation_kind", "reservation_ends_at", "updated_at"])
    if message:
        vehicle_event_record(
            vehicle=vehicle,
            kind=VehicleEvent.Kind.RESERVATION,
            by=by,
            message=message,
            data=data or {},
        )
    vehicle_publication_refresh(vehicle=vehicle, by=by)
    return vehicle


def vehicle_monthly_payment_set(*, vehicle: Vehicle, amount) -> None:
    """The monthly payment shown in the stock list (V-13), set by the financing module."""
    Vehicle.objects.filter(pk=vehicle.pk).exclude(monthly_payment=amount).update(
        monthly_payment=amount
    )


# --- Ownership transfers (V-14) ----------------------------------------------------------


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
    reason = _check_reason(reason)
    vehicle = _lock(vehicle)
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
    reason = _check_reason(reason)
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
    vehicle = _lock(transfer.vehicle)
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


# --- Auctions (V-15) ---------------------------------------------------------------------


def _check_configuration_right(by) -> None:
    if not by.has_perm(VEHICLE_CONFIGURATION):
        raise PermissionDenied(_("Droit de modifier la configuration des véhicules requis."))


@transaction.atomic
def auction_create(*, vehicle: Vehicle, by, starts_at, ends_at, reserve_price=None) -> Auction:
    _check_configuration_right(by)
    vehicle = _lock(vehicle)
    if vehicle.status == StandardStatus.EXIT:
        raise ValidationError(_("Ce véhicule est sorti du stock."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin doit suivre le début de l'enchère.")})
    if reserve_price is not None and reserve_price < 0:
        raise ValidationError({"reserve_price": _("Le prix ne peut pas être négatif.")})
    try:
        with transaction.atomic():
            auction = Auction.objects.create(
                vehicle=vehicle,
                starts_at=starts_at,
                ends_at=ends_at,
                reserve_price=reserve_price,
                created_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Une enchère est déjà planifiée ou en cours.")) from exc
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.AUCTION,
        by=by,
        message=_("Enchère planifiée du %(start)s au %(end)s")
        % {
            "start": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"),
            "end": timezone.localtime(ends_at).strftime("%d/%m/%Y %H:%M"),
        },
    )
    return auction


@transaction.atomic
def auction_start(*, auction: Auction, by) -> Auction:
    _check_configuration_right(by)
    auction = Auction.objects.select_for_update().get(pk=auction.pk)
    auction.start()
    auction.save(update_fields=["status"])
    vehicle_event_record(
        vehicle=auction.vehicle, kind=VehicleEvent.Kind.AUCTION, by=by, message=_("Enchère ouverte")
    )
    return auction


@transaction.atomic
def auction_close(
    *, auction: Auction, by, won: bool, winning_bid=None, winner: str = ""
) -> Auction:
    _check_configuration_right(by)
    auction = Auction.objects.select_for_update().get(pk=auction.pk)
    if won:
        if winning_bid is None or winning_bid <= 0 or not winner.strip():
            raise ValidationError({"winning_bid": _("Indiquez l'enchère gagnante et l'acquéreur.")})
        auction.win()
        auction.winning_bid, auction.winner = winning_bid, winner.strip()
    else:
        auction.lose()
    auction.save(update_fields=["status", "winning_bid", "winner"])
    vehicle_event_record(
        vehicle=auction.vehicle,
        kind=VehicleEvent.Kind.AUCTION,
        by=by,
        message=(
            _("Enchère gagnée par %(who)s : %(bid)s")
            % {"who": auction.winner, "bid": _money(auction.winning_bid)}
        )
        if won
        else _("Enchère perdue"),
    )
    return auction


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


# --- Status delay alerts (V-9) ------------------------------------------------------------


@transaction.atomic
def vehicle_delay_snooze(*, vehicle: Vehicle, by, until, reason: str = "") -> Vehicle:
    """Switch the vehicle's delay alert off until ``until`` (a future date), with a reason."""
    _check_configuration_right(by)
    reason = _check_reason(reason)
    if until is None or until <= timezone.localdate():
        raise ValidationError({"until": _("Choisissez une date future.")})
    vehicle = _lock(vehicle)
    vehicle.delay_snoozed_until, vehicle.delay_reason = until, reason
    vehicle.save(update_fields=["delay_snoozed_until", "delay_reason", "updated_at"])
    DelayNotice.objects.filter(vehicle=vehicle).delete()  # late again after it: notify again
    message = _("Alerte de retard coupée jusqu'au %s") % until.strftime("%d/%m/%Y")
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.ALERT,
        by=by,
        message=message + (f" — {reason}" if reason else ""),
        data={"until": until.isoformat(), "reason": reason},
    )
    return vehicle


@transaction.atomic
def vehicle_delay_alerts_set(*, vehicle: Vehicle, by, off: bool) -> Vehicle:
    """The vehicle page's checkbox "Ne plus être alerté du retard de ce véhicule"."""
    _check_configuration_right(by)
    vehicle = _lock(vehicle)
    if vehicle.delay_alerts_off != off:
        vehicle.delay_alerts_off = off
        vehicle.save(update_fields=["delay_alerts_off", "updated_at"])
        vehicle_event_record(
            vehicle=vehicle,
            kind=VehicleEvent.Kind.ALERT,
            by=by,
            message=_("Alertes de retard désactivées pour ce véhicule")
            if off
            else _("Alertes de retard réactivées pour ce véhicule"),
        )
    return vehicle


def vehicle_delay_next_status(*, vehicle: Vehicle, by, to: str, reason: str = "") -> Vehicle:
    """ "Gérer le statut": declare the next status; the reason of the delay goes with it."""
    moves = {m.status.code: m for m in lifeline.allowed_moves(vehicle)}
    if to in moves and moves[to].backward:
        raise ValidationError({"to": _("Choisissez un statut suivant.")})
    return vehicle_status_change(vehicle=vehicle, to=to, by=by, reason=reason)


DIGEST_MAX_ROWS = 100


def delay_scan(*, now=None) -> dict[str, int]:
    """Notify the fleet managers of the vehicles that became late since the last run.

    One in-app notification and one digest email per person. Set-based: newly late
    vehicles (late, without a notice for their current status stay) are read in one
    query and their notices written in bulk, under the job's lock, so that a second
    run, or a second worker at the same time, sends nothing twice.
    """
    from django.db.models import Exists, OuterRef, Q
    from django.urls import reverse

    from openflex.accounts.models import User
    from openflex.core.jobs import job_lock
    from openflex.notifications.services import email_send

    from . import delays

    now = now or timezone.now()
    with job_lock("vehicles-delay-scan") as acquired:
        if not acquired:
            return {"vehicles": 0, "recipients": 0}
        rules = delays.delay_rules()
        if not rules:
            return {"vehicles": 0, "recipients": 0}
        notified = DelayNotice.objects.filter(
            vehicle=OuterRef("pk"), status_changed_at=OuterRef("status_changed_at")
        )
        newly_late = Vehicle.objects.filter(delays.late_condition(rules, now)).exclude(
            Exists(notified)
        )
        claimed = list(
            newly_late.order_by("status_changed_at").values_list(
                "number",
                "point_of_sale_id",
                "brand",
                "model",
                "registration",
                "status",
                "status_changed_at",
            )
        )
        if not claimed:
            return {"vehicles": 0, "recipients": 0}
        _delay_notices_write(newly_late, now)

        by_pos: dict[int, list[tuple]] = {}
        for row in claimed:
            by_pos.setdefault(row[1], []).append(row)
        managers = (
            User.objects.filter(is_active=True, points_of_sale__in=list(by_pos))
            .filter(
                Q(user_permissions__codename="change_vehicle_configuration")
                | Q(groups__permissions__codename="change_vehicle_configuration")
            )
            .values_list("pk", "email", "first_name", "points_of_sale")
            .distinct()
        )
        per_user: dict[int, dict] = {}
        for pk, email, first_name, pos_id in managers:
            entry = per_user.setdefault(pk, {"email": email, "first_name": first_name, "rows": {}})
            for row in by_pos.get(pos_id, []):
                entry["rows"][row[0]] = row
        labels = lifeline.status_labels()
        url = reverse("vehicles:late_list")
        notifications = []
        for pk, entry in per_user.items():
            rows = sorted(entry["rows"].values(), key=lambda r: r[6])
            count = len(rows)
            title = _("%(n)s véhicule(s) en retard dans leur statut") % {"n": count}
            notifications.append((pk, title))
            email_send(
                to=entry["email"],
                kind="late_vehicles_digest",
                template="vehicles/late_digest",
                subject=title,
                context={
                    "first_name": entry["first_name"],
                    "count": count,
                    "vehicles": [
                        {
                            "number": r[0],
                            "name": f"{r[2]} {r[3]}",
                            "registration": r[4],
                            "status": labels.get(r[5], r[5]),
                            "since": r[6],
                        }
                        for r in rows[:DIGEST_MAX_ROWS]
                    ],
                    "more": max(0, count - DIGEST_MAX_ROWS),
                    "url": url,
                },
            )
        _notify_bulk(notifications, url)
    return {"vehicles": len(claimed), "recipients": len(per_user)}


def _delay_notices_write(newly_late, now) -> None:
    """One INSERT … SELECT (upsert) of the notices, whatever the number of vehicles."""
    from django.db import connection

    select_sql, params = (
        newly_late.order_by().values("number", "status_changed_at").query.sql_with_params()
    )
    table = connection.ops.quote_name(DelayNotice._meta.db_table)
    # "WHERE 1 = 1" lets SQLite parse an upsert whose source is a SELECT.
    sql = (
        f"INSERT INTO {table} (vehicle_id, status_changed_at, notified_at) "  # noqa: S608 — compiled by the ORM, values bound
        f"SELECT newly_late.number, newly_late.status_changed_at, %s "
        f"FROM ({select_sql}) AS newly_late WHERE 1 = 1 "
        "ON CONFLICT (vehicle_id) DO UPDATE SET "
        "status_changed_at = excluded.status_changed_at, notified_at = excluded.notified_at"
    )
    now_param = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [now_param, *params])


def _notify_bulk(notifications: list[tuple[int, str]], url: str) -> None:
    from openflex.notifications.models import Notification

    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind="late_vehicles", title=title, url=url)
            for pk, title in notifications
        ]
    )


# --- The stock list's saved searches (V-5) and columns (V-4) --------------------------------


@transaction.atomic
def saved_search_create(*, user, name: str, query: str, is_default: bool = False):
    """Save the list's query under a name; a new default replaces the previous one."""
    from .models import SavedSearch

    name = name.strip()
    if SavedSearch.objects.filter(user=user, name=name).exists():
        raise ValidationError({"name": _("Vous avez déjà une recherche de ce nom.")})
    if is_default:
        SavedSearch.objects.filter(user=user, is_default=True).update(is_default=False)
    return SavedSearch.objects.create(user=user, name=name, query=query, is_default=is_default)


@transaction.atomic
def saved_search_set_default(*, saved, default: bool) -> None:
    from .models import SavedSearch

    if default:
        SavedSearch.objects.filter(user_id=saved.user_id, is_default=True).update(is_default=False)
    SavedSearch.objects.filter(pk=saved.pk).update(is_default=default)


def saved_search_delete(*, saved) -> None:
    saved.delete()


def stock_columns_save(*, user, columns: list[str]) -> None:
    from .models import StockListPreference

    StockListPreference.objects.update_or_create(user=user, defaults={"columns": columns})
