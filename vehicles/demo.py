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
    VatRegime,
    Vehicle,
    VehicleEvent,
)

E, D, H, P, EV, LPG = (
    Energy.PETROL,
    Energy.DIESEL,
    Energy.HYBRID,
    Energy.PLUGIN_HYBRID,
    Energy.ELECTRIC,
    Energy.LPG,
)
CATALOG = [
    # brand, WMI, [(model, segment, genre, [(version, energy, power in hp, new price TTC)])]
    # New prices are the French list prices of 2024, rounded (issue 13: believable data).
    (
        "Renault",
        "VF1",
        [
            ("Clio", "citadine", "VP", [("TCe 90 Evolution", E, 90, 20900),
                                        ("E-Tech full hybrid 145 Techno", H, 145, 25900)]),
            ("Captur", "suv", "VP", [("TCe 140 mild hybrid Techno", E, 140, 29900),
                                     ("E-Tech full hybrid 145 Iconic", H, 145, 33700)]),
            ("Mégane E-Tech", "compacte", "VP", [("EV60 220 ch Iconic", EV, 220, 44000)]),
            ("Austral", "suv", "VP", [("E-Tech full hybrid 200 Techno", H, 200, 42900)]),
            ("Kangoo", "utilitaire", "VU", [("Blue dCi 95 Confort", D, 95, 27600)]),
            ("Trafic", "utilitaire", "VU", [("Blue dCi 150 Grand Confort", D, 150, 45600)]),
        ],
    ),
    (
        "Peugeot",
        "VF3",
        [
            ("208", "citadine", "VP", [("PureTech 100 Allure", E, 100, 22900),
                                       ("e-208 156 ch GT", EV, 156, 37500)]),
            ("2008", "suv", "VP", [("PureTech 130 GT", E, 130, 32800),
                                   ("BlueHDi 130 Allure", D, 130, 31900)]),
            ("308 SW", "break", "VP", [("Hybrid 136 e-DCS6 Allure", H, 136, 36500),
                                       ("BlueHDi 130 Allure", D, 130, 35300)]),
            ("3008", "suv", "VP", [("Hybrid 136 Allure", H, 136, 40900),
                                   ("Plug-in Hybrid 195 GT", P, 195, 48900)]),
            ("Partner", "utilitaire", "VU", [("BlueHDi 100 Premium", D, 100, 28300)]),
        ],
    ),
    (
        "Citroën",
        "VF7",
        [
            ("C3", "citadine", "VP", [("PureTech 100 Plus", E, 100, 18990),
                                      ("ë-C3 113 ch Max", EV, 113, 27490)]),
            ("C5 Aircross", "suv", "VP", [("Hybrid 136 Max", H, 136, 37900)]),
            ("Berlingo", "utilitaire", "VU", [("BlueHDi 100 Driver", D, 100, 27900)]),
        ],
    ),
    (
        "Volkswagen",
        "WVW",
        [
            ("Polo", "citadine", "VP", [("1.0 TSI 95 Life", E, 95, 22600)]),
            ("Golf", "compacte", "VP", [("1.5 eTSI 150 Style", E, 150, 38500),
                                        ("2.0 TDI 150 R-Line", D, 150, 42300)]),
            ("ID.3", "compacte", "VP", [("Pro 204 ch", EV, 204, 40900)]),
            ("Touran", "monospace", "VP", [("2.0 TDI 150 Carat 7 places", D, 150, 43900)]),
        ],
    ),
    (
        "Toyota",
        "JTD",
        [
            ("Yaris", "citadine", "VP", [("Hybride 116h Design", H, 116, 25400)]),
            ("Corolla Touring Sports", "break", "VP", [("Hybride 140 Design", H, 140, 34400)]),
            ("C-HR", "suv", "VP", [("Hybride 140 Dynamic", H, 140, 35900),
                                   ("Hybride rechargeable 223 GR Sport", P, 223, 47900)]),
        ],
    ),
    (
        "Dacia",
        "UU1",
        [
            ("Sandero", "citadine", "VP", [("TCe 90 Expression", E, 90, 16490),
                                           ("ECO-G 100 Journey", LPG, 100, 17990)]),
            ("Spring", "citadine", "VP", [("Electric 65 Extreme", EV, 65, 18900)]),
            ("Jogger", "monospace", "VP", [("TCe 110 Extreme 7 places", E, 110, 22990)]),
            ("Duster", "suv", "VP", [("TCe 130 Journey", E, 130, 24400),
                                     ("Hybrid 140 Extreme", H, 140, 27900)]),
        ],
    ),
    (
        "BMW",
        "WBA",
        [
            ("Série 1", "compacte", "VP", [("118i 136 ch M Sport", E, 136, 41500)]),
            ("Série 3 Touring", "break", "VP", [("320e 204 ch M Sport", P, 204, 58900)]),
            ("X1", "suv", "VP", [("sDrive18d 150 ch xLine", D, 150, 49900)]),
        ],
    ),
    (
        "Audi",
        "WAU",
        [
            ("A3 Sportback", "compacte", "VP", [("35 TFSI 150 S line", E, 150, 42900)]),
            ("Q5", "suv", "VP", [("40 TDI 204 quattro S line", D, 204, 69900),
                                 ("55 TFSI e 367 quattro S line", P, 367, 78900)]),
        ],
    ),
    (
        "Mercedes-Benz",
        "W1K",
        [
            ("Classe A", "compacte", "VP", [("A 180 136 ch Progressive Line", E, 136, 39900)]),
            ("GLC", "suv", "VP", [("300 de 4MATIC AMG Line", P, 335, 79900)]),
        ],
    ),
]  # fmt: skip
# (brand, model) → segment: what the demo opportunities' titles speak of.
SEGMENTS = {(brand, m[0]): m[1] for brand, _wmi, models in CATALOG for m in models}
EMPTY_WEIGHTS = {  # kg, with driver
    "citadine": (1080, 1280),
    "compacte": (1320, 1520),
    "break": (1420, 1620),
    "suv": (1380, 1800),
    "monospace": (1480, 1720),
    "utilitaire": (1450, 2050),
}
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
# Every point of sale of the showcase has these in its sales stock, so that each demo
# opportunity finds a vehicle that fits its title (parc, segment, energy or None).
SHOWCASE_STAPLES = [
    (Parc.VO, "citadine", None),
    (Parc.VO, "citadine", None),
    (Parc.VO, "citadine", None),
    (Parc.VN, "citadine", None),
    (Parc.VO, "suv", None),
    (Parc.VN, "suv", None),
    (Parc.VO, "compacte", Energy.PETROL),
    (Parc.VO, "compacte", Energy.PETROL),
    (Parc.VO, "break", Energy.HYBRID),
    (Parc.VO, "monospace", None),
    (Parc.VD, "suv", Energy.PLUGIN_HYBRID),
    (Parc.VO, "utilitaire", None),
    (Parc.VN, "utilitaire", None),
]
HUNDRED = Decimal(100)


