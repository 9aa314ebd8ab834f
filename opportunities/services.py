"""Every write of the sales journey (O-1 … O-7, O-9, V-10).

Each transition follows the same order (STYLE): lock the row, check that the move is
allowed for this user, call the FSM transition, save with ``update_fields``, write the
event row, and enqueue side effects (emails, vehicle status) on commit.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from openflex.accounts.selectors import user_has_type, users_with_right
from openflex.notifications.models import Notification
from openflex.notifications.services import (
    email_send,
    notification_create,
    notifications_create_bulk,
)
from vehicles.models import Parc, StandardStatus, Vehicle, VehicleEvent
from vehicles.services import vehicle_event_record

from . import packs, pricing, reservations
from .models import (
    Appointment,
    Customer,
    Offer,
    OfferLine,
    Opportunity,
    OpportunityEvent,
    Order,
    OrderEvent,
    PaymentMethod,
    Product,
    SalesSettings,
)
from .selectors import VALIDATE_ORDERS, customer_duplicates

REASON_MAX_LENGTH = 500
MAX_DELIVERY_DAYS = 3660  # a delivery date more than ten years ahead is a typing mistake
# Orders that keep an opportunity alive: on their way, validated, being modified or
# waiting for a cancellation to be confirmed (both go back to their previous status).
LIVE_ORDER_STATUSES = [*Order.ACTIVE, Order.Status.MODIFYING, Order.Status.PENDING_CANCELLATION]
ZERO = pricing.ZERO


def _reason(reason: str, *, required: bool = False, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if "\x00" in reason:  # PostgreSQL refuses NUL bytes: a message, not a 500
        raise ValidationError({field: _("Le motif contient un caractère invalide.")})
    if required and not reason:
        raise ValidationError({field: _("Indiquez le motif.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("Le motif ne peut pas dépasser %(n)s caractères.") % {"n": REASON_MAX_LENGTH}}
        )
    return reason


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="transition")


# --- Customers (O-2) --------------------------------------------------------------------

CUSTOMER_FIELDS = [
    "kind",
    "civility",
    "last_name",
    "first_name",
    "company_name",
    "siret",
    "email",
    "mobile",
    "phone",
    "address",
    "postcode",
    "city",
]


def _customer_clean(customer: Customer) -> None:
    errors = {}
    if customer.kind == Customer.Kind.COMPANY:
        if not customer.company_name.strip():
            errors["company_name"] = _("Indiquez la raison sociale.")
    elif not customer.last_name.strip():
        errors["last_name"] = _("Indiquez le nom du client.")
    if customer.siret and not (customer.siret.isdigit() and len(customer.siret) == 14):
        errors["siret"] = _("Le SIRET compte 14 chiffres.")
    for name in ("mobile", "phone"):
        value = getattr(customer, name)
        if value and sum(c.isdigit() for c in value) < 6:
            errors[name] = _("Ce numéro de téléphone n'est pas valide.")
    if errors:
        raise ValidationError(errors)
    customer.full_clean(exclude=["legal_representative", "point_of_sale", "created_by"])


@transaction.atomic
def customer_create(*, by, point_of_sale, allow_duplicate: bool = False, **fields) -> Customer:
    """Create a customer; a same email or mobile raises a "duplicate" error unless allowed."""
    customer = Customer(point_of_sale=point_of_sale, created_by=by, **fields)
    _customer_clean(customer)
    if not allow_duplicate:
        duplicates = list(customer_duplicates(email=customer.email, mobile=customer.mobile))
        if duplicates:
            raise ValidationError(
                _("Un client existe déjà avec cet email ou ce mobile : %s.")
                % ", ".join(f"{c.display_name} (n° {c.pk})" for c in duplicates),
                code="duplicate",
                params={"duplicates": [c.pk for c in duplicates]},
            )
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, **fields) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValueError(f"customer_update cannot change {sorted(unknown)}")
    changed = [n for n, v in fields.items() if getattr(customer, n) != v]
    for name in changed:
        setattr(customer, name, fields[name])
    _customer_clean(customer)
    if changed:
        customer.save(update_fields=changed)
    return customer


REPRESENTATIVE_FIELDS = {
    "last_name": _("nom"),
    "first_name": _("prénom"),
    "email": _("email"),
    "mobile": _("mobile"),
}


def legal_representative_missing(company: Customer) -> list[str]:
    """What the company still lacks before its orders may be validated (O-2)."""
    if not company.is_company:
        return []
    rep = company.legal_representative
    if rep is None:
        return [_("le représentant légal n'est pas renseigné")]
    missing = [
        str(label) for name, label in REPRESENTATIVE_FIELDS.items() if not getattr(rep, name)
    ]
    if missing:
        return [_("il manque au représentant légal : %s") % ", ".join(missing)]
    return []


@transaction.atomic
def legal_representative_create(
    *,
    company: Customer,
    by,
    civility: str = "",
    last_name: str,
    first_name: str,
    email: str,
    mobile: str,
) -> Customer:
    """ "Créer ce client": create the person and link it to the company as its representative."""
    company = Customer.objects.select_for_update().get(pk=company.pk)
    if not company.is_company:
        raise ValidationError(_("Seule une société a un représentant légal."))
    errors = {}
    for name, value in (
        ("last_name", last_name),
        ("first_name", first_name),
        ("email", email),
        ("mobile", mobile),
    ):
        if not (value or "").strip():
            errors[name] = _("Ce champ est obligatoire pour le représentant légal.")
    if errors:
        raise ValidationError(errors)
    existing = Customer.objects.filter(
        kind=Customer.Kind.PERSON, email__iexact=email.strip(), last_name__iexact=last_name.strip()
    ).first()
    if existing is not None:
        person = customer_update(
            customer=existing, by=by, first_name=first_name.strip(), mobile=mobile.strip()
        )
    else:
        person = customer_create(
            by=by,
            point_of_sale=company.point_of_sale,
            allow_duplicate=True,
            kind=Customer.Kind.PERSON,
            civility=civility,
            last_name=last_name.strip(),
            first_name=first_name.strip(),
            email=email.strip(),
            mobile=mobile.strip(),
        )
    company.legal_representative = person
    company.save(update_fields=["legal_representative"])
    return person


@transaction.atomic
def legal_representative_link(*, company: Customer, person: Customer, by) -> Customer:
    company = Customer.objects.select_for_update().get(pk=company.pk)
    if not company.is_company or person.is_company:
        raise ValidationError(_("Le représentant légal d'une société est une personne."))
    company.legal_representative = person
    company.save(update_fields=["legal_representative"])
    return company


# --- Opportunities (O-1, O-9) ----------------------------------------------------------


def opportunity_event_record(
    *, opportunity: Opportunity, kind: str, message: str, by=None, data=None
) -> OpportunityEvent:
    return OpportunityEvent.objects.create(
        opportunity=opportunity, kind=kind, message=message[:500], by=by, data=data or {}
    )


def _touch(opportunity: Opportunity) -> None:
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=timezone.now())


def _check_salesperson(salesperson, point_of_sale) -> None:
    if not salesperson.is_active:
        raise ValidationError({"salesperson": _("Ce vendeur n'est plus actif.")})
    if not salesperson.points_of_sale.filter(pk=point_of_sale.pk).exists():
        raise ValidationError(
            {
                "salesperson": _("Ce vendeur n'est pas rattaché au point de vente %s.")
                % point_of_sale
            }
        )


@transaction.atomic
def opportunity_create(
    *, customer: Customer, salesperson, point_of_sale, by, title: str = ""
) -> Opportunity:
    _check_salesperson(salesperson, point_of_sale)
    opportunity = Opportunity.objects.create(
        customer=customer,
        salesperson=salesperson,
        point_of_sale=point_of_sale,
        created_by=by,
        title=(title or "").strip()[:120],
    )
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.CREATED,
        by=by,
        message=_("Opportunité créée pour %(customer)s, vendeur %(salesperson)s")
        % {"customer": customer.display_name, "salesperson": salesperson.get_full_name()},
    )
    return opportunity


def _lock_opportunity(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.select_for_update().select_related("customer").get(pk=opportunity.pk)


def _check_open(opportunity: Opportunity) -> None:
    if opportunity.status != Opportunity.Status.OPEN:
        raise _refused(
            _("Cette opportunité est %s : elle ne peut plus changer.")
            % opportunity.get_status_display().lower()
        )


@transaction.atomic
def opportunity_salesperson_change(*, opportunity: Opportunity, salesperson, by) -> Opportunity:
    from .selectors import user_sees_point_of_sale_opportunities

    if not user_sees_point_of_sale_opportunities(by):
        raise PermissionDenied(_("Seul un responsable change le vendeur d'une opportunité."))
    opportunity = _lock_opportunity(opportunity)
    _check_open(opportunity)
    if salesperson.pk == opportunity.salesperson_id:
        return opportunity
    _check_salesperson(salesperson, opportunity.point_of_sale)
    previous = opportunity.salesperson
    opportunity.salesperson = salesperson
    opportunity.last_activity_at = timezone.now()
    opportunity.save(update_fields=["salesperson", "last_activity_at"])
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.SALESPERSON,
        by=by,
        message=_("Vendeur : %(old)s → %(new)s")
        % {"old": previous.get_full_name(), "new": salesperson.get_full_name()},
    )
    notification_create(
        recipient=salesperson,
        kind="opportunity_assigned",
        title=_("Opportunité n° %(pk)s confiée : %(customer)s")
        % {"pk": opportunity.pk, "customer": opportunity.customer.display_name},
        url=reverse("opportunities:detail", args=[opportunity.pk]),
    )
    return opportunity


@transaction.atomic
def opportunity_abandon(*, opportunity: Opportunity, by, reason: str) -> Opportunity:
    reason = _reason(reason, required=True)
    opportunity = _lock_opportunity(opportunity)
    if not can_proceed(opportunity.abandon):
        raise _refused(_("Seule une opportunité en cours peut être abandonnée."))
    if opportunity.orders.filter(status__in=LIVE_ORDER_STATUSES).exists():
        raise _refused(_("Une commande est en cours : annulez-la d'abord."))
    opportunity.abandon()
    opportunity.closed_at, opportunity.close_reason = timezone.now(), reason
    opportunity.save(update_fields=["status", "closed_at", "close_reason"])
    for offer in opportunity.offers.filter(status__in=[Offer.Status.OPEN, Offer.Status.VALIDATED]):
        _offer_cancel(offer=offer, by=by, reason=_("Opportunité abandonnée"))
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.STATUS,
        by=by,
        message=_("Opportunité abandonnée : %s") % reason,
    )
    return opportunity


def _opportunity_win(*, opportunity: Opportunity, by, message: str) -> None:
    opportunity = _lock_opportunity(opportunity)
    if can_proceed(opportunity.win):
        opportunity.win()
        opportunity.closed_at = timezone.now()
        opportunity.save(update_fields=["status", "closed_at"])
        opportunity_event_record(
            opportunity=opportunity, kind=OpportunityEvent.Kind.STATUS, by=by, message=message
        )


def _opportunity_reopen_if_no_sale(*, opportunity: Opportunity, by) -> None:
    opportunity = _lock_opportunity(opportunity)
    if opportunity.status != Opportunity.Status.WON:
        return
    if opportunity.orders.filter(status__in=Order.VALIDATED).exists():
        return
    opportunity.reopen()
    opportunity.closed_at = None
    opportunity.save(update_fields=["status", "closed_at"])
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.STATUS,
        by=by,
        message=_("Opportunité de nouveau en cours (commande annulée)"),
    )


@transaction.atomic
def appointment_create(
    *,
    opportunity: Opportunity,
    by,
    kind: str,
    starts_at,
    vehicle: Vehicle | None = None,
    note: str = "",
) -> Appointment:
    opportunity = _lock_opportunity(opportunity)
    _check_open(opportunity)
    if kind not in Appointment.Kind.values:
        raise ValidationError({"kind": _("Type de rendez-vous inconnu.")})
    if kind == Appointment.Kind.TEST_DRIVE and vehicle is None:
        raise ValidationError({"vehicle": _("Choisissez le véhicule de l'essai.")})
    if vehicle is not None and vehicle.status == StandardStatus.EXIT:
        raise ValidationError({"vehicle": _("Ce véhicule est sorti du stock.")})
    note = _reason(note, field="note")
    appointment = Appointment.objects.create(
        opportunity=opportunity,
        kind=kind,
        vehicle=vehicle,
        starts_at=starts_at,
        note=note,
        created_by=by,
    )
    when = timezone.localtime(starts_at).strftime("%d/%m/%Y à %Hh%M")
    label = (
        _("Rendez-vous d'essai planifié le %(when)s sur %(vehicle)s")
        % {"when": when, "vehicle": vehicle}
        if kind == Appointment.Kind.TEST_DRIVE
        else _("Rendez-vous planifié le %s") % when
    )
    opportunity_event_record(
        opportunity=opportunity, kind=OpportunityEvent.Kind.APPOINTMENT, by=by, message=label
    )
    _touch(opportunity)
    return appointment


@transaction.atomic
def opportunity_follow_up(*, opportunity: Opportunity, by, message: str) -> Opportunity:
    """ "Relancer le client": an email from the salesperson, recorded in the history."""
    opportunity = _lock_opportunity(opportunity)
    _check_open(opportunity)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Écrivez le message de relance.")})
    if len(message) > 4000:
        raise ValidationError({"message": _("Le message ne peut pas dépasser 4 000 caractères.")})
    customer = opportunity.customer
    if not customer.email:
        raise ValidationError(
            {"message": _("Ce client n'a pas d'email : renseignez-le sur sa fiche.")}
        )
    email_send(
        to=customer.email,
        subject=_("Votre projet automobile — %s") % opportunity.point_of_sale.name,
        template="opportunities/follow_up",
        context={
            "customer": customer,
            "message": message,
            "salesperson": by,
            "point_of_sale": opportunity.point_of_sale,
        },
        kind="opportunity_follow_up",
    )
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.FOLLOW_UP,
        by=by,
        message=_("Client relancé par email : %s") % message[:400],
    )
    _touch(opportunity)
    return opportunity


def opportunities_cancel_inactive(*, now=None) -> int:
    """Abandon open opportunities without activity for the configured delay (O-1, X-1).

    Set-based, in chunks: each chunk claims its rows with SKIP LOCKED, so that two workers
    never abandon the same opportunity twice; a second run finds nothing left to do.
    """
    now = now or timezone.now()
    days = SalesSettings.current().inactivity_cancel_days
    cutoff = now - timezone.timedelta(days=days)
    reason = _("Aucune activité depuis %s jours") % days
    total = 0
    while True:
        with transaction.atomic():
            opportunities = list(
                Opportunity.objects.select_for_update(skip_locked=True)
                .filter(status=Opportunity.Status.OPEN, last_activity_at__lt=cutoff)
                .exclude(orders__status__in=LIVE_ORDER_STATUSES)
                .only("pk", "status", "closed_at", "close_reason")[:1000]
            )
            if not opportunities:
                return total
            # Each row goes through its declared transition; one UPDATE writes the chunk.
            for opportunity in opportunities:
                opportunity.abandon()
                opportunity.closed_at, opportunity.close_reason = now, reason
            Opportunity.objects.bulk_update(opportunities, ["status", "closed_at", "close_reason"])
            ids = [o.pk for o in opportunities]
            offers = list(
                Offer.objects.select_for_update()
                .filter(
                    opportunity_id__in=ids,
                    status__in=[Offer.Status.OPEN, Offer.Status.VALIDATED],
                )
                .only("pk", "status", "cancelled_at")
            )
            for offer in offers:
                offer.cancel()
                offer.cancelled_at = now
            Offer.objects.bulk_update(offers, ["status", "cancelled_at"])
            reservations.reservations_end_for_opportunities(opportunity_ids=ids, reason=reason)
            OpportunityEvent.objects.bulk_create(
                OpportunityEvent(
                    opportunity_id=pk,
                    kind=OpportunityEvent.Kind.STATUS,
                    message=_("Opportunité annulée automatiquement : %s") % reason,
                    at=now,
                )
                for pk in ids
            )
            total += len(ids)


def opportunities_neglect_scan(*, now=None) -> int:
    """Alert each salesperson once about opportunities that became "en souffrance" (O-1)."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=SalesSettings.current().neglect_days)
    with transaction.atomic():
        rows = list(
            Opportunity.objects.select_for_update(skip_locked=True)
            .filter(
                status=Opportunity.Status.OPEN,
                created_at__lt=cutoff,
                neglect_notified_at__isnull=True,
            )
            .values_list("pk", "salesperson_id", "customer__last_name", "customer__company_name")[
                :5000
            ]
        )
        if not rows:
            return 0
        Opportunity.objects.filter(pk__in=[r[0] for r in rows]).update(neglect_notified_at=now)
        Notification.objects.bulk_create(
            Notification(
                recipient_id=salesperson_id,
                kind="opportunity_neglected",
                title=_("Opportunité n° %(pk)s en souffrance (%(customer)s)")
                % {"pk": pk, "customer": (last or company).upper()},
                url=reverse("opportunities:detail", args=[pk]),
            )
            for pk, salesperson_id, last, company in rows
        )
        OpportunityEvent.objects.bulk_create(
            OpportunityEvent(
                opportunity_id=pk,
                kind=OpportunityEvent.Kind.ALERT,
                message=_("En souffrance : alerte envoyée au vendeur"),
                at=now,
            )
            for pk, *_rest in rows
        )
    return len(rows)


