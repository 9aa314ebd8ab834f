"""Which delivery packs fit a vehicle, which one an offer proposes first, and the lines a
pack expands into (V-10)."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from opportunities.products.models import PackElement, Product
from opportunities.sales import pricing
from opportunities.sales.models import OfferLine


def _fits(values: list[str], value: str) -> bool:
    """An empty list means "all"; comparisons ignore case and surrounding spaces."""
    if not values:
        return True
    wanted = (value or "").strip().casefold()
    return any(str(v).strip().casefold() == wanted for v in values)


def pack_fits(pack: Product, vehicle) -> bool:
    return (
        _fits(pack.vehicle_types, vehicle.parc)
        and _fits(pack.brands, vehicle.brand)
        and _fits(pack.energies, vehicle.energy)
        and _fits(pack.model_names, vehicle.model)
    )


def compatible_packs(vehicle, *, exclude: Iterable[int] = (), packs=None) -> list[Product]:
    """Every pack that fits ``vehicle``, best first (dearest, then most recent)."""
    if packs is None:
        packs = Product.objects.filter(kind=Product.Kind.PACK).prefetch_related("elements")
    excluded = set(exclude)
    fitting = [p for p in packs if p.pk not in excluded and pack_fits(p, vehicle)]
    return sorted(fitting, key=lambda p: (p.price, p.created_at, p.pk), reverse=True)


def best_pack(vehicle, *, exclude: Iterable[int] = (), packs=None) -> Product | None:
    """The pack pre-selected in an offer: the dearest; on a tie the most recent; or none."""
    fitting = compatible_packs(vehicle, exclude=exclude, packs=packs)
    return fitting[0] if fitting else None


@dataclass(frozen=True)
class PackLine:
    label: str
    amount: Decimal
    element: PackElement | None
    position: int = 0


def pack_lines(pack: Product | None, *, keep: Collection[int] | None = None) -> list[PackLine]:
    """The one rule expanding a pack into offer lines: one line per element in the pack's
    order (all of them, or only the element ids in ``keep``); a pack without detail is one
    line at its price. Reads ``pack.elements.all()`` (prefetch it for many packs)."""
    if pack is None:
        return []
    elements = list(pack.elements.all())
    if not elements:
        return [PackLine(label=pack.name, amount=pack.price, element=None)]
    return [
        PackLine(label=e.label, amount=e.price, element=e, position=e.position)
        for e in elements
        if keep is None or e.pk in keep
    ]


def pack_pricing_lines(
    pack: Product | None, *, keep: Collection[int] | None = None
) -> list[pricing.Line]:
    """The pack's lines for the totals (offer builder preview and save)."""
    return [pricing.Line("pack", line.label, line.amount) for line in pack_lines(pack, keep=keep)]


def pack_offer_lines(
    offer, pack: Product | None, *, keep: Collection[int] | None = None
) -> list[OfferLine]:
    """The pack's lines of ``offer``, unsaved (one ``bulk_create`` for one or many offers)."""
    return [
        OfferLine(
            offer=offer,
            kind=OfferLine.Kind.PACK,
            product=pack,
            pack_element=line.element,
            label=line.label,
            amount=line.amount,
            position=line.position,
        )
        for line in pack_lines(pack, keep=keep)
    ]