def segment_of(brand: str, model: str) -> str:
    return SEGMENTS.get((brand, model), "")


def _vin(rng: random.Random, wmi: str) -> str:
    return wmi + "".join(rng.choice(VIN_CHARS) for _ in range(14))


def _plate(rng: random.Random) -> str:
    letters = lambda: "".join(rng.choice(PLATE_LETTERS) for _ in range(2))  # noqa: E731
    return f"{letters()}-{rng.randint(100, 999)}-{letters()}"


def _shop_price(amount) -> Decimal:
    """A price as a dealer shows it: to the hundred, minus ten (14 490 €)."""
    return max((Decimal(amount) / HUNDRED).quantize(Decimal(1)) * HUNDRED - 10, Decimal(990))


def used_price(new_price, *, age_days: int, mileage: int) -> Decimal:
    """A used vehicle's selling price from its new price, age and mileage: about −20 % the
    first year, −13 % a year after, ± 4 % per 10 000 km from 15 000 km a year."""
    years = age_days / 365
    value = Decimal(new_price) * Decimal("0.80") * Decimal("0.87") ** max(0, int(years - 1))
    if years < 1:
        value = Decimal(new_price) * (1 - Decimal("0.20") * Decimal(years))
    extra_km = mileage - 15000 * max(years, 0.5)
    factor = min(Decimal("1.10"), max(Decimal("0.70"), 1 - Decimal(extra_km / 10000) * 4 / 100))
    return max(_shop_price(value * factor), Decimal("2990"))


# (brand, WMI, model, segment, genre, version, energy, hp, new price), one per version.
VERSIONS = [
    (brand, wmi, model, segment, genre, version, energy, hp, price)
    for brand, wmi, models in CATALOG
    for model, segment, genre, versions in models
    for version, energy, hp, price in versions
]


def _pick_model(rng, segment=None, energy=None):
    """A version at random, among those of the segment and energy wanted."""
    if segment is None and energy is None:
        return rng.choice(VERSIONS)
    return rng.choice(
        [
            v
            for v in VERSIONS
            if (segment is None or v[3] == segment) and (energy is None or v[6] == energy)
        ]
    )


