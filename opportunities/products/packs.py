"""Which delivery packs fit a vehicle, and which one an offer proposes first (V-10)."""

from collections.abc import Iterable

from opportunities.products.models import Product


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