# --- Offers (O-3, O-4, V-10) -----------------------------------------------------------


def offer_vehicle_refusal(*, vehicle: Vehicle, opportunity: Opportunity | None) -> str | None:
    """Why no offer may be made on ``vehicle`` from ``opportunity`` (None: it may).

    The one place where offers check the vehicle: creation and validation call it. The
    pre-entry reservation (V-11) adds its rule here.
    """
    if vehicle.status == StandardStatus.EXIT:
        return _("Ce véhicule est sorti du stock.")
    return reservations.reservation_refusal(vehicle=vehicle, opportunity=opportunity)


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
    if pack is None:
        return
    elements = list(pack.elements.all())
    if not elements:  # a pack without detail is one line at its price
        OfferLine.objects.create(
            offer=offer, kind=OfferLine.Kind.PACK, product=pack, label=pack.name, amount=pack.price
        )
        return
    OfferLine.objects.bulk_create(
        OfferLine(
            offer=offer,
            kind=OfferLine.Kind.PACK,
            product=pack,
            pack_element=element,
            label=element.label,
            amount=element.price,
            position=element.position,
        )
        for element in elements
        if keep is None or element.pk in keep
    )


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
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
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


def _offer_recorded(offer: Offer, by, message: str) -> None:
    text = message % {"pk": offer.pk, "vehicle": offer.vehicle}
    opportunity_event_record(
        opportunity=offer.opportunity,
        kind=OpportunityEvent.Kind.OFFER,
        by=by,
        message=text,
        data={"offer": offer.pk},
    )
    vehicle_event_record(
        vehicle=offer.vehicle,
        kind=VehicleEvent.Kind.OFFER,
        by=by,
        message=text + _(" (opportunité n° %s)") % offer.opportunity_id,
        data={"offer": offer.pk, "opportunity": offer.opportunity_id},
    )
    _touch(offer.opportunity)


