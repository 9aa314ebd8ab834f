"""Every write on offers (O-3, O-4, V-10)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from openflex.core.inputs import reason_clean
from opportunities.customers.models import Customer
from opportunities.products import packs
from opportunities.products.models import Product
from opportunities.reservations import services as reservations
from opportunities.sales import offer_panels, pricing
from opportunities.sales.models import (
    Appointment,
    Offer,
    OfferLine,
    Opportunity,
    Order,
)
from opportunities.sales.services.core import (
    ZERO,
    _check_open,
    _lock_offer,
    _lock_opportunity,
    _offer_cancel,
    _offer_recorded,
    _refused,
    offer_totals,
    opportunity_touch,
)
from opportunities.sales.services.opportunities import opportunity_create
from vehicles.models import StandardStatus, Vehicle
from vehicles.services import vehicle_get_locked


def offer_vehicle_refusal(*, vehicle: Vehicle, opportunity: Opportunity | None) -> str | None:
    """Why no offer may be made on ``vehicle`` from ``opportunity`` (None: it may).

    The one place where offers check the vehicle: creation and validation call it. The
    pre-entry reservation (V-11) adds its rule here.
    """
    if vehicle.status == StandardStatus.EXIT:
        return _("Ce véhicule est sorti du stock.")
    return reservations.reservation_refusal(vehicle=vehicle, opportunity=opportunity)


# Orders that keep the vehicle from being ordered again ("Passer la commande", O-5).
_ORDER_GONE = [Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.REPLACED]


def offer_vehicle_notices(*, offer: Offer) -> list[dict]:
    """What the offer page says about its vehicle (issue 13), as ``{level, text}``: the
    refusal that blocks the offer (``error``), another live order on the vehicle, the
    ownership transfer that its order will need (``warning``, nothing blocked).

    Only for an offer in progress or validated. One query for the other orders (and one
    more when the vehicle is reserved).
    """
    if offer.status not in (Offer.Status.OPEN, Offer.Status.VALIDATED):
        return []
    vehicle, opportunity = offer.vehicle, offer.opportunity
    notices = []
    refusal = offer_vehicle_refusal(vehicle=vehicle, opportunity=opportunity)
    if refusal:
        notices.append({"level": "error", "text": refusal})
    other = (
        Order.objects.filter(vehicle_id=vehicle.pk)
        .exclude(status__in=_ORDER_GONE)
        .exclude(offer_id=offer.pk)
        .exclude(pk=offer.replaces_order_id or 0)
        .order_by("created_at", "pk")
        .first()
    )
    if other is not None:
        notices.append(
            {
                "level": "warning",
                "text": _(
                    "Ce véhicule est déjà commandé (commande n° %(pk)s, %(status)s) : une "
                    "commande sur cette offre sera refusée tant que celle-ci n'est pas annulée."
                )
                % {"pk": other.pk, "status": other.get_status_display().lower()},
            }
        )
    if vehicle.point_of_sale_id != opportunity.point_of_sale_id:
        notices.append(
            {
                "level": "warning",
                "text": _(
                    "Ce véhicule appartient au point de vente « %(owner)s » : un transfert de "
                    "propriété sera nécessaire à la commande (validé par le responsable des "
                    "transferts de ce point de vente)."
                )
                % {"owner": vehicle.point_of_sale.name},
            }
        )
    return notices


def _check_vehicle(vehicle: Vehicle, opportunity: Opportunity | None) -> None:
    refusal = offer_vehicle_refusal(vehicle=vehicle, opportunity=opportunity)
    if refusal:
        raise ValidationError({"vehicle": refusal}, code="vehicle_refused")


def opportunity_for_offer(*, customer: Customer, vehicle: Vehicle) -> Opportunity | None:
    """The open opportunity of ``customer`` with a test drive on ``vehicle`` (O-9)."""
    return (
        Opportunity.objects.filter(
            customer=customer,
            status=Opportunity.Status.OPEN,
            appointments__kind=Appointment.Kind.TEST_DRIVE,
            appointments__vehicle=vehicle,
        )
        .order_by("-created_at")
        .first()
    )


def _offer_pack_lines(offer: Offer, pack: Product | None, keep: set[int] | None = None) -> None:
    """Replace the offer's pack lines by ``pack``'s elements (all, or only ``keep``)."""
    offer.lines.filter(kind=OfferLine.Kind.PACK).delete()
    offer.pack = pack
    OfferLine.objects.bulk_create(packs.pack_offer_lines(offer, pack, keep=keep))


@transaction.atomic
def offer_create(
    *,
    vehicle: Vehicle,
    by,
    opportunity: Opportunity | None = None,
    customer: Customer | None = None,
    point_of_sale=None,
) -> Offer:
    """A new offer on ``vehicle``; without an opportunity, the customer's test-drive
    opportunity on this vehicle is used (O-9), or a new one is created."""
    if opportunity is None:
        if customer is None:
            raise ValueError("offer_create needs an opportunity or a customer")
        opportunity = opportunity_for_offer(customer=customer, vehicle=vehicle)
        if opportunity is None:
            opportunity = opportunity_create(
                customer=customer,
                salesperson=by,
                point_of_sale=point_of_sale or vehicle.point_of_sale,
                by=by,
            )
    opportunity = _lock_opportunity(opportunity)
    _check_open(opportunity)
    vehicle = vehicle_get_locked(pk=vehicle.pk)
    _check_vehicle(vehicle, opportunity)
    fees = ZERO
    weight = None
    if vehicle.from_configurator and vehicle.empty_weight:  # O-4
        weight = vehicle.empty_weight
    offer = Offer.objects.create(
        opportunity=opportunity,
        vehicle=vehicle,
        vehicle_price=vehicle.selling_price or ZERO,
        administrative_fees=fees,
        empty_weight=weight,
        created_by=by,
    )
    _offer_pack_lines(offer, packs.best_pack(vehicle))
    offer.save(update_fields=["pack"])
    attached = Product.objects.filter(on_vehicles__vehicle=vehicle).order_by("kind", "name")
    OfferLine.objects.bulk_create(
        OfferLine(
            offer=offer, kind=p.kind, product=p, label=p.name, amount=p.price, position=100 + i
        )
        for i, p in enumerate(attached)
    )
    _offer_recorded(offer, by, _("Offre n° %(pk)s créée sur %(vehicle)s"))
    return offer


@transaction.atomic
def offer_update(
    *,
    offer: Offer,
    by,
    vehicle_price: Decimal,
    administrative_fees: Decimal = ZERO,
    empty_weight: int | None = None,
    trade_in_value: Decimal = ZERO,
    deposit: Decimal = ZERO,
    show_ht: bool = False,
    pack: Product | None = None,
    pack_elements: set[int] | None = None,
    lines: list[tuple[str, str, Decimal, Product | None]] = (),
) -> Offer:
    """Save the offer builder. ``lines`` are the advantages, accessories and services as
    (kind, label, amount TTC, product). Totals are checked before anything is written."""
    offer = _lock_offer(offer)
    if offer.status != Offer.Status.OPEN:
        raise _refused(_("Seule une offre en cours se modifie ; utilisez « Modifier »."))
    errors = {}
    for name, value in (
        ("vehicle_price", vehicle_price),
        ("administrative_fees", administrative_fees),
        ("trade_in_value", trade_in_value),
        ("deposit", deposit),
    ):
        if value < ZERO:
            errors[name] = _("Le montant ne peut pas être négatif.")
        elif value > pricing.MAX_AMOUNT:
            errors[name] = _("Ce montant n'est pas plausible.")
    for kind, label, amount, _product in lines:
        if kind not in (OfferLine.Kind.ADVANTAGE, OfferLine.Kind.ACCESSORY, OfferLine.Kind.SERVICE):
            errors["lines"] = _("Type de ligne inconnu.")
        elif amount < ZERO or amount > pricing.MAX_AMOUNT:
            errors["lines"] = _("Le montant de « %s » n'est pas valide.") % label
        elif not label.strip():
            errors["lines"] = _("Chaque ligne a un libellé.")
    if pack is not None:
        # Locked: a pack deleted meanwhile by an administrator gives a message, not a 500.
        locked = Product.objects.select_for_update().filter(pk=pack.pk).first()
        if locked is None:
            errors["pack"] = _("Ce pack a été supprimé entre-temps : choisissez-en un autre.")
        elif locked.kind != Product.Kind.PACK:
            errors["pack"] = _("Ce produit n'est pas un pack livraison.")
    if errors:
        raise ValidationError(errors)
    totals = pricing.compute(
        vehicle_price=vehicle_price,
        lines=[pricing.Line(k, label, a) for k, label, a, _p in lines]
        + packs.pack_pricing_lines(pack, keep=pack_elements),
        administrative_fees=administrative_fees,
        trade_in_value=trade_in_value,
        deposit=deposit,
        vat_regime=offer.vehicle.vat_regime,
    )
    errors = pricing.errors(totals)
    if errors:
        raise ValidationError(errors)
    offer.vehicle_price = pricing.cents(vehicle_price)
    offer.administrative_fees = pricing.cents(administrative_fees)
    offer.empty_weight = empty_weight
    offer.trade_in_value = pricing.cents(trade_in_value)
    offer.deposit = pricing.cents(deposit)
    offer.show_ht = show_ht
    offer.lines.exclude(kind=OfferLine.Kind.PACK).delete()
    OfferLine.objects.bulk_create(
        OfferLine(
            offer=offer,
            kind=kind,
            label=label.strip()[:120],
            amount=amount,
            product=product,
            position=10 + i,
        )
        for i, (kind, label, amount, product) in enumerate(lines)
    )
    _offer_pack_lines(offer, pack, pack_elements)
    offer.save(
        update_fields=[
            "vehicle_price",
            "administrative_fees",
            "empty_weight",
            "trade_in_value",
            "deposit",
            "show_ht",
            "pack",
        ]
    )
    opportunity_touch(offer.opportunity)
    return offer


@transaction.atomic
def offer_validate(*, offer: Offer, by) -> Offer:
    """The customer accepted the offer (O-3); an order must follow to win."""
    offer = _lock_offer(offer)
    # The transition's condition (the vehicle held by another reservation) is checked
    # below by _check_vehicle, with its reason.
    if not can_proceed(offer.validate, check_conditions=False):
        raise _refused(
            _("Cette offre est %s : elle ne peut pas être validée.")
            % offer.get_status_display().lower()
        )
    _check_open(offer.opportunity)
    _check_vehicle(offer.vehicle, offer.opportunity)
    totals = offer_totals(offer)
    if totals.vehicle_price <= ZERO:
        raise ValidationError({"vehicle_price": _("Indiquez le prix du véhicule.")})
    errors = pricing.errors(totals)
    if errors:
        raise ValidationError(errors)
    offer.validate()
    offer.validated_at = timezone.now()
    offer.save(update_fields=["status", "validated_at"])
    _offer_recorded(offer, by, _("Offre n° %(pk)s validée par le client (%(vehicle)s)"))
    return offer


@transaction.atomic
def offer_cancel(*, offer: Offer, by, reason: str = "") -> Offer:
    """Abandon an offer in progress or a validated offer without a live order."""
    reason = reason_clean(reason)
    offer = _lock_offer(offer)
    if not can_proceed(offer.cancel):
        raise _refused(
            _("Cette offre est %s : elle ne peut pas être annulée.")
            % offer.get_status_display().lower()
        )
    if offer.orders.exclude(
        status__in=[Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.REPLACED]
    ).exists():
        raise _refused(_("Une commande a été passée sur cette offre : annulez la commande."))
    return _offer_cancel(offer=offer, by=by, reason=reason)


@transaction.atomic
def offer_signature_cancelled(*, offer: Offer, reason: str) -> Offer:
    """The e-signature that an offer waited for was refused, deleted or expired (S-4):
    the offer is cancelled (called by the e-signature module; nothing if it is no longer
    in progress or validated)."""
    offer = _lock_offer(offer)
    if not can_proceed(offer.cancel):
        return offer
    return _offer_cancel(offer=offer, by=None, reason=reason)


def _offer_copy(offer: Offer, by, **overrides) -> Offer:
    copy = Offer.objects.create(
        opportunity=offer.opportunity,
        vehicle=offer.vehicle,
        previous=offer,
        vehicle_price=offer.vehicle_price,
        administrative_fees=offer.administrative_fees,
        empty_weight=offer.empty_weight,
        trade_in_value=offer.trade_in_value,
        deposit=offer.deposit,
        show_ht=offer.show_ht,
        pack=offer.pack,
        created_by=by,
        **overrides,
    )
    OfferLine.objects.bulk_create(
        OfferLine(
            offer=copy,
            kind=line.kind,
            product=line.product_id and line.product,
            pack_element_id=line.pack_element_id,
            label=line.label,
            amount=line.amount,
            position=line.position,
        )
        for line in offer.lines.all()
    )
    return copy


@transaction.atomic
def offer_duplicate(*, offer: Offer, by, confirmed: bool = False) -> Offer:
    """ "Dupliquer". An offer waiting for an e-signature asks for a confirmation first;
    confirmed, the e-signature is cancelled (and with it the offer, S-4)."""
    offer = _lock_offer(offer)
    _check_open(offer.opportunity)
    _check_vehicle(offer.vehicle, offer.opportunity)
    offer_panels.offer_change_check(offer, confirmed=confirmed)
    copy = _offer_copy(offer, by)
    _offer_recorded(copy, by, _("Offre n° %%(pk)s créée par copie de l'offre n° %s") % offer.pk)
    offer_panels.offer_change_release(offer, by)
    return copy


@transaction.atomic
def offer_modify(*, offer: Offer, by, confirmed: bool = False) -> Offer:
    """ "Modifier": an offer in progress is edited in place; a validated one is cancelled
    and replaced by a new version in progress (O-3). An offer waiting for an e-signature
    asks for a confirmation first; confirmed, the e-signature is cancelled (S-4)."""
    offer = _lock_offer(offer)
    offer_panels.offer_change_check(offer, confirmed=confirmed)
    if offer.status == Offer.Status.OPEN:
        return offer
    if offer.status != Offer.Status.VALIDATED:
        raise _refused(
            _("Cette offre est %s : elle ne se modifie plus.") % offer.get_status_display().lower()
        )
    if offer.orders.exclude(
        status__in=[Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.REPLACED]
    ).exists():
        raise _refused(_("Une commande a été passée sur cette offre : modifiez la commande."))
    _check_open(offer.opportunity)
    # The new version is an open offer on the vehicle: refused like any new offer (V-11).
    _check_vehicle(offer.vehicle, offer.opportunity)
    _offer_cancel(
        offer=offer,
        by=by,
        reason=_("remplacée par une nouvelle version"),
        restore_order=False,
        keep_reservation=True,
    )
    copy = _offer_copy(offer, by, replaces_order_id=offer.replaces_order_id)
    reservations.reservation_move_to_offer(old_offer=offer, new_offer=copy, by=by)
    _offer_recorded(copy, by, _("Offre n° %%(pk)s : nouvelle version de l'offre n° %s") % offer.pk)
    offer_panels.offer_change_release(offer, by)
    return copy