def build_vehicle(
    rng: random.Random,
    sites: list[PhysicalSite],
    now,
    n: int,
    *,
    parc: str | None = None,
    segment: str | None = None,
    energy: str | None = None,
    status: str | None = None,
) -> Vehicle:
    """A believable vehicle (issue 13): the price fits the model, the type, the age and
    the mileage; a VO carries the VAT regime that its origin gives it."""
    brand, wmi, model, seg, genre, version, energy, hp, new_price = _pick_model(
        rng, segment=segment, energy=energy
    )
    parc = parc or rng.choices([Parc.VO, Parc.VN, Parc.VD], weights=[60, 30, 10])[0]
    status = (
        status
        or rng.choices([s for s, _ in STATUS_WEIGHTS], weights=[w for _, w in STATUS_WEIGHTS])[0]
    )
    site = rng.choice(sites)
    status_since = now - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23))
    has_price = status != StandardStatus.PRE_ENTRY or rng.random() < 0.3
    # The list price with the options of this vehicle.
    catalogue = Decimal(new_price + rng.choice([0, 0, 450, 900, 1400, 2300]))
    catalogue_price = discount = mec = purchase = None
    regime = VatRegime.NORMAL
    mileage = 0
    if parc == Parc.VN:
        discount = min(Decimal(rng.choice([0, 0, 500, 1000, 1500, 2000])), catalogue * 8 / 100)
        discount = discount.quantize(Decimal(1))
        catalogue_price, selling = catalogue, catalogue - discount
    elif parc == Parc.VD:
        age = rng.randint(60, 330)
        mec = (now - timedelta(days=age)).date()
        mileage = rng.randrange(1500, 9000, 100)
        selling = _shop_price(catalogue * Decimal(rng.randint(82, 90)) / 100)
        catalogue_price, discount = catalogue, catalogue - selling
    else:
        age = rng.randint(300, 3650)
        mec = (now - timedelta(days=age)).date()
        mileage = int(age / 365 * rng.randint(8000, 21000)) // 100 * 100 + rng.randint(0, 99)
        selling = used_price(new_price, age_days=age, mileage=mileage)
        # What the dealer paid: a trade-in or a purchase, 14 to 22 % under the price.
        purchase = _shop_price(selling * Decimal(rng.randint(78, 86)) / 100) + 10
        # Bought from a private person (margin scheme), or with VAT from a company: a
        # young ex-rental or fleet car, and most vans.
        company = rng.random() < (0.7 if genre == Genre.VU else 0.3 if age < 4 * 365 else 0.05)
        regime = VatRegime.NORMAL if company else VatRegime.MARGIN
    low, high = EMPTY_WEIGHTS[seg]
    weight = rng.randint(low, high) + (250 if energy == Energy.ELECTRIC else 0)
    weight += 180 if energy == Energy.PLUGIN_HYBRID else 0
    vehicle = Vehicle(
        parc=parc,
        genre=genre,
        brand=brand,
        model=model,
        version=version,
        destination=rng.choices([Destination.PRIVATE, Destination.PROFESSIONAL], [80, 20])[0],
        energy=energy,
        colour=rng.choice(COLOURS),
        doors=5 if genre == Genre.VP else 4,
        fiscal_power=max(3, min(20, round(hp / 19))),
        power_hp=hp,
        registration=_plate(rng) if parc != Parc.VN else "",
        vin=_vin(rng, wmi),
        internal_number=f"{site.point_of_sale.code}-{n:06d}",
        first_registration=mec,
        mileage=mileage,
        empty_weight=weight,
        from_configurator=parc == Parc.VN and rng.random() < 0.6,
        point_of_sale_id=site.point_of_sale_id,
        physical_site=site,
        status_changed_at=status_since,
        selling_price=selling if has_price else None,
        catalogue_price=catalogue_price,
        discount=discount,
        vat_regime=regime,
        purchase_price=purchase,
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
    by_pos: dict[int, list[PhysicalSite]] = {}
    for site in sites:
        by_pos.setdefault(site.point_of_sale_id, []).append(site)
    # First the staples of each point of sale, in sales stock; then the rest at random.
    wanted = [
        ({"parc": parc, "segment": segment, "energy": energy}, pos_sites)
        for pos_sites in by_pos.values()
        for parc, segment, energy in SHOWCASE_STAPLES
    ][:DEMO_COUNT]
    vehicles = []
    for n in range(DEMO_COUNT):
        if n < len(wanted):
            attrs, pos_sites = wanted[n]
            vehicle = build_vehicle(
                rng, pos_sites, now, n, status=StandardStatus.SALES_STOCK, **attrs
            )
        else:
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