def offer_totals(offer: Offer, lines=None) -> pricing.Totals:
    lines = lines if lines is not None else list(offer.lines.all())
    return pricing.compute(
        vehicle_price=offer.vehicle_price,
        lines=[pricing.Line(line.kind, line.label, line.amount) for line in lines],
        administrative_fees=offer.administrative_fees,
        trade_in_value=offer.trade_in_value,
        deposit=offer.deposit,
    )


def _lock_offer(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("opportunity", "vehicle")
        .get(pk=offer.pk)
    )


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
    element_lines = []
    if pack is not None:
        elements = list(pack.elements.all()) or [None]
        for element in elements:
            if element is None:
                element_lines.append(pricing.Line("pack", pack.name, pack.price))
            elif pack_elements is None or element.pk in pack_elements:
                element_lines.append(pricing.Line("pack", element.label, element.price))
    totals = pricing.compute(
        vehicle_price=vehicle_price,
        lines=[pricing.Line(k, label, a) for k, label, a, _p in lines] + element_lines,
        administrative_fees=administrative_fees,
        trade_in_value=trade_in_value,
        deposit=deposit,
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
    _touch(offer.opportunity)
    return offer


@transaction.atomic
def offer_validate(*, offer: Offer, by) -> Offer:
    """The customer accepted the offer (O-3); an order must follow to win."""
    offer = _lock_offer(offer)
    if not can_proceed(offer.validate):
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


def _offer_cancel(
    *, offer: Offer, by, reason: str, restore_order: bool = True, keep_reservation: bool = False
) -> Offer:
    offer.cancel()
    offer.cancelled_at = timezone.now()
    offer.save(update_fields=["status", "cancelled_at"])
    if not keep_reservation:
        reservations.reservation_end_for_offer(offer=offer, by=by)
    suffix = " : " + reason.replace("%", "%%") if reason else ""
    _offer_recorded(offer, by, _("Offre n° %(pk)s annulée") + suffix)
    other_versions = Offer.objects.filter(
        replaces_order_id=offer.replaces_order_id,
        status__in=[Offer.Status.OPEN, Offer.Status.VALIDATED],
    )
    if restore_order and offer.replaces_order_id and not other_versions.exists():
        # The order being modified goes back to its previous status (and a won sale).
        order = Order.objects.select_for_update().get(pk=offer.replaces_order_id)
        if order.status == Order.Status.MODIFYING:
            _order_restore(order=order, by=by, message=_("Modification abandonnée"))
            if order.status in Order.VALIDATED:
                _opportunity_win(
                    opportunity=order.opportunity, by=by, message=_("Opportunité gagnée")
                )
    return offer


@transaction.atomic
def offer_cancel(*, offer: Offer, by, reason: str = "") -> Offer:
    """Abandon an offer in progress or a validated offer without a live order."""
    reason = _reason(reason)
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
def offer_duplicate(*, offer: Offer, by) -> Offer:
    offer = _lock_offer(offer)
    _check_open(offer.opportunity)
    _check_vehicle(offer.vehicle, offer.opportunity)
    copy = _offer_copy(offer, by)
    _offer_recorded(copy, by, _("Offre n° %%(pk)s créée par copie de l'offre n° %s") % offer.pk)
    return copy


@transaction.atomic
def offer_modify(*, offer: Offer, by) -> Offer:
    """ "Modifier": an offer in progress is edited in place; a validated one is cancelled
    and replaced by a new version in progress (O-3)."""
    offer = _lock_offer(offer)
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
    return copy


# --- Orders (O-5, O-6) ----------------------------------------------------------------


def order_event_record(
    *,
    order: Order,
    kind: str,
    message: str,
    by=None,
    from_status: str = "",
    reason: str = "",
    data=None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        from_status=from_status,
        to_status=order.status,
        message=message[:500],
        reason=reason,
        by=by,
        data=data or {},
    )


def _snapshot(offer: Offer) -> dict:
    """Everything sold, frozen (O-5): products deleted later stay on the order as sold."""
    customer, vehicle = offer.opportunity.customer, offer.vehicle
    lines = list(offer.lines.all())
    totals = offer_totals(offer, lines)
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
        },
        "lines": [
            {
                "kind": line.kind,
                "label": line.label,
                "amount": str(line.amount),
                "amount_ht": str(pricing.to_ht(line.amount)),
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
    vehicle = Vehicle.objects.select_for_update().get(pk=offer.vehicle_id)
    if vehicle.status == StandardStatus.EXIT:
        raise _refused(_("Ce véhicule est sorti du stock."))
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
    _touch(opportunity)
    return order


def _lock_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("opportunity__customer__legal_representative", "vehicle", "point_of_sale")
        .get(pk=order.pk)
    )


def _order_transition(
    order: Order, method_name: str, *, by, message: str, reason: str = "", fields=(), kind=""
):
    """Call a transition already checked, save it, write the timeline."""
    previous = order.status
    getattr(order, method_name)()
    order.save(update_fields=["status", *fields])
    order_event_record(
        order=order,
        kind=kind or method_name,
        by=by,
        from_status=previous,
        message=message,
        reason=reason,
    )
    return previous


def _check_can(order: Order, method_name: str) -> None:
    if not can_proceed(getattr(order, method_name)):
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())


