"""Orders: creation from a validated offer and payment terms (O-5, O-6)."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.core.money import format_money
from opportunities.sales import pricing
from opportunities.sales.models import (
    Offer,
    OpportunityEvent,
    Order,
    PaymentMethod,
)
from opportunities.sales.services.core import (
    MAX_DELIVERY_DAYS,
    ZERO,
    _check_open,
    _lock_offer,
    _lock_order,
    _refused,
    offer_totals,
    opportunity_event_record,
    opportunity_touch,
    order_event_record,
)
from opportunities.sales.services.offers import offer_vehicle_refusal
from vehicles.services import vehicle_get_locked


def _snapshot(offer: Offer) -> dict:
    """Everything sold, frozen (O-5): products deleted later stay on the order as sold,
    and so does the vehicle's VAT regime (issue 13: ``vehicle.vat_regime``; a snapshot
    without one was sold and printed with VAT on the whole price)."""
    customer, vehicle = offer.opportunity.customer, offer.vehicle
    lines = list(offer.lines.all())
    totals = offer_totals(offer, lines)
    regime = totals.vat_regime
    rep = customer.legal_representative
    return {
        "customer": {
            "pk": customer.pk,
            "kind": customer.kind,
            "name": customer.display_name,
            "civility": customer.civility,
            "last_name": customer.last_name,
            "first_name": customer.first_name,
            "company_name": customer.company_name,
            "siret": customer.siret,
            "email": customer.email,
            "mobile": customer.mobile,
            "address": customer.address,
            "postcode": customer.postcode,
            "city": customer.city,
            "legal_representative": (
                {
                    "name": f"{rep.last_name.upper()} {rep.first_name}",
                    "email": rep.email,
                    "mobile": rep.mobile,
                }
                if rep
                else None
            ),
        },
        "vehicle": {
            "number": vehicle.pk,
            "parc": vehicle.parc,
            "brand": vehicle.brand,
            "model": vehicle.model,
            "version": vehicle.version,
            "energy": vehicle.get_energy_display(),
            "colour": vehicle.colour,
            "registration": vehicle.registration,
            "vin": vehicle.vin,
            "mileage": vehicle.mileage,
            "first_registration": vehicle.first_registration.isoformat()
            if vehicle.first_registration
            else None,
            "empty_weight": offer.empty_weight,
            "vat_regime": regime,
        },
        "lines": [
            {
                "kind": line.kind,
                "label": line.label,
                "amount": str(line.amount),
                # An advantage is deducted from the vehicle's price: its regime.
                "amount_ht": str(
                    pricing.to_ht(
                        line.amount, regime if line.kind == "remise" else pricing.VAT_NORMAL
                    )
                ),
                "product": line.product_id,
            }
            for line in lines
        ],
        "pack": offer.pack.name if offer.pack_id else None,
        "totals": totals.as_dict(),
        "offer": offer.pk,
    }


@transaction.atomic
def order_create(*, offer: Offer, by) -> Order:
    """ "Passer la commande" from a validated offer: a draft order with its snapshot."""
    offer = _lock_offer(offer)
    opportunity = offer.opportunity
    if offer.status != Offer.Status.VALIDATED:
        raise _refused(_("Une commande se passe depuis une offre validée."))
    _check_open(opportunity)
    vehicle = vehicle_get_locked(pk=offer.vehicle_id)
    # Out of stock, or reserved by another opportunity (V-11): the rules of offers.
    refusal = offer_vehicle_refusal(vehicle=vehicle, opportunity=opportunity)
    if refusal:
        raise _refused(refusal)
    live = Order.objects.filter(vehicle=vehicle).exclude(
        status__in=[Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.REPLACED]
    )
    if offer.replaces_order_id:  # only the order being modified gives way to its new version
        live = live.exclude(pk=offer.replaces_order_id, status=Order.Status.MODIFYING)
    if live.filter(offer=offer).exists():
        raise _refused(_("Une commande existe déjà pour cette offre."))
    other = live.select_related("opportunity").first()
    if other is not None:
        raise _refused(_("Ce véhicule est déjà commandé (commande n° %s).") % other.pk)
    snapshot = _snapshot(offer)
    order = Order.objects.create(
        opportunity=opportunity,
        offer=offer,
        vehicle=vehicle,
        point_of_sale=opportunity.point_of_sale,
        snapshot=snapshot,
        total_ttc=Decimal(snapshot["totals"]["total_ttc"]),
        deposit_amount=offer.deposit,
        replaces_id=offer.replaces_order_id,
        created_by=by,
    )
    order_event_record(
        order=order,
        kind="created",
        by=by,
        message=_("Commande créée depuis l'offre n° %s") % offer.pk,
    )
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.ORDER,
        by=by,
        message=_("Commande n° %(order)s passée sur %(vehicle)s")
        % {"order": order.pk, "vehicle": vehicle},
        data={"order": order.pk},
    )
    opportunity_touch(opportunity)
    return order


def _balance(order: Order) -> Decimal:
    net = Decimal(order.snapshot["totals"]["net_to_pay"])
    return net - order.deposit_amount


def order_payment_errors(order: Order) -> dict[str, str]:
    errors = {}
    if order.deposit_amount < ZERO:
        errors["deposit_amount"] = _("Le montant ne peut pas être négatif.")
    net = Decimal(order.snapshot["totals"]["net_to_pay"])
    if order.deposit_amount > max(net, ZERO):
        errors["deposit_amount"] = _("L'acompte dépasse le montant à payer.")
    if order.deposit_amount > ZERO and not order.deposit_method:
        errors["deposit_method"] = _("Choisissez le mode de règlement de l'acompte.")
    if order.deposit_method == PaymentMethod.FINANCING:
        errors["deposit_method"] = _("Un acompte ne se règle pas par financement.")
    # O-6, issue 13: the legal cap applies to all the cash paid for the order (deposit and
    # balance together, docs/decisions.md); the message goes next to the payment that
    # makes the total exceed it: the deposit alone, or else the balance.
    cash_deposit = order.deposit_amount if order.deposit_method == PaymentMethod.CASH else ZERO
    balance = _balance(order)
    cash_balance = balance if order.balance_method == PaymentMethod.CASH else ZERO
    if cash_deposit > pricing.CASH_LIMIT:
        errors["deposit_method"] = _(
            "Un règlement en espèces ne peut pas dépasser 1\u00a0000\u00a0€ (acompte de %s)."
        ) % format_money(cash_deposit)
    elif cash_balance > ZERO and cash_deposit + cash_balance > pricing.CASH_LIMIT:
        if cash_deposit > ZERO:
            errors["balance_method"] = _(
                "Un règlement en espèces ne peut pas dépasser 1\u00a0000\u00a0€ pour toute la "
                "commande : acompte de %(deposit)s et solde de %(balance)s, soit %(total)s en "
                "espèces."
            ) % {
                "deposit": format_money(cash_deposit),
                "balance": format_money(cash_balance),
                "total": format_money(cash_deposit + cash_balance),
            }
        else:
            errors["balance_method"] = _(
                "Un règlement en espèces ne peut pas dépasser 1\u00a0000\u00a0€ (solde de %s)."
            ) % format_money(cash_balance)
    today = timezone.localdate()
    for name in ("delivery_date", "latest_delivery_date"):
        value = getattr(order, name)
        # 0001-01-01 or 9999-12-31 typed by mistake: a message, not a stored date.
        if value and not (date(2000, 1, 1) <= value <= today + timedelta(days=MAX_DELIVERY_DAYS)):
            errors[name] = _("Cette date n'est pas plausible.")
    if (
        not errors.keys() & {"delivery_date", "latest_delivery_date"}
        and order.latest_delivery_date
        and order.delivery_date
        and order.latest_delivery_date < order.delivery_date
    ):
        errors["latest_delivery_date"] = _(
            "La date de livraison extrême ne peut pas précéder la date de livraison prévue."
        )
    return errors


@transaction.atomic
def order_payment_update(
    *,
    order: Order,
    by,
    balance_method: str,
    deposit_amount: Decimal,
    deposit_method: str,
    deposit_not_online: bool,
    delivery_date=None,
    latest_delivery_date=None,
) -> Order:
    """The payment tab (O-6); only while the order is being prepared."""
    order = _lock_order(order)
    if order.status != Order.Status.DRAFT:
        raise _refused(_("Le règlement se modifie tant que la commande est en préparation."))
    if balance_method and balance_method not in PaymentMethod.values:
        raise ValidationError({"balance_method": _("Mode de règlement inconnu.")})
    if deposit_method and deposit_method not in PaymentMethod.values:
        raise ValidationError({"deposit_method": _("Mode de règlement inconnu.")})
    if deposit_amount < ZERO or deposit_amount > pricing.MAX_AMOUNT:
        raise ValidationError({"deposit_amount": _("Ce montant n'est pas valide.")})
    order.balance_method = balance_method
    order.deposit_amount = pricing.cents(deposit_amount)
    order.deposit_method = deposit_method if order.deposit_amount > ZERO else ""
    order.deposit_not_online = deposit_not_online
    order.delivery_date = delivery_date
    order.latest_delivery_date = latest_delivery_date
    errors = order_payment_errors(order)
    if errors:
        raise ValidationError(errors)
    order.save(
        update_fields=[
            "balance_method",
            "deposit_amount",
            "deposit_method",
            "deposit_not_online",
            "delivery_date",
            "latest_delivery_date",
        ]
    )
    order_event_record(order=order, kind="payment", by=by, message=_("Règlement mis à jour"))
    return order
