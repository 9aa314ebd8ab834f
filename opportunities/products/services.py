"""Additional products (V-10): delivery packs, services and accessories.

Writes and reads of the settings screens (Paramètres › Produits additionnels) and of the
vehicle page's "Produits additionnels" section:

- ``product_create`` / ``product_update`` validate everything and answer with French
  messages keyed by field (``ValidationError({"price": …})``);
- ``product_deletion_impact`` says which of the four deletion rules of V-10 apply, with
  the confirmation texts; ``product_delete`` applies them in one transaction;
- ``vehicle_product_attach`` / ``vehicle_product_detach`` put an accessory or a service
  on a vehicle, for fleet managers holding the vehicle-configuration right and for
  administrators; every change is written in the vehicle history.

"On a vehicle" means on a vehicle that has not left the stock (status other than
*sortie*): offers may be made on any of them, so the pack proposed to it and the products
attached to it are live. Archived (exited) vehicles do not count.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openflex.accounts import rules
from openflex.core.money import format_money
from opportunities.fields import MAX_AMOUNT, ZERO
from opportunities.products import packs
from opportunities.products.models import PackElement, Product, VehicleProduct
from opportunities.sales.models import Offer, OfferLine, OpportunityEvent, Order
from vehicles.models import Energy, Parc, StandardStatus, Vehicle, VehicleEvent
from vehicles.services import vehicle_event_record, vehicle_get_locked

CONFIGURE = rules.CONFIGURE_VEHICLES
ATTACHABLE = (Product.Kind.ACCESSORY, Product.Kind.SERVICE)
SHOWN = 10  # numbers listed in a confirmation text before "et N autres"
MAX_ELEMENTS = 30
MAX_VALUES = 50  # brands or models of one pack
NAME_MAX = 120
BRAND_MAX = 60
MODEL_MAX = 80
CENT = Decimal("0.01")


# --- Validation -------------------------------------------------------------------------


def _money(value, errors: dict, key: str, label: str = "") -> Decimal | None:
    """A price in euros with at most two decimals, between 0 and 9 999 999,99."""
    prefix = f"{label} : " if label else ""
    if value is None or value == "":
        errors[key] = prefix + _("Indiquez le prix.")
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors[key] = prefix + _("Saisissez un montant.")
        return None
    if not amount.is_finite():
        errors[key] = prefix + _("Saisissez un montant.")
    elif amount < ZERO:
        errors[key] = prefix + _("Le prix ne peut pas être négatif.")
    elif amount > MAX_AMOUNT:
        errors[key] = prefix + _("Le prix ne peut pas dépasser 9 999 999,99 €.")
    elif amount != amount.quantize(CENT):
        errors[key] = prefix + _("Deux décimales au plus.")
    else:
        return amount.quantize(CENT)
    return None


def _names(values, errors: dict, key: str, max_length: int, what: str) -> list[str]:
    """Free values (brands, models): trimmed, without duplicates (case ignored)."""
    cleaned, seen = [], set()
    for raw in values or []:
        text = str(raw).replace("\x00", "").strip()
        if not text or text.casefold() in seen:
            continue
        if len(text) > max_length:
            errors[key] = _("« %(value)s » : %(n)s caractères au plus.") % {
                "value": text[:20] + "…",
                "n": max_length,
            }
            return []
        seen.add(text.casefold())
        cleaned.append(text)
    if len(cleaned) > MAX_VALUES:
        errors[key] = _("%(n)s %(what)s au plus.") % {"n": MAX_VALUES, "what": what}
        return []
    return cleaned


def _choices(values, allowed: list[str], errors: dict, key: str, message: str) -> list[str]:
    chosen = [str(v) for v in (values or [])]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        errors[key] = message % {"values": ", ".join(unknown[:5])}
        return []
    return [v for v in allowed if v in chosen]  # the choices' order, no duplicates


def _clean(
    *,
    kind: str,
    name: str,
    price,
    vehicle_types=(),
    brands=(),
    energies=(),
    model_names=(),
    elements=(),
) -> dict:
    """Every field checked at once; raises ``ValidationError`` keyed by field.

    Compatibility and elements only mean something for a pack: a service or an accessory
    is stored without them. A pack with elements costs the sum of its elements, because
    an offer bills the elements that the salesperson keeps (V-10).
    """
    errors: dict[str, str] = {}
    if kind not in Product.Kind.values:
        errors["kind"] = _("Choisissez le type de produit.")
    name = (name or "").replace("\x00", "").strip()
    if not name:
        errors["name"] = _("Indiquez le libellé.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Le libellé ne peut pas dépasser %s caractères.") % NAME_MAX
    amount = _money(price, errors, "price")
    cleaned = {"kind": kind, "name": name, "price": amount}
    if kind != Product.Kind.PACK:
        cleaned.update(vehicle_types=[], brands=[], energies=[], model_names=[], elements=[])
    else:
        cleaned["vehicle_types"] = _choices(
            vehicle_types,
            Parc.values,
            errors,
            "vehicle_types",
            _("Type de véhicule inconnu : %(values)s (VN, VD ou VO)."),
        )
        cleaned["energies"] = _choices(
            energies, Energy.values, errors, "energies", _("Énergie inconnue : %(values)s.")
        )
        cleaned["brands"] = _names(brands, errors, "brands", BRAND_MAX, _("marques"))
        cleaned["model_names"] = _names(model_names, errors, "model_names", MODEL_MAX, _("modèles"))
        rows = []
        elements = list(elements or [])
        if len(elements) > MAX_ELEMENTS:
            errors["elements"] = _("Un pack a %s éléments au plus.") % MAX_ELEMENTS
            elements = []
        for i, (label, element_price) in enumerate(elements, start=1):
            label = (label or "").replace("\x00", "").strip()
            row = _("Élément %s") % i
            if not label:
                errors["elements"] = _("%s : indiquez le libellé.") % row
                break
            if len(label) > NAME_MAX:
                errors["elements"] = _("%(row)s : le libellé dépasse %(n)s caractères.") % {
                    "row": row,
                    "n": NAME_MAX,
                }
                break
            value = _money(element_price, errors, "elements", label=row)
            if value is None:
                break
            rows.append((label, value))
        cleaned["elements"] = rows
        if rows and amount is not None and "elements" not in errors:
            total = sum((p for _label, p in rows), ZERO)
            if total != amount:
                errors["price"] = _(
                    "Le prix du pack doit être la somme de ses éléments (%(total)s)."
                ) % {"total": format_money(total)}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_admin(user) -> None:
    """Products are managed by platform administrators only (ORG-5)."""
    if not rules.can_manage_products(user):
        raise PermissionDenied


def _elements_save(pack: Product, rows: list[tuple[str, Decimal]]) -> None:
    """Rows update the existing elements in place (offers keep their link), then the rest
    is created or deleted."""
    existing = list(pack.elements.order_by("position", "pk"))
    changed = []
    for position, (element, (label, price)) in enumerate(zip(existing, rows, strict=False)):
        if (element.label, element.price, element.position) != (label, price, position):
            element.label, element.price, element.position = label, price, position
            changed.append(element)
    if changed:
        PackElement.objects.bulk_update(changed, ["label", "price", "position"])
    surplus = existing[len(rows) :]
    if surplus:
        PackElement.objects.filter(pk__in=[e.pk for e in surplus]).delete()
    PackElement.objects.bulk_create(
        PackElement(pack=pack, label=label, price=price, position=position)
        for position, (label, price) in enumerate(rows)
        if position >= len(existing)
    )


@transaction.atomic
def product_create(
    *,
    by,
    kind: str,
    name: str,
    price,
    vehicle_types=(),
    brands=(),
    energies=(),
    model_names=(),
    elements=(),
) -> Product:
    """A new product (Paramètres › Produits additionnels); ``elements`` are (label, price)."""
    _check_admin(by)
    data = _clean(
        kind=kind,
        name=name,
        price=price,
        vehicle_types=vehicle_types,
        brands=brands,
        energies=energies,
        model_names=model_names,
        elements=elements,
    )
    rows = data.pop("elements")
    product = Product.objects.create(**data)
    _elements_save(product, rows)
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    by,
    name: str,
    price,
    vehicle_types=(),
    brands=(),
    energies=(),
    model_names=(),
    elements=(),
) -> Product:
    """Edit a product; its type does not change. Offers already made keep their lines
    (labels and prices are copied into them); new offers get the new values."""
    _check_admin(by)
    product = Product.objects.select_for_update().filter(pk=product.pk).first()
    if product is None:
        raise ValidationError(_("Ce produit a été supprimé."))
    data = _clean(
        kind=product.kind,
        name=name,
        price=price,
        vehicle_types=vehicle_types,
        brands=brands,
        energies=energies,
        model_names=model_names,
        elements=elements,
    )
    rows = data.pop("elements")
    data.pop("kind")
    for name_, value in data.items():
        setattr(product, name_, value)
    product.save(update_fields=list(data))
    _elements_save(product, rows)
    return product


# --- Reads ------------------------------------------------------------------------------


def product_get(*, pk: int) -> Product | None:
    return Product.objects.prefetch_related("elements").filter(pk=pk).first()


def _in_stock(prefix: str = "") -> Q:
    """Vehicles that have not left the stock (archived vehicles do not count)."""
    return ~Q(**{f"{prefix}status": StandardStatus.EXIT})


def _pack_vehicle_ids(pack: Product) -> list[int]:
    """Vehicles in stock to which ``pack`` is proposed (it is their best pack) or attached."""
    others = list(Product.objects.filter(kind=Product.Kind.PACK).exclude(pk=pack.pk))

    def key(p: Product):
        return (p.price, p.created_at, p.pk)

    better = [p for p in others if key(p) > key(pack)]
    candidates = Vehicle.objects.filter(_in_stock())
    # The checkboxes store exact values: filter on them in the database, the rest here.
    if pack.vehicle_types:
        candidates = candidates.filter(parc__in=pack.vehicle_types)
    if pack.energies:
        candidates = candidates.filter(energy__in=pack.energies)
    ids = {
        v.pk
        for v in candidates.only("pk", "parc", "brand", "energy", "model").iterator(chunk_size=2000)
        if packs.pack_fits(pack, v) and not any(packs.pack_fits(b, v) for b in better)
    }
    ids.update(
        VehicleProduct.objects.filter(product=pack)
        .filter(_in_stock("vehicle__"))
        .values_list("vehicle_id", flat=True)
    )
    return sorted(ids)


def _open_offer_ids(product: Product) -> list[int]:
    used = Q(pk__in=OfferLine.objects.filter(product=product).values("offer_id"))
    if product.kind == Product.Kind.PACK:
        used |= Q(pack=product)
    return list(
        Offer.objects.filter(used, status=Offer.Status.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _validated_order_ids(product: Product) -> list[int]:
    sold = Q(offer__lines__product=product)
    if product.kind == Product.Kind.PACK:
        sold |= Q(offer__pack=product)
    return list(
        Order.objects.filter(sold, status__in=Order.VALIDATED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _numbers(ids: list[int]) -> str:
    """``n° 12, 15, 18 et 4 autres``: at most SHOWN numbers, then how many more."""
    shown = ", ".join(str(i) for i in ids[:SHOWN])
    more = len(ids) - SHOWN
    if more > 0:
        return ngettext(
            "n° %(shown)s et %(more)s autre", "n° %(shown)s et %(more)s autres", more
        ) % {
            "shown": shown,
            "more": more,
        }
    return _("n° %s") % shown


def _where(vehicle_ids: list[int], offer_ids: list[int]) -> str:
    parts = []
    if vehicle_ids:
        parts.append(
            ngettext(
                "sur %(count)s véhicule en stock (%(numbers)s)",
                "sur %(count)s véhicules en stock (%(numbers)s)",
                len(vehicle_ids),
            )
            % {"count": len(vehicle_ids), "numbers": _numbers(vehicle_ids)}
        )
    if offer_ids:
        parts.append(
            ngettext(
                "dans %(count)s offre en cours (%(numbers)s)",
                "dans %(count)s offres en cours (%(numbers)s)",
                len(offer_ids),
            )
            % {"count": len(offer_ids), "numbers": _numbers(offer_ids)}
        )
    return _(" et ").join(parts)


@dataclass(frozen=True)
class DeletionImpact:
    """What deleting a product does (V-10), and the texts the administrator confirms.

    ``cases`` lists the rules that apply: ``"simple"`` (used only on archived vehicles
    or nowhere), ``"pack_replaced"``, ``"removed"`` (accessory or service) and
    ``"orders_kept"`` (validated orders keep it as sold). Number lists are complete;
    the texts show the first ones and a count.
    """

    product: Product
    vehicle_ids: list[int] = field(default_factory=list)
    open_offer_ids: list[int] = field(default_factory=list)
    validated_order_ids: list[int] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def simple(self) -> bool:
        return self.cases == ["simple"]

    @property
    def vehicle_numbers(self) -> list[int]:
        return self.vehicle_ids[:SHOWN]

    @property
    def offer_numbers(self) -> list[int]:
        return self.open_offer_ids[:SHOWN]

    @property
    def order_numbers(self) -> list[int]:
        return self.validated_order_ids[:SHOWN]


def product_deletion_impact(*, product: Product) -> DeletionImpact:
    """Which V-10 deletion rules apply to ``product``, with their confirmation texts."""
    is_pack = product.kind == Product.Kind.PACK
    if is_pack:
        vehicle_ids = _pack_vehicle_ids(product)
    else:
        vehicle_ids = list(
            VehicleProduct.objects.filter(product=product)
            .filter(_in_stock("vehicle__"))
            .order_by("vehicle_id")
            .values_list("vehicle_id", flat=True)
        )
    offer_ids = _open_offer_ids(product)
    order_ids = _validated_order_ids(product)
    name = product.name
    cases, messages = [], []
    if vehicle_ids or offer_ids:
        where = _where(vehicle_ids, offer_ids)
        if is_pack:
            cases.append("pack_replaced")
            messages.append(
                _(
                    "Le pack « %(name)s » est utilisé %(where)s. Il y sera remplacé par le "
                    "meilleur pack restant compatible (aucun pack si aucun autre ne convient)."
                )
                % {"name": name, "where": where}
            )
        else:
            cases.append("removed")
            text = (
                _("La prestation « %(name)s » est utilisée %(where)s. Elle en sera retirée.")
                if product.kind == Product.Kind.SERVICE
                else _("L'accessoire « %(name)s » est utilisé %(where)s. Il en sera retiré.")
            )
            messages.append(text % {"name": name, "where": where})
    if order_ids:
        cases.append("orders_kept")
        messages.append(
            ngettext(
                "« %(name)s » figure sur %(count)s commande validée (%(numbers)s) : elle le "
                "garde exactement tel qu'il a été vendu.",
                "« %(name)s » figure sur %(count)s commandes validées (%(numbers)s) : elles le "
                "gardent exactement tel qu'il a été vendu.",
                len(order_ids),
            )
            % {"name": name, "count": len(order_ids), "numbers": _numbers(order_ids)}
        )
    if not cases:
        cases.append("simple")
        messages.append(
            _(
                "« %(name)s » n'est utilisé sur aucun véhicule en stock, dans aucune offre en "
                "cours ni sur aucune commande validée. Supprimer ce produit ?"
            )
            % {"name": name}
        )
    return DeletionImpact(
        product=product,
        vehicle_ids=vehicle_ids,
        open_offer_ids=offer_ids,
        validated_order_ids=order_ids,
        cases=cases,
        messages=messages,
    )


# --- Deletion ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeletionDone:
    name: str
    offers_changed: int
    vehicles_changed: int


def _lock_open_offers(product: Product) -> list[Offer]:
    used = Q(pk__in=OfferLine.objects.filter(product=product).values("offer_id"))
    if product.kind == Product.Kind.PACK:
        used |= Q(pack=product)
    return list(
        Offer.objects.select_for_update(of=("self",))
        .select_related("vehicle")
        .filter(used, status=Offer.Status.OPEN)
        .order_by("pk")
    )


def _replace_pack(pack: Product, by) -> int:
    """Open offers with ``pack`` get the best remaining pack for their vehicle, in full."""
    offers = _lock_open_offers(pack)
    if not offers:
        return 0
    remaining = list(
        Product.objects.filter(kind=Product.Kind.PACK)
        .exclude(pk=pack.pk)
        .prefetch_related(
            Prefetch("elements", queryset=PackElement.objects.order_by("position", "pk"))
        )
    )
    chosen: dict[int, Product | None] = {}
    by_pack: dict[int | None, list[int]] = defaultdict(list)
    new_lines: list[OfferLine] = []
    for offer in offers:
        best = packs.best_pack(offer.vehicle, exclude=[pack.pk], packs=remaining)
        chosen[offer.pk] = best
        by_pack[best.pk if best else None].append(offer.pk)
        new_lines.extend(packs.pack_offer_lines(offer, best))
    ids = [o.pk for o in offers]
    OfferLine.objects.filter(offer_id__in=ids, kind=OfferLine.Kind.PACK).delete()
    OfferLine.objects.bulk_create(new_lines)
    for pack_id, offer_ids in by_pack.items():
        Offer.objects.filter(pk__in=offer_ids).update(pack_id=pack_id)
    events = []
    for offer in offers:
        best = chosen[offer.pk]
        message = (
            _("Pack « %(old)s » supprimé : remplacé par « %(new)s » dans l'offre n° %(offer)s.")
            % {"old": pack.name, "new": best.name, "offer": offer.pk}
            if best
            else _(
                "Pack « %(old)s » supprimé : l'offre n° %(offer)s n'a plus de pack "
                "(aucun autre ne convient)."
            )
            % {"old": pack.name, "offer": offer.pk}
        )
        events.append(
            OpportunityEvent(
                opportunity_id=offer.opportunity_id,
                kind=OpportunityEvent.Kind.OFFER,
                message=message[:500],
                data={"offer": offer.pk, "pack": best.pk if best else None},
                by=by,
            )
        )
    OpportunityEvent.objects.bulk_create(events)
    return len(offers)


def _remove_from_offers(product: Product, by) -> int:
    """Lines of an accessory or a service leave the open offers."""
    offers = _lock_open_offers(product)
    if not offers:
        return 0
    OfferLine.objects.filter(product=product, offer__in=[o.pk for o in offers]).delete()
    OpportunityEvent.objects.bulk_create(
        OpportunityEvent(
            opportunity_id=offer.opportunity_id,
            kind=OpportunityEvent.Kind.OFFER,
            message=(
                _("« %(name)s » supprimé des produits : retiré de l'offre n° %(offer)s.")
                % {"name": product.name, "offer": offer.pk}
            )[:500],
            data={"offer": offer.pk},
            by=by,
        )
        for offer in offers
    )
    return len(offers)


def _detach_from_stock(product: Product, by) -> int:
    """The product leaves the vehicles in stock, each with a line in its history."""
    vehicle_ids = list(
        VehicleProduct.objects.filter(product=product)
        .filter(_in_stock("vehicle__"))
        .values_list("vehicle_id", flat=True)
    )
    if not vehicle_ids:
        return 0
    VehicleProduct.objects.filter(product=product, vehicle_id__in=vehicle_ids).delete()
    message = (
        _("%(kind)s « %(name)s » retiré du véhicule : produit supprimé des paramètres.")
        % {"kind": product.get_kind_display(), "name": product.name}
    )[:500]
    # One insert for all the vehicles (vehicle_event_record writes one row at a time).
    VehicleEvent.objects.bulk_create(
        VehicleEvent(
            vehicle_id=vehicle_id,
            kind=VehicleEvent.Kind.UPDATE,
            message=message,
            data={"product": product.pk, "action": "deleted"},
            by=by,
        )
        for vehicle_id in vehicle_ids
    )
    return len(vehicle_ids)


@transaction.atomic
def product_delete(*, product: Product, by) -> DeletionDone:
    """Delete ``product`` with the V-10 rules, in one transaction.

    - a pack leaves the open offers, replaced there by the best remaining pack for the
      offer's vehicle (all its elements); vehicles simply get the next best pack;
    - an accessory or a service leaves the open offers' lines and the vehicles in stock
      (a line in each vehicle's history);
    - validated orders are not touched: their snapshot keeps the product as sold, and the
      offers behind them keep their lines (labels and amounts are copies).
    """
    _check_admin(by)
    product = Product.objects.select_for_update().filter(pk=product.pk).first()
    if product is None:
        raise ValidationError(_("Ce produit a été supprimé."))
    if product.kind == Product.Kind.PACK:
        offers = _replace_pack(product, by)
        vehicles = 0
    else:
        offers = _remove_from_offers(product, by)
        vehicles = _detach_from_stock(product, by)
    name = product.name
    product.delete()
    return DeletionDone(name=name, offers_changed=offers, vehicles_changed=vehicles)


# --- Products attached to a vehicle ------------------------------------------------------


def user_can_attach_products(user) -> bool:
    """Fleet managers with the vehicle-configuration right, and administrators (V-10)."""
    return rules.can_attach_products(user)


def _check_attach(vehicle: Vehicle, product: Product, by) -> None:
    if not user_can_attach_products(by):
        raise PermissionDenied
    if product.kind not in ATTACHABLE:
        raise ValidationError(
            {"product": _("Seuls les accessoires et les prestations s'ajoutent à un véhicule.")}
        )


@transaction.atomic
def vehicle_product_attach(*, vehicle: Vehicle, product: Product, by) -> VehicleProduct:
    """Attach an accessory or a service; the next offers on the vehicle include it."""
    _check_attach(vehicle, product, by)
    vehicle = vehicle_get_locked(pk=vehicle.pk)
    # Locked so that a deletion running at the same time either comes first or waits.
    if not Product.objects.select_for_update().filter(pk=product.pk).exists():
        raise ValidationError({"product": _("Ce produit a été supprimé.")})
    if vehicle.status == StandardStatus.EXIT:
        raise ValidationError({"product": _("Ce véhicule est sorti du stock.")})
    if VehicleProduct.objects.filter(vehicle=vehicle, product=product).exists():
        raise ValidationError({"product": _("« %s » est déjà sur ce véhicule.") % product.name})
    attached = VehicleProduct.objects.create(vehicle=vehicle, product=product)
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.UPDATE,
        by=by,
        message=_("%(kind)s « %(name)s » ajouté (%(price)s).")
        % {
            "kind": product.get_kind_display(),
            "name": product.name,
            "price": format_money(product.price),
        },
        data={"product": product.pk, "action": "attached"},
    )
    return attached


@transaction.atomic
def vehicle_product_detach(*, vehicle: Vehicle, product: Product, by) -> None:
    """Detach an accessory or a service; offers already made keep their lines."""
    _check_attach(vehicle, product, by)
    vehicle = vehicle_get_locked(pk=vehicle.pk)
    deleted, _detail = VehicleProduct.objects.filter(vehicle=vehicle, product=product).delete()
    if not deleted:
        raise ValidationError({"product": _("« %s » n'est pas sur ce véhicule.") % product.name})
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.UPDATE,
        by=by,
        message=_("%(kind)s « %(name)s » retiré.")
        % {"kind": product.get_kind_display(), "name": product.name},
        data={"product": product.pk, "action": "detached"},
    )


def vehicle_products_panel(*, vehicle: Vehicle) -> dict:
    """The pack proposed for ``vehicle``, its attached products and the ones to attach."""
    all_products = list(
        Product.objects.order_by("kind", "name", "pk").prefetch_related(
            Prefetch("elements", queryset=PackElement.objects.order_by("position", "pk"))
        )
    )
    attached_ids = set(
        VehicleProduct.objects.filter(vehicle=vehicle).values_list("product_id", flat=True)
    )
    pack = packs.best_pack(vehicle, packs=[p for p in all_products if p.kind == "pack"])
    attached = [p for p in all_products if p.pk in attached_ids and p.kind in ATTACHABLE]
    attachable = [p for p in all_products if p.kind in ATTACHABLE and p.pk not in attached_ids]
    return {"pack": pack, "attached": attached, "attachable": attachable}