def user_can_validate_orders(user) -> bool:
    return user.has_perm(VALIDATE_ORDERS)


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
    if order.deposit_method == PaymentMethod.CASH and order.deposit_amount > pricing.CASH_LIMIT:
        errors["deposit_method"] = _(
            "Un règlement en espèces ne peut pas dépasser 1\u00a0000\u00a0€ (acompte de %s)."
        ) % _euros(order.deposit_amount)
    balance = _balance(order)
    if order.balance_method == PaymentMethod.CASH and balance > pricing.CASH_LIMIT:
        errors["balance_method"] = _(
            "Un règlement en espèces ne peut pas dépasser 1\u00a0000\u00a0€ (solde de %s)."
        ) % _euros(balance)
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


def _euros(value: Decimal) -> str:
    from openflex.core.templatetags.openflex import money

    return money(value)


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


def order_submit_blockers(order: Order) -> list[str]:
    """Why "Valider et imprimer" is disabled (O-2, O-6): shown on the page, checked again."""
    blockers = [
        _("Société : %s.") % item
        for item in legal_representative_missing(order.opportunity.customer)
    ]
    if not order.balance_method:
        blockers.append(_("Choisissez le mode de règlement du solde (onglet Règlement)."))
    blockers.extend(order_payment_errors(order).values())
    return blockers


