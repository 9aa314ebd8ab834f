"""Every write on trade-ins (O-8): creation, estimate requests, decisions, completion."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from openflex.accounts import rules
from openflex.accounts.models import PhysicalSite
from openflex.core.images import ReencodedImage, image_reencode
from openflex.core.inputs import brand_key, reason_clean
from openflex.core.money import format_money
from openflex.notifications.services import email_send, notifications_create_bulk
from openflex.outbox.services import effect_enqueue, effect_key
from opportunities.customers import services as customers_services
from opportunities.customers.models import Customer
from opportunities.sales import pricing, selectors
from opportunities.sales import services as sales_services
from opportunities.sales.models import Offer, Opportunity, OpportunityEvent, SalesSettings
from opportunities.sales.services import core as sales_core
from opportunities.tradeins.models import TradeIn, TradeInEvent, TradeInPhoto, ValidatorFilter
from opportunities.tradeins.selectors import (
    EDITABLE_FIELDS,
    MAX_MILEAGE,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    MAX_VALUE,
    PHOTO_EXTENSIONS,
    ZERO,
    _refused,
    _who,
    tradein_validators_for,
    user_can_decide,
    user_can_edit,
    user_can_handle,
    user_is_tradein_validator,
)
from vehicles.models import Energy, Parc, VatRegime, VehicleEvent, vin_validator
from vehicles.services import vehicle_create, vehicle_event_record

NOTIFY_VALIDATORS = "tradeins.notify_validators"
NOTIFY_DECISION = "tradeins.notify_decision"


def tradein_event_record(
    *, trade_in: TradeIn, kind: str, message: str, by=None, data=None
) -> TradeInEvent:
    message = message[:500]
    event = TradeInEvent.objects.create(
        trade_in=trade_in, kind=kind, message=message, by=by, data=data or {}
    )
    if trade_in.opportunity_id:
        sales_services.opportunity_event_record(
            opportunity=trade_in.opportunity,
            kind=OpportunityEvent.Kind.OFFER,
            by=by,
            message=_("Reprise n° %(pk)s : %(message)s") % {"pk": trade_in.pk, "message": message},
            data={"trade_in": trade_in.pk, **(data or {})},
        )
    return event


def tradein_clean(values: dict) -> dict:
    """Check and normalise the vehicle and the amounts; ValidationError keyed by field."""
    errors = {}
    cleaned = dict(values)
    for name in ("estimate", "requested_value", "proposed_value"):
        value = cleaned.get(name)
        if value in (None, ""):
            cleaned[name] = ZERO
            continue
        try:
            value = pricing.parse_amount(value)
        except ValueError:
            errors[name] = _("Saisissez un montant.")
            continue
        if value < ZERO:
            errors[name] = _("Le montant ne peut pas être négatif.")
        elif value > MAX_VALUE:
            errors[name] = _("Ce montant n'est pas plausible.")
        cleaned[name] = value
    mileage = cleaned.get("mileage")
    if mileage in (None, ""):
        cleaned["mileage"] = 0
    else:
        try:
            mileage = int(mileage)
        except (TypeError, ValueError):
            errors["mileage"] = _("Saisissez un kilométrage en km.")
        else:
            if mileage < 0:
                errors["mileage"] = _("Le kilométrage ne peut pas être négatif.")
            elif mileage > MAX_MILEAGE:
                errors["mileage"] = _("Ce kilométrage n'est pas plausible.")
            cleaned["mileage"] = mileage
    vin = (cleaned.get("vin") or "").strip().upper().replace(" ", "")
    if vin:
        try:
            vin_validator(vin)
        except ValidationError as exc:
            errors["vin"] = exc.messages[0]
    cleaned["vin"] = vin
    for name in ("brand", "model"):
        if not (cleaned.get(name) or "").strip():
            errors[name] = _("Ce champ est obligatoire.")
    first = cleaned.get("first_registration")
    if first:
        today = timezone.localdate()
        if first > today:
            errors["first_registration"] = _("La date de 1re immatriculation est dans le futur.")
        elif first.year < 1900:
            errors["first_registration"] = _("Cette date n'est pas plausible.")
    energy = cleaned.get("energy") or ""
    if energy and energy not in Energy.values:
        errors["energy"] = _("Énergie inconnue.")
    if cleaned.get("kind") and cleaned["kind"] not in TradeIn.Kind.values:
        errors["kind"] = _("Type de reprise inconnu.")
    if cleaned.get("destination") and cleaned["destination"] not in TradeIn.Destination.values:
        errors["destination"] = _("Destination inconnue.")
    if errors:
        raise ValidationError(errors)
    for name in ("brand", "model", "version", "registration", "condition"):
        if name in cleaned and cleaned[name] is not None:
            cleaned[name] = str(cleaned[name]).strip()
    if cleaned.get("registration"):
        cleaned["registration"] = cleaned["registration"].upper()
    if "brand" in cleaned:
        cleaned["brand_key"] = brand_key(cleaned["brand"])
    return cleaned


def _prepare_photos(photos) -> list[ReencodedImage]:
    """Check and re-encode every photo before anything is written: one refused photo
    (not an image, too many pixels) refuses them all and stores nothing."""
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("%s photos au plus.") % MAX_PHOTOS})
    for photo in photos:
        if getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
            raise ValidationError({"photos": _("Chaque photo pèse 10 Mo au plus.")})
        content_type = getattr(photo, "content_type", "") or ""
        extension = (getattr(photo, "name", "") or "").rsplit(".", 1)[-1].lower()
        if (content_type and not content_type.startswith("image/")) or (
            extension not in PHOTO_EXTENSIONS
        ):
            raise ValidationError({"photos": _("Seules des images sont acceptées.")})
    try:
        return [image_reencode(photo) for photo in photos]
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from None


def _check_offer(offer: Offer | None, opportunity: Opportunity | None) -> None:
    if offer is None:
        return
    if opportunity is None or offer.opportunity_id != opportunity.pk:
        raise ValidationError({"offer": _("Cette offre n'appartient pas à l'opportunité.")})
    if offer.status != Offer.Status.OPEN:
        raise ValidationError({"offer": _("Choisissez une offre en cours.")})


def _save_photos(trade_in: TradeIn, photos: list[ReencodedImage]) -> None:
    """Through the FileFields' storage (local files, or S3 by configuration), under
    random names."""
    for photo in photos:
        TradeInPhoto.objects.create(
            trade_in=trade_in,
            image=photo.content,
            thumbnail=photo.thumbnail,
            content_type=photo.content_type,
        )


@transaction.atomic
def tradein_create(
    *, opportunity: Opportunity, by, offer: Offer | None = None, photos=(), **fields
) -> TradeIn:
    """A trade-in in an opportunity (its salesperson, or whoever sees the opportunity)."""
    values = tradein_clean({k: fields.get(k) for k in EDITABLE_FIELDS if k in fields})
    photos = _prepare_photos(photos)
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.OPEN:
        raise _refused(_("Cette opportunité n'est plus en cours : ajoutez la reprise ailleurs."))
    if not selectors.opportunity_queryset_for_user(by).filter(pk=opportunity.pk).exists():
        raise PermissionDenied(_("Vous ne voyez pas cette opportunité."))
    values.setdefault("kind", TradeIn.Kind.WITH_ORDER if offer else TradeIn.Kind.DRY)
    if values["kind"] == TradeIn.Kind.DRY:
        offer = None
    _check_offer(offer, opportunity)
    trade_in = TradeIn.objects.create(
        opportunity=opportunity,
        offer=offer,
        customer_id=opportunity.customer_id,
        point_of_sale_id=opportunity.point_of_sale_id,
        creation_method=TradeIn.Method.REQUESTERS,
        created_by=by,
        **values,
    )
    _save_photos(trade_in, photos)
    tradein_event_record(
        trade_in=trade_in,
        kind="created",
        by=by,
        message=_("%(kind)s créée : %(vehicle)s, valeur proposée %(value)s (à valider)")
        % {
            "kind": trade_in.get_kind_display(),
            "vehicle": f"{trade_in.brand} {trade_in.model}",
            "value": format_money(trade_in.proposed_value),
        },
    )
    sales_core.opportunity_touch(opportunity)
    _notify_validators_on_commit(trade_in.pk)
    return trade_in


@transaction.atomic
def tradein_request_create(
    *,
    by,
    point_of_sale,
    creation_method: str = TradeIn.Method.REQUESTERS,
    customer=None,
    photos=(),
    **fields,
) -> TradeIn:
    """An estimate request without opportunity, from a requester or a campaign."""
    values = tradein_clean({k: fields.get(k) for k in EDITABLE_FIELDS if k in fields})
    photos = _prepare_photos(photos)
    if creation_method not in TradeIn.Method.values:
        raise ValidationError({"creation_method": _("Mode de création inconnu.")})
    if by is not None and not rules.works_at(by, point_of_sale.pk):
        raise ValidationError({"point_of_sale": _("Vous n'êtes pas rattaché à ce point de vente.")})
    values.setdefault("kind", TradeIn.Kind.DRY)
    trade_in = TradeIn.objects.create(
        point_of_sale=point_of_sale,
        customer=customer,
        creation_method=creation_method,
        created_by=by,
        **values,
    )
    _save_photos(trade_in, photos)
    tradein_event_record(
        trade_in=trade_in,
        kind="created",
        by=by,
        message=_("Demande d'estimation (%(method)s, %(destination)s) : %(vehicle)s")
        % {
            "method": trade_in.get_creation_method_display(),
            "destination": trade_in.get_destination_display(),
            "vehicle": f"{trade_in.brand} {trade_in.model}",
        },
    )
    _notify_validators_on_commit(trade_in.pk)
    return trade_in


def tradein_request_from_campaign(**data) -> TradeIn:
    """An online campaign's estimate request (creation method "Campagne").

    ``data``: ``point_of_sale`` (instance) or ``point_of_sale_code``, ``destination``,
    the vehicle fields, ``requested_value``, optionally ``customer`` (a dict of customer
    fields: a private customer is created at that point of sale, or a Customer).
    """
    from openflex.accounts.models import PointOfSale
    from opportunities.customers.models import Customer

    data = dict(data)
    point_of_sale = data.pop("point_of_sale", None)
    code = data.pop("point_of_sale_code", None)
    if point_of_sale is None:
        point_of_sale = PointOfSale.objects.filter(code=code).first()
        if point_of_sale is None:
            raise ValidationError({"point_of_sale": _("Point de vente inconnu.")})
    customer = data.pop("customer", None)
    with transaction.atomic():
        if isinstance(customer, dict):
            customer = customers_services.customer_create(
                by=None,
                point_of_sale=point_of_sale,
                allow_duplicate=True,
                kind=Customer.Kind.PERSON,
                **customer,
            )
        data.pop("creation_method", None)
        return tradein_request_create(
            by=None,
            point_of_sale=point_of_sale,
            creation_method=TradeIn.Method.CAMPAIGN,
            customer=customer,
            **data,
        )


def _lock(trade_in: TradeIn) -> TradeIn:
    return (
        TradeIn.objects.select_for_update(of=("self",))
        .select_related("opportunity", "point_of_sale")
        .get(pk=trade_in.pk)
    )


@transaction.atomic
def tradein_update(
    *, trade_in: TradeIn, by, offer: Offer | None = None, photos=(), **fields
) -> TradeIn:
    """Edit the vehicle and the values while the trade-in is "à valider"."""
    values = tradein_clean({k: fields.get(k) for k in EDITABLE_FIELDS if k in fields})
    photos = _prepare_photos(photos)
    trade_in = _lock(trade_in)
    if trade_in.status != TradeIn.Status.TO_VALIDATE:
        raise _refused(_("Seule une reprise à valider se modifie."))
    if not user_can_edit(by, trade_in):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette reprise."))
    kind = values.get("kind", trade_in.kind)
    if trade_in.opportunity_id:
        offer = None if kind == TradeIn.Kind.DRY else offer
        _check_offer(offer, trade_in.opportunity)
        values["offer"] = offer
    changed = [name for name, value in values.items() if getattr(trade_in, name) != value]
    for name in changed:
        setattr(trade_in, name, values[name])
    if changed:
        trade_in.save(update_fields=changed)
    _save_photos(trade_in, photos)
    changed = [name for name in changed if name != "brand_key"]  # it follows the brand
    if changed or photos:
        labels = [str(TradeIn._meta.get_field(n).verbose_name) for n in changed]
        if photos:
            labels.append(_("photos"))
        tradein_event_record(
            trade_in=trade_in,
            kind="updated",
            by=by,
            message=_("Modifiée : %s") % ", ".join(labels),
            data={"fields": changed},
        )
    return trade_in


def _decide(trade_in: TradeIn, by, method: str) -> TradeIn:
    trade_in = _lock(trade_in)
    if not user_can_decide(by, trade_in):
        raise PermissionDenied(
            _("Seul un valideur de reprises de ce point de vente décide de cette reprise.")
        )
    if not can_proceed(getattr(trade_in, method)):
        raise _refused(
            _("Cette reprise est « %s » : ce changement n'est pas possible.")
            % trade_in.get_status_display()
        )
    return trade_in


@transaction.atomic
def tradein_start_auction(*, trade_in: TradeIn, by) -> TradeIn:
    """Offer the vehicle to professional bidders before deciding (enchère en cours)."""
    trade_in = _decide(trade_in, by, "start_auction")
    trade_in.start_auction()
    trade_in.save(update_fields=["status"])
    tradein_event_record(
        trade_in=trade_in,
        kind="auction",
        by=by,
        message=_("Mise en enchère par %s") % _who(by),
    )
    _notify_decision_on_commit(trade_in.pk)
    return trade_in


@transaction.atomic
def tradein_validate(*, trade_in: TradeIn, by) -> TradeIn:
    trade_in = _decide(trade_in, by, "validate")
    trade_in.validate()
    trade_in.decided_at, trade_in.decided_by = timezone.now(), by
    trade_in.save(update_fields=["status", "decided_at", "decided_by"])
    tradein_event_record(
        trade_in=trade_in,
        kind="validated",
        by=by,
        message=_("Validée par %(who)s : valeur de reprise %(value)s")
        % {"who": _who(by), "value": format_money(trade_in.proposed_value)},
    )
    if trade_in.kind == TradeIn.Kind.WITH_ORDER and trade_in.offer_id:
        _offer_value_refresh(trade_in=trade_in, by=by)
    _notify_decision_on_commit(trade_in.pk)
    return trade_in


@transaction.atomic
def tradein_refuse(*, trade_in: TradeIn, by, reason: str) -> TradeIn:
    reason = reason_clean(reason, required=True, required_message=_("Indiquez le motif du refus."))
    trade_in = _decide(trade_in, by, "refuse")
    trade_in.refuse()
    trade_in.decided_at, trade_in.decided_by = timezone.now(), by
    trade_in.decision_reason = reason
    trade_in.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    tradein_event_record(
        trade_in=trade_in,
        kind="refused",
        by=by,
        message=_("Refusée par %(who)s : %(reason)s") % {"who": _who(by), "reason": reason},
    )
    _notify_decision_on_commit(trade_in.pk)
    return trade_in


def _offer_value_refresh(*, trade_in: TradeIn, by) -> None:
    """The offer's trade-in value = the validated trade-ins attached to it (offer en cours
    only: a validated offer keeps what the customer accepted)."""
    offer = Offer.objects.select_for_update(of=("self",)).get(pk=trade_in.offer_id)
    if offer.status != Offer.Status.OPEN:
        tradein_event_record(
            trade_in=trade_in,
            kind="offer",
            by=by,
            message=_(
                "Valeur non reportée sur l'offre n° %(offer)s (%(status)s) : elle garde ses "
                "montants ; utilisez « Modifier » sur l'offre"
            )
            % {"offer": offer.pk, "status": offer.get_status_display().lower()},
        )
        return
    total = (
        TradeIn.objects.filter(
            offer_id=offer.pk, kind=TradeIn.Kind.WITH_ORDER, status=TradeIn.Status.VALIDATED
        ).aggregate(total=Sum("proposed_value"))["total"]
        or ZERO
    )
    offer.trade_in_value = pricing.cents(total)
    offer.save(update_fields=["trade_in_value"])
    tradein_event_record(
        trade_in=trade_in,
        kind="offer",
        by=by,
        message=_("Valeur de reprise de l'offre n° %(offer)s : %(value)s")
        % {"offer": offer.pk, "value": format_money(offer.trade_in_value)},
        data={"offer": offer.pk},
    )


def _physical_site(point_of_sale_id) -> PhysicalSite:
    site = PhysicalSite.objects.filter(point_of_sale_id=point_of_sale_id).order_by("pk").first()
    if site is None:
        raise _refused(_("Ce point de vente n'a pas de site de présence physique."))
    return site


def tradein_vat_regime(trade_in: TradeIn) -> str:
    """The VAT regime of the VO that a trade-in brings into the stock (issue 13).

    A private person sells without VAT: the dealer resells under the margin scheme
    (article 297 A of the CGI). A company is taken as VAT-registered, selling with VAT:
    the dealer resells with VAT on the whole price. A request without a known seller is
    a private person's (campaigns). The fleet manager corrects the regime on the vehicle's
    form when the seller's invoice says otherwise (a company that sold without VAT)."""
    customer = trade_in.customer
    if customer is None and trade_in.opportunity_id:
        customer = trade_in.opportunity.customer
    if customer is not None and customer.kind == Customer.Kind.COMPANY:
        return VatRegime.NORMAL
    return VatRegime.MARGIN


