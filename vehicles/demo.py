"""Demo stock (``seed_demo``): a believable set of vehicles, and ``--scale N`` more in bulk."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from openflex.accounts.models import PhysicalSite, User
from openflex.core.templatetags.openflex import format_money

from . import services
from .models import (
    Destination,
    Energy,
    Genre,
    LifelineStatus,
    Parc,
    PriceChange,
    PriceOrigin,
    StandardStatus,
    StatusMaxStay,
    Vehicle,
    VehicleEvent,
)

CATALOG = [
    # brand, WMI, [(model, versions, genre)]
    (
        "Renault",
        "VF1",
        [
            ("Clio", ["TCe 90 Evolution", "E-Tech 145 Techno"], "VP"),
            ("Captur", ["TCe 140 Techno", "E-Tech 145 Iconic"], "VP"),
            ("Mégane", ["E-Tech 220 Iconic"], "VP"),
            ("Kangoo", ["Blue dCi 95 Confort"], "VU"),
            ("Trafic", ["Blue dCi 150 Grand Confort"], "VU"),
        ],
    ),
    (
        "Peugeot",
        "VF3",
        [
            ("208", ["PureTech 100 Allure", "e-208 GT"], "VP"),
            ("2008", ["PureTech 130 GT", "BlueHDi 130 Allure"], "VP"),
            ("3008", ["Hybrid 136 Allure", "Plug-in Hybrid 225 GT"], "VP"),
            ("Partner", ["BlueHDi 100 Premium"], "VU"),
        ],
    ),
    (
        "Citroën",
        "VF7",
        [
            ("C3", ["PureTech 83 Plus", "e-C3 Max"], "VP"),
            ("C5 Aircross", ["Hybrid 136 Max"], "VP"),
            ("Berlingo", ["BlueHDi 130 Driver"], "VU"),
        ],
    ),
    (
        "Volkswagen",
        "WVW",
        [
            ("Polo", ["1.0 TSI 95 Life"], "VP"),
            ("Golf", ["1.5 eTSI 150 Style", "2.0 TDI 150 R-Line"], "VP"),
            ("ID.3", ["Pro 204 ch"], "VP"),
        ],
    ),
    (
        "Toyota",
        "JTD",
        [("Yaris", ["Hybride 116h Design"], "VP"), ("C-HR", ["Hybride 140 Dynamic"], "VP")],
    ),
    (
        "Dacia",
        "UU1",
        [
            ("Sandero", ["TCe 90 Expression"], "VP"),
            ("Duster", ["TCe 130 Journey", "Blue dCi 115 Extreme"], "VP"),
        ],
    ),
]
ENERGY_BY_WORD = [
    ("e-", Energy.ELECTRIC),
    ("ID.", Energy.ELECTRIC),
    ("Plug-in", Energy.PLUGIN_HYBRID),
    ("E-Tech", Energy.HYBRID),
    ("Hybri", Energy.HYBRID),
    ("dCi", Energy.DIESEL),
    ("HDi", Energy.DIESEL),
    ("TDI", Energy.DIESEL),
]
COLOURS = [
    "Blanc glacier",
    "Gris platine",
    "Noir étoilé",
    "Bleu iron",
    "Rouge flamme",
    "Gris cassiopée",
]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
STATUS_WEIGHTS = [
    (StandardStatus.PRE_ENTRY, 10),
    (StandardStatus.PHYSICAL_ENTRY, 15),
    (StandardStatus.SALES_STOCK, 55),
    (StandardStatus.DELIVERY, 10),
    (StandardStatus.EXIT, 10),
]
STATUS_ORDER = [s for s, _w in STATUS_WEIGHTS]
DEFAULT_MAX_STAYS = {
    StandardStatus.PRE_ENTRY: 30,
    StandardStatus.PHYSICAL_ENTRY: 10,
    StandardStatus.SALES_STOCK: 90,
}
DEMO_COUNT = 60


def _energy(version: str) -> str:
    for word, energy in ENERGY_BY_WORD:
        if word in version:
            return energy
    return Energy.PETROL


def _vin(rng: random.Random, wmi: str) -> str:
    return wmi + "".join(rng.choice(VIN_CHARS) for _ in range(14))


def _plate(rng: random.Random) -> str:
    letters = lambda: "".join(rng.choice(PLATE_LETTERS) for _ in range(2))  # noqa: E731
    return f"{letters()}-{rng.randint(100, 999)}-{letters()}"


def build_vehicle(rng: random.Random, sites: list[PhysicalSite], now, n: int) -> Vehicle:
    brand, wmi, models = rng.choice(CATALOG)
    model, versions, genre = rng.choice(models)
    version = rng.choice(versions)
    parc = rng.choices([Parc.VO, Parc.VN, Parc.VD], weights=[60, 30, 10])[0]
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], weights=[w for _, w in STATUS_WEIGHTS])[0]
    site = rng.choice(sites)
    status_since = now - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23))
    used = parc != Parc.VN
    base = Decimal(rng.randrange(14000, 62000, 100))
    selling = (base * Decimal("0.7")).quantize(Decimal("1")) if parc == Parc.VO else base
    has_price = status != StandardStatus.PRE_ENTRY or rng.random() < 0.3
    mec = (now - timedelta(days=rng.randint(200, 3000))).date() if used else None
    vehicle = Vehicle(
        parc=parc,
        genre=genre,
        brand=brand,
        model=model,
        version=version,
        destination=rng.choices([Destination.PRIVATE, Destination.PROFESSIONAL], [80, 20])[0],
        energy=_energy(version),
        colour=rng.choice(COLOURS),
        doors=5 if genre == Genre.VP else 4,
        fiscal_power=rng.randint(4, 11),
        power_hp=rng.choice([90, 100, 130, 145, 150, 204, 225]),
        registration=_plate(rng) if used else "",
        vin=_vin(rng, wmi),
        internal_number=f"{site.point_of_sale.code}-{n:06d}",
        first_registration=mec,
        mileage=rng.randint(3000, 160000)
        if parc == Parc.VO
        else rng.randint(0, 9000)
        if used
        else 0,
        empty_weight=rng.randint(1050, 1900),
        from_configurator=parc == Parc.VN and rng.random() < 0.6,
        point_of_sale_id=site.point_of_sale_id,
        physical_site=site,
        status_changed_at=status_since,
        selling_price=selling if has_price else None,
        catalogue_price=(base * Decimal("1.08")).quantize(Decimal("1"))
        if parc != Parc.VO
        else None,
        discount=Decimal(rng.choice([0, 500, 1000, 1500])) if parc != Parc.VO else None,
        price_reset_at=now - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 23)),
        publication_requested=rng.random() < 0.9,
        created_at=status_since
        - timedelta(days=6 * STATUS_ORDER.index(status) + rng.randint(3, 40)),
        status=status,
    )
    vehicle.search_text = Vehicle.build_search_text(
        vehicle.brand, vehicle.model, vehicle.registration, vehicle.internal_number, vehicle.vin
    )
    vehicle.is_published = (
        vehicle.publication_requested and status == StandardStatus.SALES_STOCK and has_price
    )
    return vehicle


def seed(*, scale: int = 0, log=print) -> None:
    services.standard_statuses_ensure()
    for code, days in DEFAULT_MAX_STAYS.items():
        status = LifelineStatus.objects.get(code=code)
        for parc in Parc.values:
            for dest in Destination.values:
                StatusMaxStay.objects.get_or_create(
                    status=status, parc=parc, destination=dest, defaults={"max_days": days}
                )
    sites = list(PhysicalSite.objects.select_related("point_of_sale"))
    if not sites:
        return
    now = timezone.now()
    if not Vehicle.objects.filter(internal_number__startswith="DEMO-").exists():
        _seed_showcase(sites, now, log)
    if scale:
        _seed_bulk(scale, sites, now, log)


def _seed_showcase(sites, now, log) -> None:
    rng = random.Random(2024)  # noqa: S311 — demo data
    manager = User.objects.filter(email__startswith="gestionnaire-parc@").first()
    salesperson = User.objects.filter(email__startswith="vendeur@").first()
    vehicles = []
    for n in range(DEMO_COUNT):
        vehicle = build_vehicle(rng, sites, now, n)
        vehicle.internal_number = f"DEMO-{n + 1:04d}"
        vehicle.search_text = Vehicle.build_search_text(
            vehicle.brand, vehicle.model, vehicle.registration, vehicle.internal_number, vehicle.vin
        )
        vehicles.append(vehicle)
    Vehicle.objects.bulk_create(vehicles)
    events, prices = [], []
    labels = dict(LifelineStatus.objects.values_list("code", "label"))
    for v in vehicles:
        # The history (V-3) holds the lifeline: the creation reaches pré-entrée, each
        # move the next status.
        events.append(
            VehicleEvent(
                vehicle=v,
                kind=VehicleEvent.Kind.CREATED,
                at=v.created_at,
                by=manager,
                message="Véhicule créé",
                to_status=StandardStatus.PRE_ENTRY,
            )
        )
        path = [s for s, _w in STATUS_WEIGHTS]
        steps = path[: path.index(v.status) + 1]
        for i in range(1, len(steps)):
            at = v.status_changed_at - (len(steps) - 1 - i) * timedelta(days=6)
            events.append(
                VehicleEvent(
                    vehicle=v,
                    kind=VehicleEvent.Kind.STATUS,
                    at=at,
                    by=manager,
                    message=f"Statut : {labels[steps[i - 1]]} → {labels[steps[i]]}",
                    data={"from": steps[i - 1], "to": steps[i], "reason": ""},
                    from_status=steps[i - 1],
                    to_status=steps[i],
                )
            )
        if v.selling_price:
            prices.append(
                PriceChange(
                    vehicle=v,
                    field="selling_price",
                    origin=PriceOrigin.MANUAL,
                    new_value=v.selling_price,
                    status=PriceChange.Status.VALIDATED,
                    created_at=v.price_reset_at,
                    created_by=manager,
                )
            )
            events.append(
                VehicleEvent(
                    vehicle=v,
                    kind=VehicleEvent.Kind.PRICE,
                    at=v.price_reset_at,
                    by=manager,
                    message=f"Prix de vente : — → {format_money(v.selling_price)} "
                    f"({PriceOrigin.MANUAL.label}, {PriceChange.Status.VALIDATED.label})",
                    data={"field": "selling_price", "old": None, "new": str(v.selling_price)},
                )
            )
    VehicleEvent.objects.bulk_create(events)
    PriceChange.objects.bulk_create(prices)
    # A few price updates by a salesperson wait for a manager (V-8).
    for v in [v for v in vehicles if v.selling_price][:3]:
        services.vehicle_prices_update(
            vehicle=v, by=salesperson, selling_price=v.selling_price - Decimal("500")
        )
    log(f"  {DEMO_COUNT} demo vehicles")


def _seed_bulk(scale: int, sites, now, log) -> None:
    rng = random.Random(scale)  # noqa: S311 — demo data
    start = Vehicle.objects.count()
    batch = []
    for n in range(scale):
        batch.append(build_vehicle(rng, sites, now, start + n))
        if len(batch) == 5000:
            Vehicle.objects.bulk_create(batch)
            batch = []
    if batch:
        Vehicle.objects.bulk_create(batch)
    log(f"  {scale} vehicles added (scale)")