@transaction.atomic
def order_submit(*, order: Order, by, signature_mode: str = Order.SignatureMode.PAPER) -> Order:
    """ "Valider et imprimer" (paper) or "Envoyer en e-signature": the order leaves its draft.

    With the validation right the order is validated at once; without it, it waits for a
    manager. An e-signed order waits for the customer's signature first (S-*).
    """
    order = _lock_order(order)
    _check_can(order, "submit")
    if order.status != Order.Status.DRAFT:
        raise _refused(_("Cette commande a déjà été envoyée."))
    if order.opportunity.status == Opportunity.Status.ABANDONED:
        raise _refused(_("Cette opportunité est abandonnée."))
    if signature_mode not in Order.SignatureMode.values:
        raise ValidationError({"signature_mode": _("Mode de signature inconnu.")})
    blockers = order_submit_blockers(order)
    if blockers:
        raise ValidationError(blockers, code="blocked")
    order.signature_mode = signature_mode
    order.submitted_at = timezone.now()
    order.save(update_fields=["signature_mode", "submitted_at"])
    if signature_mode == Order.SignatureMode.ELECTRONIC:
        _order_transition(
            order, "send_for_signature", by=by, message=_("Envoyée en signature électronique")
        )
        return order
    return _order_after_signature(order=order, by=by)


TRANSFER_SOURCE = "commande:%s"


def _order_after_signature(*, order: Order, by) -> Order:
    """Signed (on paper or online): an order on a vehicle owned by another point of sale
    first waits for the automatic ownership transfer (V-14); then it proceeds."""
    vehicle = Vehicle.objects.select_related("point_of_sale").get(pk=order.vehicle_id)
    if vehicle.point_of_sale_id != order.point_of_sale_id:
        return _order_wait_for_transfer(order=order, vehicle=vehicle, by=by)
    return _order_proceed(order=order, by=by)


def _order_wait_for_transfer(*, order: Order, vehicle: Vehicle, by) -> Order:
    from vehicles.models import OwnershipTransfer
    from vehicles.services import transfer_request

    pending = OwnershipTransfer.objects.filter(
        vehicle=vehicle, status=OwnershipTransfer.Status.TO_VALIDATE
    ).first()
    if pending is not None and pending.to_point_of_sale_id != order.point_of_sale_id:
        raise _refused(
            _(
                "Un transfert de ce véhicule vers un autre point de vente attend déjà une "
                "validation : la commande ne peut pas être envoyée."
            )
        )
    transfer = pending or transfer_request(
        vehicle=vehicle,
        to_point_of_sale=order.point_of_sale,
        by=by,
        reason=_("Commande n° %s") % order.pk,
        automatic=True,
        source=TRANSFER_SOURCE % order.pk,
    )
    previous = order.status
    order.wait_for_transfer()
    order.save(update_fields=["status"])
    order_event_record(
        order=order,
        kind="wait_for_transfer",
        by=by,
        from_status=previous,
        message=_("En attente du transfert de propriété : %(src)s → %(dst)s")
        % {"src": vehicle.point_of_sale.name, "dst": order.point_of_sale.name},
        data={"transfer": transfer.pk},
    )
    return order


def order_transfer_decided(*, transfer, by) -> None:
    """The transfer manager decided (V-14): approved, the order proceeds as if it had just
    been sent by its author; rejected, the order is refused with the reason."""
    orders = Order.objects.select_for_update(of=("self",)).filter(
        vehicle_id=transfer.vehicle_id, status=Order.Status.PENDING_TRANSFER
    )
    for order in orders.select_related("opportunity__customer", "point_of_sale"):
        waiting = order.events.filter(kind="wait_for_transfer").order_by("-at", "-pk").first()
        if waiting is None or waiting.data.get("transfer") != transfer.pk:
            continue
        if transfer.status == transfer.Status.APPROVED:
            order_event_record(
                order=order,
                kind="transfer_approved",
                by=by,
                message=_("Transfert de propriété validé"),
            )
            _order_proceed(order=order, by=waiting.by or by)
        else:
            reason = _("Transfert de propriété rejeté : %s") % transfer.reason
            order.decision_reason = reason[:500]
            _order_transition(
                order,
                "refuse",
                by=by,
                message=_("Commande refusée"),
                reason=order.decision_reason,
                fields=["decision_reason"],
            )
            _replaced_order_settle(order=order, by=by, replaced=False)
            _notify_salesperson(order, by, _("Commande n° %s refusée"), order.decision_reason)