def _stock_vehicle(trade_in: TradeIn, by):
    """Create the VO of a locked validated trade-in (once), with the VAT regime that its
    seller gives it and the trade-in value as its purchase price."""
    if trade_in.stock_vehicle_id:
        return trade_in.stock_vehicle
    missing = []
    if not trade_in.vin:
        missing.append(_("le n° de châssis (VIN)"))
    if not trade_in.energy:
        missing.append(_("l'énergie"))
    if missing:
        raise ValidationError(
            _("Pour créer le VO en stock, renseignez %s de la reprise.") % " et ".join(missing)
        )
    days = SalesSettings.current().stock_entry_days
    expected = timezone.localdate() + timedelta(days=days)
    try:
        vehicle = vehicle_create(
            by=by,
            parc=Parc.VO,
            destination=trade_in.destination,
            brand=trade_in.brand,
            model=trade_in.model,
            version=trade_in.version,
            energy=trade_in.energy,
            registration=trade_in.registration,
            vin=trade_in.vin,
            mileage=trade_in.mileage,
            first_registration=trade_in.first_registration,
            point_of_sale_id=trade_in.point_of_sale_id,
            physical_site=_physical_site(trade_in.point_of_sale_id),
            vat_regime=tradein_vat_regime(trade_in),
            purchase_price=trade_in.proposed_value,
        )
    except ValidationError as exc:
        raise ValidationError(
            _("Le VO ne peut pas être créé : %s") % " ".join(exc.messages)
        ) from None
    trade_in.stock_vehicle, trade_in.expected_entry_date = vehicle, expected
    trade_in.save(update_fields=["stock_vehicle", "expected_entry_date"])
    date_text = expected.strftime("%d/%m/%Y")
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.CREATED,
        by=by,
        message=_(
            "Issu de la reprise n° %(pk)s (%(value)s) ; entrée prévue le %(date)s "
            "(délai d'entrée en stock : %(days)s jours) ; %(regime)s"
        )
        % {
            "pk": trade_in.pk,
            "value": format_money(trade_in.proposed_value),
            "date": date_text,
            "days": days,
            "regime": vehicle.get_vat_regime_display(),
        },
        data={
            "trade_in": trade_in.pk,
            "expected_entry_date": expected.isoformat(),
            "vat_regime": vehicle.vat_regime,
        },
    )
    tradein_event_record(
        trade_in=trade_in,
        kind="stock",
        by=by,
        message=_("VO n° %(number)s créé en stock (pré-entrée), entrée prévue le %(date)s")
        % {"number": vehicle.pk, "date": date_text},
        data={"vehicle": vehicle.pk},
    )
    return vehicle