def _order_proceed(*, order: Order, by) -> Order:
    """Validate at once for a holder of the right at the order's point of sale, or wait
    for a manager's validation."""
    if (
        user_can_validate_orders(by)
        and by.points_of_sale.filter(pk=order.point_of_sale_id).exists()
        or (user_can_validate_orders(by) and by.is_superuser)
    ):
        return _order_validate(order=order, by=by, message=_("Commande validée"))
    _order_transition(order, "submit", by=by, message=_("Envoyée pour validation"))
    validators = users_with_right("validate_orders", points_of_sale=[order.point_of_sale_id])
    url = reverse("opportunities:order_detail", args=[order.pk])
    title = _("Commande n° %(pk)s à valider (%(customer)s)") % {
        "pk": order.pk,
        "customer": order.opportunity.customer.display_name,
    }
    notifications_create_bulk(recipients=validators, kind="order_to_validate", title=title, url=url)
    return order


def _replaced_order_settle(*, order: Order, by, replaced: bool) -> None:
    """The order that ``order`` replaces leaves "en cours de modification": replaced once
    the new order is validated; back to its previous status if the new one is refused or
    cancelled before validation (the sale it carried still holds)."""
    if not order.replaces_id:
        return
    old = Order.objects.select_for_update().get(pk=order.replaces_id)
    if old.status != Order.Status.MODIFYING:
        return
    if replaced:
        _order_transition(
            old, "mark_replaced", by=by, message=_("Remplacée par la commande n° %s") % order.pk
        )
        return
    _order_restore(
        order=old,
        by=by,
        message=_("La commande n° %s qui devait la remplacer n'a pas abouti") % order.pk,
    )
    if old.status in Order.VALIDATED:
        _opportunity_win(opportunity=old.opportunity, by=by, message=_("Opportunité gagnée"))


def _order_validate(*, order: Order, by, message: str) -> Order:
    order.validated_at, order.validated_by = timezone.now(), by
    _order_transition(
        order, "validate", by=by, message=message, fields=["validated_at", "validated_by"]
    )
    _replaced_order_settle(order=order, by=by, replaced=True)
    _opportunity_win(
        opportunity=order.opportunity,
        by=by,
        message=_("Opportunité gagnée : commande n° %s validée") % order.pk,
    )
    _vehicle_follow(order, StandardStatus.DELIVERY, by, _("commande n° %s validée") % order.pk)
    _notify_salesperson(order, by, _("Commande n° %s validée"))
    return order


def _notify_salesperson(order: Order, by, title: str, reason: str = "") -> None:
    salesperson = order.opportunity.salesperson
    if by is not None and salesperson.pk == by.pk:
        return
    notification_create(
        recipient=salesperson,
        kind="order_decided",
        title=title % order.pk,
        body=reason,
        url=reverse("opportunities:order_detail", args=[order.pk]),
    )
    if salesperson.email:
        email_send(
            to=salesperson.email,
            recipient=salesperson,
            subject=title % order.pk,
            template="opportunities/order_decided",
            context={"order": order, "title": title % order.pk, "reason": reason, "by": by},
            kind="order_decided",
        )


def _vehicle_follow(order: Order, status: str, by, reason: str) -> None:
    """Move the vehicle after the commit (STYLE: side effects once the decision is saved)."""
    from .tasks import order_vehicle_follow_task

    order_id, by_id = order.pk, getattr(by, "pk", None)
    transaction.on_commit(lambda: order_vehicle_follow_task.delay(order_id, status, by_id, reason))


def _check_decider(order: Order, by) -> None:
    if not user_can_validate_orders(by):
        raise PermissionDenied(_("Le droit de valider les commandes est requis."))
    if not by.is_superuser and not by.points_of_sale.filter(pk=order.point_of_sale_id).exists():
        raise PermissionDenied(_("Cette commande n'est pas de votre point de vente."))


@transaction.atomic
def order_validate(*, order: Order, by) -> Order:
    """A manager accepts an order waiting for validation (row lock: one validation wins)."""
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status in Order.VALIDATED:
        raise _refused(_("Cette commande a déjà été validée."))
    if order.status != Order.Status.PENDING_VALIDATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    blockers = [
        _("Société : %s.") % item
        for item in legal_representative_missing(order.opportunity.customer)
    ]
    if blockers:
        raise ValidationError(blockers, code="blocked")
    return _order_validate(
        order=order, by=by, message=_("Commande validée par %s") % by.get_full_name()
    )


@transaction.atomic
def order_refuse(*, order: Order, by, reason: str) -> Order:
    reason = _reason(reason, required=True)
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_VALIDATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    order.decision_reason = reason
    _order_transition(
        order,
        "refuse",
        by=by,
        message=_("Commande refusée"),
        reason=reason,
        fields=["decision_reason"],
    )
    _replaced_order_settle(order=order, by=by, replaced=False)
    _notify_salesperson(order, by, _("Commande n° %s refusée"), reason)
    return order


@transaction.atomic
def order_cancel(*, order: Order, by, reason: str) -> Order:
    """Cancel: at once with the validation right (or a draft), otherwise a request that a
    superior confirms (O-5, "en attente d'annulation")."""
    reason = _reason(reason, required=True)
    order = _lock_order(order)
    if order.status == Order.Status.PENDING_CANCELLATION:
        raise _refused(_("L'annulation de cette commande est déjà demandée."))
    _check_can(order, "cancel")
    direct = order.status == Order.Status.DRAFT or (
        user_can_validate_orders(by)
        and (by.is_superuser or by.points_of_sale.filter(pk=order.point_of_sale_id).exists())
    )
    if not direct:
        _check_can(order, "request_cancellation")  # not from "en cours de modification"
        order.status_before = order.status
        order.decision_reason = reason
        _order_transition(
            order,
            "request_cancellation",
            by=by,
            message=_("Annulation demandée"),
            reason=reason,
            fields=["status_before", "decision_reason"],
        )
        validators = users_with_right("validate_orders", points_of_sale=[order.point_of_sale_id])
        url = reverse("opportunities:order_detail", args=[order.pk])
        notifications_create_bulk(
            recipients=validators,
            kind="order_cancellation_requested",
            title=_("Annulation de la commande n° %s à confirmer") % order.pk,
            url=url,
        )
        return order
    return _order_cancel(order=order, by=by, reason=reason, message=_("Commande annulée"))


def _order_cancel(*, order: Order, by, reason: str, message: str) -> Order:
    was_validated = order.status in Order.VALIDATED or order.status_before in Order.VALIDATED
    order.decision_reason = reason
    _order_transition(
        order, "cancel", by=by, message=message, reason=reason, fields=["decision_reason"]
    )
    if was_validated:
        _vehicle_follow(
            order, StandardStatus.SALES_STOCK, by, _("commande n° %s annulée") % order.pk
        )
        _opportunity_reopen_if_no_sale(opportunity=order.opportunity, by=by)
    else:
        _replaced_order_settle(order=order, by=by, replaced=False)
    _notify_salesperson(order, by, _("Commande n° %s annulée"), reason)
    return order


@transaction.atomic
def order_cancellation_confirm(*, order: Order, by) -> Order:
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_CANCELLATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    return _order_cancel(
        order=order, by=by, reason=order.decision_reason, message=_("Annulation confirmée")
    )


RESTORE = {
    Order.Status.ORDERED: "restore_ordered",
    Order.Status.TO_DELIVER: "restore_to_deliver",
    Order.Status.PENDING_VALIDATION: "restore_pending_validation",
    Order.Status.DRAFT: "restore_draft",
    Order.Status.PENDING_SIGNATURE: "restore_pending_signature",
    Order.Status.PENDING_TRANSFER: "restore_pending_transfer",
}


def _order_restore(*, order: Order, by, message: str, reason: str = "") -> Order:
    method = RESTORE.get(order.status_before, "restore_draft")
    order.status_before = ""
    _order_transition(
        order,
        method,
        by=by,
        message=message,
        reason=reason,
        fields=["status_before"],
        kind="restore",
    )
    return order


@transaction.atomic
def order_cancellation_reject(*, order: Order, by, reason: str) -> Order:
    reason = _reason(reason, required=True)
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_CANCELLATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    _order_restore(order=order, by=by, message=_("Annulation refusée"), reason=reason)
    _notify_salesperson(order, by, _("Annulation de la commande n° %s refusée"), reason)
    return order


def user_can_prepare_delivery(user, order: Order) -> bool:
    return (user_can_validate_orders(user) or user_has_type(user, "secretaire")) and (
        user.is_superuser or user.points_of_sale.filter(pk=order.point_of_sale_id).exists()
    )


@transaction.atomic
def order_prepare(*, order: Order, by) -> Order:
    """The vehicle is ready: the order moves to "à livrer"."""
    if not user_can_prepare_delivery(by, order):
        raise PermissionDenied(_("Réservé aux responsables des ventes et au secrétariat."))
    order = _lock_order(order)
    _check_can(order, "prepare")
    _order_transition(order, "prepare", by=by, message=_("Véhicule prêt : commande à livrer"))
    return order


@transaction.atomic
def order_deliver(*, order: Order, by, delivered_at=None) -> Order:
    """Declared delivered: the vehicle leaves the stock (lifeline status sortie)."""
    if not user_can_prepare_delivery(by, order) and by.pk != order.opportunity.salesperson_id:
        raise PermissionDenied(_("Vous ne pouvez pas déclarer cette commande livrée."))
    order = _lock_order(order)
    _check_can(order, "deliver")
    order.delivered_at = delivered_at or timezone.now()
    if order.delivered_at > timezone.now():
        raise ValidationError({"delivered_at": _("La livraison ne peut pas être dans le futur.")})
    _order_transition(
        order, "deliver", by=by, message=_("Commande livrée"), fields=["delivered_at"]
    )
    _vehicle_follow(order, StandardStatus.EXIT, by, _("commande n° %s livrée") % order.pk)
    return order


@transaction.atomic
def order_factory_ordered(*, order: Order, by) -> Order:
    """A VN order has been placed with the manufacturer ("à commander usine", O-10)."""
    if not by.has_perm("accounts.access_vn"):
        raise PermissionDenied(_("Le droit VN est requis."))
    order = _lock_order(order)
    if order.vehicle.parc != Parc.VN or order.status not in (
        Order.Status.ORDERED,
        Order.Status.TO_DELIVER,
    ):
        raise _refused(_("Seule une commande VN validée se commande à l'usine."))
    if order.factory_ordered_at:
        raise _refused(_("Cette commande a déjà été passée à l'usine."))
    order.factory_ordered_at = timezone.now()
    order.save(update_fields=["factory_ordered_at"])
    order_event_record(order=order, kind="factory", by=by, message=_("Commandé à l'usine"))
    return order


@transaction.atomic
def order_modify(*, order: Order, by) -> Offer:
    """ "Modifier": the order waits "en cours de modification" while a new version of its
    offer is prepared; the order passed from that offer replaces it (O-5)."""
    order = _lock_order(order)
    _check_can(order, "start_modification")
    _check_open_or_won(order.opportunity)
    order.status_before = order.status
    _order_transition(
        order,
        "start_modification",
        by=by,
        message=_("Modification en cours"),
        fields=["status_before"],
    )
    offer = Offer.objects.select_related("opportunity", "vehicle").get(pk=order.offer_id)
    copy = _offer_copy(offer, by, replaces_order=order)
    _offer_recorded(copy, by, _("Offre n° %%(pk)s : modification de la commande n° %s") % order.pk)
    return copy