@transaction.atomic
def tradein_stock_vehicle_create(*, trade_in: TradeIn, by):
    """ "Créer le VO en stock": idempotent, one VO per trade-in."""
    trade_in = _lock(trade_in)
    if not user_can_handle(by, trade_in):
        raise PermissionDenied(_("Vous ne pouvez pas créer ce VO."))
    if trade_in.stock_vehicle_id:
        return trade_in.stock_vehicle
    if trade_in.status != TradeIn.Status.VALIDATED:
        raise _refused(_("Seule une reprise validée entre en stock."))
    return _stock_vehicle(trade_in, by)


def tradein_pending_offer(trade_in: TradeIn) -> Offer | None:
    """The dry trade-in's offer waiting for the customer's acceptance (S-4): validated, on
    the trade-in's VO, in its opportunity (the latest version after a "Modifier")."""
    if not trade_in.stock_vehicle_id or not trade_in.opportunity_id:
        return None
    return (
        Offer.objects.filter(
            opportunity_id=trade_in.opportunity_id,
            vehicle_id=trade_in.stock_vehicle_id,
            status=Offer.Status.VALIDATED,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def tradein_offer_create(*, trade_in: TradeIn, by) -> Offer:
    """ "Établir l'offre de reprise" (S-4): the dealer's offer to buy the customer's
    vehicle — on the trade-in's VO (created in pré-entrée if needed), vehicle price 0,
    trade-in value = the proposed value — validated at once; the customer accepts it by
    signing (online: "Envoyer pour e-signature", or on paper); "Finaliser la reprise"
    then ends it terminée."""
    trade_in = _lock(trade_in)
    if not user_can_handle(by, trade_in):
        raise PermissionDenied(_("Vous ne pouvez pas établir cette offre."))
    if trade_in.kind != TradeIn.Kind.DRY or not trade_in.opportunity_id:
        raise _refused(_("Seule une reprise sèche d'une opportunité a une offre de reprise."))
    if trade_in.status != TradeIn.Status.VALIDATED or trade_in.completed_at:
        raise _refused(_("La reprise doit être validée et non finalisée."))
    if trade_in.opportunity.status != Opportunity.Status.OPEN:
        raise _refused(_("L'opportunité n'est plus en cours."))
    if tradein_pending_offer(trade_in) is not None:
        raise _refused(_("L'offre de reprise est déjà établie."))
    vehicle = _stock_vehicle(trade_in, by)
    offer = Offer.objects.create(
        opportunity_id=trade_in.opportunity_id,
        vehicle=vehicle,
        vehicle_price=ZERO,
        trade_in_value=trade_in.proposed_value,
        created_by=by,
    )
    offer.validate()
    offer.validated_at = timezone.now()
    offer.save(update_fields=["status", "validated_at"])
    trade_in.offer = offer
    trade_in.save(update_fields=["offer"])
    tradein_event_record(
        trade_in=trade_in,
        kind="offer",
        by=by,
        message=_("Offre de reprise n° %(offer)s établie : %(value)s")
        % {"offer": offer.pk, "value": format_money(trade_in.proposed_value)},
        data={"offer": offer.pk},
    )
    return offer


@transaction.atomic
def tradein_complete(*, trade_in: TradeIn, by) -> TradeIn:
    """ "Finaliser la reprise" (dry trade-in accepted by the customer): the VO enters the
    stock, an offer documents the purchase and ends "terminée", the opportunity is won."""
    trade_in = _lock(trade_in)
    if not user_can_handle(by, trade_in):
        raise PermissionDenied(_("Vous ne pouvez pas finaliser cette reprise."))
    if trade_in.kind != TradeIn.Kind.DRY or not trade_in.opportunity_id:
        raise _refused(_("Seule une reprise sèche d'une opportunité se finalise."))
    if trade_in.completed_at:
        raise _refused(_("Cette reprise est déjà finalisée."))
    if trade_in.status != TradeIn.Status.VALIDATED:
        raise _refused(_("La reprise doit d'abord être validée."))
    opportunity = Opportunity.objects.select_for_update().get(pk=trade_in.opportunity_id)
    if opportunity.status != Opportunity.Status.OPEN:
        raise _refused(_("L'opportunité n'est plus en cours."))
    vehicle = _stock_vehicle(trade_in, by)
    # The offer of reprise already accepted (S-4), else one recorded now.
    offer = tradein_pending_offer(trade_in)
    if offer is not None:
        offer = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
    else:
        offer = Offer.objects.create(
            opportunity=opportunity,
            vehicle=vehicle,
            vehicle_price=ZERO,
            trade_in_value=trade_in.proposed_value,
            created_by=by,
        )
        offer.validate()
        offer.validated_at = timezone.now()
    offer.finish()
    offer.save(update_fields=["status", "validated_at"])
    trade_in.offer, trade_in.completed_at = offer, timezone.now()
    trade_in.save(update_fields=["offer", "completed_at"])
    text = _(
        "Offre n° %(offer)s de reprise sèche terminée : rachat de %(vehicle)s pour %(value)s"
    ) % {
        "offer": offer.pk,
        "vehicle": f"{trade_in.brand} {trade_in.model}",
        "value": format_money(trade_in.proposed_value),
    }
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.OFFER,
        by=by,
        message=text + _(" (opportunité n° %s)") % opportunity.pk,
        data={"offer": offer.pk, "opportunity": opportunity.pk, "trade_in": trade_in.pk},
    )
    tradein_event_record(
        trade_in=trade_in,
        kind="completed",
        by=by,
        message=_("Reprise effectuée. ") + text,
        data={"offer": offer.pk},
    )
    sales_core.opportunity_win(
        opportunity=opportunity,
        by=by,
        message=_("Opportunité gagnée : reprise sèche n° %s effectuée") % trade_in.pk,
    )
    return trade_in


@transaction.atomic
def validator_filter_save(*, user, destinations=(), brands=(), methods=()) -> ValidatorFilter:
    """ "Enregistrer mes filtres": preselected next time, and the notification routing."""
    if not user_is_tradein_validator(user):
        raise PermissionDenied(_("Réservé aux valideurs de reprises."))
    bad = [d for d in destinations if d not in TradeIn.Destination.values]
    bad += [m for m in methods if m not in TradeIn.Method.values]
    if bad:
        raise ValidationError(_("Filtre inconnu."))
    values = {
        "destinations": sorted(set(destinations)),
        "brands": sorted({key for key in map(brand_key, brands) if key}),
        "methods": sorted(set(methods)),
        "updated_at": timezone.now(),
    }
    saved, _created = ValidatorFilter.objects.update_or_create(user=user, defaults=values)
    return saved


def _notify_validators_on_commit(trade_in_id: int) -> None:
    effect_enqueue(
        kind=NOTIFY_VALIDATORS,
        key=effect_key("tradein", trade_in_id, "validators"),
        payload={"trade_in_id": trade_in_id},
    )


@transaction.atomic
def tradein_notify_validators(*, trade_in_id: int) -> int:
    """In-app notifications (one bulk insert) and emails to the matching validators (an
    outbox effect of the request or the decision: it runs once, after their commit)."""
    trade_in = TradeIn.objects.select_related("point_of_sale", "opportunity__customer").get(
        pk=trade_in_id
    )
    recipients = list(tradein_validators_for(trade_in))
    if not recipients:
        return 0
    url = reverse("opportunities:tradein_detail", args=[trade_in.pk])
    title = _("Reprise à valider : %(vehicle)s (%(destination)s, %(method)s)") % {
        "vehicle": f"{trade_in.brand} {trade_in.model}",
        "destination": trade_in.get_destination_display(),
        "method": trade_in.get_creation_method_display(),
    }
    notifications_create_bulk(recipients=recipients, kind="tradein_request", title=title, url=url)
    for user in recipients:
        email_send(
            to=user.email,
            subject=title,
            template="opportunities/tradein_request",
            context={"trade_in": trade_in, "url": url},
            kind="tradein_request",
            recipient=user,
        )
    return len(recipients)


def _notify_decision_on_commit(trade_in_id: int) -> None:
    effect_enqueue(
        kind=NOTIFY_DECISION,
        key=effect_key("tradein", trade_in_id, "decision"),
        payload={"trade_in_id": trade_in_id},
    )


@transaction.atomic
def tradein_notify_decision(*, trade_in_id: int) -> int:
    """The requester and the opportunity's salesperson learn the decision."""
    trade_in = TradeIn.objects.select_related(
        "opportunity__salesperson", "created_by", "decided_by"
    ).get(pk=trade_in_id)
    people = {}
    for user in (trade_in.created_by, trade_in.opportunity and trade_in.opportunity.salesperson):
        if user is not None and user.is_active and user.pk != trade_in.decided_by_id:
            people[user.pk] = user
    if not people:
        return 0
    url = reverse("opportunities:tradein_detail", args=[trade_in.pk])
    title = _("Reprise n° %(pk)s (%(vehicle)s) : %(status)s") % {
        "pk": trade_in.pk,
        "vehicle": f"{trade_in.brand} {trade_in.model}",
        "status": trade_in.get_status_display().lower(),
    }
    notifications_create_bulk(
        recipients=people.values(), kind="tradein_decision", title=title, url=url
    )
    for user in people.values():
        email_send(
            to=user.email,
            subject=title,
            template="opportunities/tradein_decision",
            context={"trade_in": trade_in, "url": url},
            kind="tradein_decision",
            recipient=user,
        )
    return len(people)