def _check_open_or_won(opportunity: Opportunity) -> None:
    if opportunity.status == Opportunity.Status.ABANDONED:
        raise _refused(_("Cette opportunité est abandonnée."))
    if opportunity.status == Opportunity.Status.WON:
        # A modification reopens the sale until the replacing order is validated.
        opp = _lock_opportunity(opportunity)
        opp.reopen()
        opp.closed_at = None
        opp.save(update_fields=["status", "closed_at"])
        # The status is FSM-protected: reload it rather than assign it.
        opportunity.refresh_from_db(fields=["status", "closed_at"])


@transaction.atomic
def order_modification_withdraw(*, order: Order, by) -> Order:
    order = _lock_order(order)
    if order.status != Order.Status.MODIFYING:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    for offer in Offer.objects.select_for_update().filter(
        replaces_order=order, status=Offer.Status.OPEN
    ):
        offer.cancel()
        offer.cancelled_at = timezone.now()
        offer.save(update_fields=["status", "cancelled_at"])
    _order_restore(order=order, by=by, message=_("Modification abandonnée"))
    if order.status in Order.VALIDATED:
        _opportunity_win(opportunity=order.opportunity, by=by, message=_("Opportunité gagnée"))
    return order


def order_actions(order: Order, user) -> list[dict]:
    """The buttons of the order page: what this user may do now (templates ask, not decide)."""
    actions = []
    decider = user_can_validate_orders(user) and (
        user.is_superuser or order.point_of_sale_id in {p.pk for p in user.points_of_sale.all()}
    )
    S = Order.Status
    if order.status == S.DRAFT:
        actions.append({"name": "submit", "label": _("Valider et imprimer"), "style": "primary"})
    if order.status == S.PENDING_VALIDATION and decider:
        actions.append({"name": "validate", "label": _("Valider"), "style": "primary"})
        actions.append({"name": "refuse", "label": _("Refuser"), "style": "danger", "reason": True})
    if order.status == S.PENDING_CANCELLATION and decider:
        actions.append(
            {
                "name": "confirm_cancellation",
                "label": _("Confirmer l'annulation"),
                "style": "danger",
            }
        )
        actions.append(
            {
                "name": "reject_cancellation",
                "label": _("Refuser l'annulation"),
                "style": "secondary",
                "reason": True,
            }
        )
    if order.status == S.ORDERED and user_can_prepare_delivery(user, order):
        actions.append({"name": "prepare", "label": _("Prêt à livrer"), "style": "primary"})
    if order.status == S.TO_DELIVER and (
        user_can_prepare_delivery(user, order) or user.pk == order.opportunity.salesperson_id
    ):
        actions.append({"name": "deliver", "label": _("Déclarer livré"), "style": "primary"})
    if (
        order.vehicle.parc == Parc.VN
        and order.status in (S.ORDERED, S.TO_DELIVER)
        and not order.factory_ordered_at
        and user.has_perm("accounts.access_vn")
    ):
        actions.append({"name": "factory", "label": _("Commandé à l'usine"), "style": "secondary"})
    if (
        order.status in Order.MODIFIABLE
        and order.opportunity.status != Opportunity.Status.ABANDONED
    ):
        actions.append({"name": "modify", "label": _("Modifier"), "style": "secondary"})
    if order.status == S.MODIFYING:
        actions.append(
            {
                "name": "withdraw_modification",
                "label": _("Abandonner la modification"),
                "style": "secondary",
            }
        )
    if order.status in Order.CANCELLABLE:
        label = (
            _("Annuler la commande")
            if (decider or order.status == S.DRAFT)
            else _("Demander l'annulation")
        )
        actions.append({"name": "cancel", "label": label, "style": "danger", "reason": True})
    return actions


def order_vehicle_follow(*, order_id: int, status: str, by_id: int | None, reason: str) -> None:
    """Task body: move the vehicle where the order puts it; recorded on the order."""
    from django.contrib.auth import get_user_model

    from vehicles.services import vehicle_status_follow_sale

    order = Order.objects.select_related("vehicle").get(pk=order_id)
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    with transaction.atomic():
        moved = vehicle_status_follow_sale(vehicle=order.vehicle, to=status, by=by, reason=reason)
        if moved is not None:
            order_event_record(
                order=order,
                kind="vehicle",
                by=by,
                message=_("Véhicule passé au statut « %s »") % StandardStatus(status).label
                if status in StandardStatus.values
                else status,
            )


def order_quick_actions(order: Order, user, *, decider: bool, pos_ids: set[int]) -> list[dict]:
    """The actions a manager takes from the order lists (O-10), without a query per row."""
    S = Order.Status
    if not (decider and (user.is_superuser or order.point_of_sale_id in pos_ids)):
        return []
    return {
        S.PENDING_VALIDATION: [
            {"name": "validate", "label": _("Valider"), "style": "primary"},
            {"name": "refuse", "label": _("Refuser"), "style": "danger", "reason": True},
        ],
        S.PENDING_CANCELLATION: [
            {
                "name": "confirm_cancellation",
                "label": _("Confirmer l'annulation"),
                "style": "danger",
            },
            {
                "name": "reject_cancellation",
                "label": _("Refuser"),
                "style": "secondary",
                "reason": True,
            },
        ],
        S.ORDERED: [{"name": "prepare", "label": _("Prêt à livrer"), "style": "primary"}],
        S.TO_DELIVER: [{"name": "deliver", "label": _("Déclarer livré"), "style": "primary"}],
    }.get(order.status, [])


@transaction.atomic
def sales_settings_update(*, by, **values) -> SalesSettings:
    current = SalesSettings.objects.select_for_update().get(pk=SalesSettings.current().pk)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean()
    if changed:
        current.save(update_fields=changed)
    return current
