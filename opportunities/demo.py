"""Demo sales journey (``seed_demo``): a showcase told through the services, and
``--scale N`` proportional customers, opportunities, offers and orders in bulk.

The showcase (about twenty customers) gives every home tile of the demo sales manager
something to count: orders waiting for validation, for cancellation, to prepare, to
deliver, to order from the factory, opportunities "en souffrance", a transfer to decide
and unread notifications. It is written through ``services`` so that the histories,
notifications and emails are the real ones; only the dates are moved back afterwards
(a demo opportunity "en souffrance" is, by definition, old).

The bulk part is plain ``bulk_create`` (statuses are given to the model constructors,
which the protected FSM fields allow): scale/2 customers with one opportunity each,
scale/10 offers, scale/20 orders in mixed statuses, and one history row each.
"""

import random
import unicodedata
from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from openflex.accounts.models import PointOfSale, User
from opportunities.customers import services as customers_services
from opportunities.customers.models import Customer
from opportunities.products import services as products
from opportunities.products.models import Product
from opportunities.sales import pricing
from opportunities.sales import services as sales_services
from opportunities.sales.models import (
    Appointment,
    Offer,
    OfferLine,
    Opportunity,
    OpportunityEvent,
    Order,
    OrderEvent,
    PaymentMethod,
)
from vehicles.demo import segment_of
from vehicles.models import Energy, Parc, StandardStatus, Vehicle
from vehicles.services import transfer_request

DOMAIN = "demo.openflex.test"
MARKER_EMAIL = "camille.bernard@exemple.fr"  # the first showcase customer
BULK_DOMAIN = f"clients.{DOMAIN}"
SELLER_TYPES = ["vendeur", "chef-des-ventes", "directeur"]
BATCH = 5000

# --- Showcase -------------------------------------------------------------------------

# (point-of-sale code, civility, last name, first name, city, postcode)
PEOPLE = [
    (61, "Mme", "Bernard", "Camille", "Lyon", "69007"),
    (61, "M.", "Petit", "Lucas", "Lyon", "69008"),
    (61, "Mme", "Robert", "Emma", "Lyon", "69003"),
    (61, "M.", "Richard", "Hugo", "Oullins", "69600"),
    (61, "Mme", "Dubois", "Léa", "Lyon", "69007"),
    (61, "M.", "Morel", "Louis", "Bron", "69500"),
    (61, "Mme", "Laurent", "Chloé", "Lyon", "69002"),
    (61, "M.", "Simon", "Gabriel", "Lyon", "69009"),
    (62, "Mme", "Michel", "Manon", "Villeurbanne", "69100"),
    (62, "M.", "Garcia", "Jules", "Vaulx-en-Velin", "69120"),
    (62, "M.", "Bertrand", "Arthur", "Villeurbanne", "69100"),
    (62, "Mme", "Fontaine", "Sarah", "Caluire", "69300"),
    (63, "M.", "Chevalier", "Nathan", "Grenoble", "38000"),
    (63, "Mme", "Rousseau", "Alice", "Meylan", "38240"),
    (63, "M.", "Blanc", "Paul", "Grenoble", "38100"),
    (64, "Mme", "Guérin", "Julie", "Échirolles", "38130"),
    (64, "M.", "Muller", "Théo", "Eybens", "38320"),
    (64, "Mme", "Faure", "Zoé", "Échirolles", "38130"),
]

PACKS = [
    # name, vehicle types, brands, energies, model names, elements
    (
        "Pack Livraison Sérénité",
        [Parc.VO, Parc.VD],
        [],
        [],
        [],
        [("Plein de carburant", "80"), ("Nettoyage intérieur et extérieur", "120"),
         ("Tapis de sol", "60"), ("Contrôle 30 points", "90")],
    ),
    (
        "Pack Électrique Zen",
        [],
        [],
        [Energy.ELECTRIC, Energy.PLUGIN_HYBRID],
        [],
        [("Câble de recharge mode 3", "290"), ("Diagnostic d'installation de borne", "150"),
         ("Prise en main de la recharge", "0")],
    ),
    (
        "Pack Premium Peugeot VN",
        [Parc.VN],
        ["Peugeot"],
        [],
        [],
        [("Traitement céramique de la carrosserie", "390"), ("Kit d'entretien", "120"),
         ("Tapis de sol premium", "89")],
    ),
    (
        "Pack Utilitaire Pro",
        [],
        ["Renault", "Citroën", "Peugeot"],
        [Energy.DIESEL],
        ["Kangoo", "Trafic", "Berlingo", "Partner"],
        [("Habillage bois de la zone de chargement", "450"), ("Galerie de toit", "320"),
         ("Attelage", "390")],
    ),
]  # fmt: skip
OTHER_PRODUCTS = [
    (Product.Kind.SERVICE, "Extension de garantie 24 mois", "590"),
    (Product.Kind.SERVICE, "Contrat d'entretien 3 ans", "720"),
    (Product.Kind.SERVICE, "Démarches d'immatriculation", "49"),
    (Product.Kind.ACCESSORY, "Attelage amovible", "690"),
    (Product.Kind.ACCESSORY, "Jeu de roues hiver", "890"),
    (Product.Kind.ACCESSORY, "Tapis de sol caoutchouc", "69"),
]


class _Story:
    """What the showcase needs at hand: users, points of sale, vehicles not yet sold."""

    def __init__(self, now):
        self.now = now
        users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=DOMAIN)}
        self.seller = users["vendeur"]
        self.manager = users["chef-des-ventes"]
        self.director = users["directeur"]
        self.admin = users["admin"]
        self.secretary = users["secretaire"]
        self.pos = {p.code: p for p in PointOfSale.objects.filter(code__in=[61, 62, 63, 64])}
        # Gerland's own stock stays free for trying the journey by hand.
        self.vehicles = list(
            Vehicle.objects.filter(internal_number__startswith="DEMO-", selling_price__gt=0)
            .exclude(status=StandardStatus.EXIT)
            .select_related("point_of_sale")
            .order_by("internal_number")
        )
        self.used: set[int] = set()

    def vehicle(self, **wanted) -> Vehicle:
        """The first unused demo vehicle with the wanted attributes (then any). ``segment``
        ("citadine", "suv", "break" …) is the model's, as the opportunity's title says."""
        ranked = sorted(
            self.vehicles,
            key=lambda v: (
                v.point_of_sale.code == 61,
                v.status != StandardStatus.SALES_STOCK,
                v.internal_number,
            ),
        )
        free = [v for v in ranked if v.pk not in self.used]
        match = [v for v in free if all(_attribute(v, k) == w for k, w in wanted.items())]
        vehicle = (match or free or ranked)[0]
        self.used.add(vehicle.pk)
        return vehicle


def _attribute(vehicle: Vehicle, name: str):
    if name == "segment":
        return segment_of(vehicle.brand, vehicle.model)
    return getattr(vehicle, name)


def seed(*, scale: int = 0, log=print) -> None:
    ready = (
        User.objects.filter(email=f"chef-des-ventes@{DOMAIN}").exists()
        and PointOfSale.objects.filter(code__in=[61, 62, 63, 64]).count() == 4
        and Vehicle.objects.filter(internal_number__startswith="DEMO-").exists()
    )
    if not ready:
        log("  no demo organisation or vehicles: sales journey skipped")
        return
    if not Customer.objects.filter(email=MARKER_EMAIL).exists():
        _seed_showcase(log)
    if scale:
        seed_bulk(scale=scale, log=log)


def _seed_showcase(log) -> None:
    story = _Story(timezone.now())
    _seed_products(story)
    customers = _seed_customers(story)
    count = _seed_opportunities(story, customers)
    log(f"  {len(customers)} demo customers, {count} opportunities, products and packs")
    _seed_tradeins(story, log)
    _seed_financing(story, log)


CAMPAIGN_REQUESTS = [
    # (point of sale, destination, brand, model, energy, mileage, requested value, customer)
    (61, "particulier", "Renault", "Clio", "essence", 68000, "7900", ("Mercier", "Nathalie")),
    (61, "professionnel", "Peugeot", "Partner", "diesel", 142000, "6500", ("Blanc", "Olivier")),
    (62, "particulier", "Toyota", "Yaris", "hybride", 45000, "12900", ("Guerin", "Sabrina")),
]


def _seed_tradeins(story: _Story, log) -> None:
    """Estimate requests for the validators' tile (O-8): two from an online campaign, one
    from a salesperson; one already validated."""
    from opportunities.tradeins import services as tradeins

    made = []
    for code, destination, brand, model, energy, mileage, value, person in CAMPAIGN_REQUESTS:
        made.append(
            tradeins.tradein_request_from_campaign(
                point_of_sale=story.pos[code],
                destination=destination,
                kind="seche",
                brand=brand,
                model=model,
                energy=energy,
                mileage=mileage,
                requested_value=value,
                estimate=value,
                proposed_value=str(int(value) - 700),
                customer={
                    "civility": "Mme" if person[1] in ("Nathalie", "Sabrina") else "M.",
                    "last_name": person[0],
                    "first_name": person[1],
                    "email": f"{person[1].lower()}.{person[0].lower()}@exemple.fr",
                },
            )
        )
    made.append(
        tradeins.tradein_request_create(
            by=story.seller,
            point_of_sale=story.pos[61],
            kind="avec_commande",
            destination="particulier",
            brand="Volkswagen",
            model="Golf",
            energy="diesel",
            mileage=98000,
            requested_value="11000",
            estimate="10200",
            proposed_value="9800",
        )
    )
    validator = User.objects.filter(email=f"valideur-reprises@{DOMAIN}").first()
    if validator is not None:
        tradeins.tradein_validate(trade_in=made[-1], by=validator)
    log(f"  {len(made)} trade-in estimate requests")


def _seed_financing(story: _Story, log) -> None:
    """Automatic simulations of the sandbox provider for the demo VD/VO (V-13)."""
    from opportunities.financing import services as financing

    count = 0
    for vehicle in story.vehicles:
        if vehicle.parc in ("VO", "VD") and vehicle.status == StandardStatus.SALES_STOCK:
            financing.financing_simulations_refresh(vehicle=vehicle)
            count += 1
    log(f"  financing simulations for {count} vehicles")


def _seed_products(story: _Story) -> None:
    created = {}
    for name, types, brands, energies, model_names, elements in PACKS:
        created[name] = products.product_create(
            by=story.admin,
            kind=Product.Kind.PACK,
            name=name,
            price=sum((Decimal(p) for _label, p in elements), Decimal("0")),
            vehicle_types=types,
            brands=brands,
            energies=energies,
            model_names=model_names,
            elements=elements,
        )
    for kind, name, price in OTHER_PRODUCTS:
        created[name] = products.product_create(by=story.admin, kind=kind, name=name, price=price)
    story.products = created
    # The fleet manager's choices: the next offers on these vehicles include them
    # (not on Gerland's stock, kept plain for trying the journey by hand).
    for vehicle, name in zip(
        [v for v in story.vehicles if v.point_of_sale.code != 61][:6],
        ["Extension de garantie 24 mois", "Tapis de sol caoutchouc", "Jeu de roues hiver"] * 2,
        strict=False,
    ):
        products.vehicle_product_attach(vehicle=vehicle, product=created[name], by=story.admin)


def _seed_customers(story: _Story) -> dict[str, Customer]:
    customers = {}
    for i, (code, civility, last, first, city, postcode) in enumerate(PEOPLE):
        customers[last] = customers_services.customer_create(
            by=story.seller if code in (61, 62) else story.director,
            point_of_sale=story.pos[code],
            kind=Customer.Kind.PERSON,
            civility=civility,
            last_name=last,
            first_name=first,
            email=_email(first, last),
            mobile=f"06 11 20 30 {40 + i}",
            address=f"{10 + i} rue de la République",
            postcode=postcode,
            city=city,
        )
    # A company with its complete legal representative, and one without.
    company = customers_services.customer_create(
        by=story.manager,
        point_of_sale=story.pos[61],
        kind=Customer.Kind.COMPANY,
        company_name="Transports Rhône Express",
        siret="81234567800015",
        email="contact@rhone-express.exemple.fr",
        phone="04 78 10 20 30",
        address="5 quai Perrache",
        postcode="69002",
        city="Lyon",
    )
    customers_services.legal_representative_create(
        company=company,
        by=story.manager,
        civility="M.",
        last_name="Fournier",
        first_name="Antoine",
        email="antoine.fournier@rhone-express.exemple.fr",
        mobile="06 11 20 30 99",
    )
    customers["Rhône Express"] = company
    customers["Dupuis"] = customers_services.customer_create(
        by=story.seller,
        point_of_sale=story.pos[62],
        kind=Customer.Kind.COMPANY,
        company_name="Boulangerie Dupuis",
        siret="49876543200027",
        email="boulangerie.dupuis@exemple.fr",
        phone="04 72 33 44 55",
        address="18 cours Émile Zola",
        postcode="69100",
        city="Villeurbanne",
    )
    return customers


def _email(first: str, last: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
    return f"{ascii_name.decode().lower()}@exemple.fr"


def _age(opportunity: Opportunity, days: int) -> None:
    """Move an opportunity's whole story ``days`` back (appointment dates stay as chosen)."""
    delta = timedelta(days=days)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        created_at=F("created_at") - delta,
        last_activity_at=F("last_activity_at") - delta,
        closed_at=F("closed_at") - delta,
    )
    OpportunityEvent.objects.filter(opportunity=opportunity).update(at=F("at") - delta)
    Appointment.objects.filter(opportunity=opportunity).update(created_at=F("created_at") - delta)
    Offer.objects.filter(opportunity=opportunity).update(
        created_at=F("created_at") - delta,
        validated_at=F("validated_at") - delta,
        cancelled_at=F("cancelled_at") - delta,
    )
    Order.objects.filter(opportunity=opportunity).update(
        created_at=F("created_at") - delta,
        submitted_at=F("submitted_at") - delta,
        validated_at=F("validated_at") - delta,
        delivered_at=F("delivered_at") - delta,
    )
    OrderEvent.objects.filter(order__opportunity=opportunity).update(at=F("at") - delta)


def _opportunity(story, customer, salesperson, code, title=""):
    return sales_services.opportunity_create(
        customer=customer,
        salesperson=salesperson,
        point_of_sale=story.pos[code],
        by=salesperson,
        title=title,
    )


def _offer(
    story, opportunity, by, *, advantage="", validate=False, vehicle=None, **wanted
) -> Offer:
    # A vehicle of the opportunity's point of sale: another's would wait for a transfer.
    wanted.setdefault("point_of_sale", opportunity.point_of_sale)
    offer = sales_services.offer_create(
        vehicle=vehicle or story.vehicle(**wanted), by=by, opportunity=opportunity
    )
    if advantage:
        extra = [
            (line.kind, line.label, line.amount, line.product)
            for line in offer.lines.exclude(kind=OfferLine.Kind.PACK).select_related("product")
        ]
        offer = sales_services.offer_update(
            offer=offer,
            by=by,
            vehicle_price=offer.vehicle_price,
            administrative_fees=Decimal("276.76"),
            deposit=Decimal("1000.00"),
            pack=offer.pack,
            lines=[(OfferLine.Kind.ADVANTAGE, advantage, Decimal("500.00"), None), *extra],
        )
    if validate:
        offer = sales_services.offer_validate(offer=offer, by=by)
    return offer


def _order(story, offer, by, *, pay=True, submit=False) -> Order:
    order = sales_services.order_create(offer=offer, by=by)
    if pay:
        order = sales_services.order_payment_update(
            order=order,
            by=by,
            balance_method=PaymentMethod.TRANSFER,
            deposit_amount=Decimal("1000.00"),
            deposit_method=PaymentMethod.CHEQUE,
            deposit_not_online=True,
            delivery_date=(story.now + timedelta(days=21)).date(),
        )
    if submit:
        order = sales_services.order_submit(order=order, by=by)
    return order


def _seed_opportunities(story: _Story, c: dict[str, Customer]) -> int:
    S, M, D = story.seller, story.manager, story.director
    now = story.now
    made = []

    def sale(customer, salesperson, code, title, *, days, vehicle=None, advantage=""):
        opp = _opportunity(story, customer, salesperson, code, title)
        offer = _offer(
            story, opp, salesperson, advantage=advantage, validate=True, **(vehicle or {})
        )
        made.append((opp, days))
        return opp, offer

    # Gerland (61) and Villeurbanne (62): the salesperson and the sales manager.
    # Each title says what the customer looks for; the vehicle offered fits it.
    opp, offer = sale(
        c["Bernard"], S, 61, "Citadine pour la rentrée", days=5, vehicle={"segment": "citadine"}
    )
    _order(story, offer, S, pay=False)  # draft: the payment tab is still empty

    opp, offer = sale(
        c["Petit"],
        S,
        61,
        "SUV familial",
        days=8,
        advantage="Remise fidélité",
        vehicle={"segment": "suv"},
    )
    _order(story, offer, S, submit=True)  # waits for the manager's validation

    opp, offer = sale(
        c["Robert"], S, 61, "SUV neuf", days=20, vehicle={"parc": Parc.VN, "segment": "suv"}
    )
    order = _order(story, offer, S, submit=True)
    sales_services.order_validate(order=order, by=M)  # commandée, to order from the factory

    opp, offer = sale(
        c["Richard"],
        S,
        61,
        "Compacte d'occasion avec reprise",
        days=25,
        vehicle={"parc": Parc.VO, "segment": "compacte"},
    )
    order = _order(story, offer, S, submit=True)
    sales_services.order_validate(order=order, by=M)
    sales_services.order_prepare(order=order, by=story.secretary)  # à livrer

    opp, offer = sale(
        c["Dubois"],
        S,
        61,
        "Deuxième voiture : une citadine",
        days=15,
        vehicle={"segment": "citadine"},
    )
    order = _order(story, offer, S, submit=True)
    sales_services.order_validate(order=order, by=M)
    sales_services.order_cancel(
        order=order, by=S, reason="Le client a obtenu un refus de financement."
    )  # without the right: a request the manager confirms or refuses

    opp, offer = sale(
        c["Morel"],
        S,
        61,
        "Remplacement de sa Clio par une citadine neuve",
        days=60,
        advantage="Geste commercial",
        vehicle={"parc": Parc.VN, "segment": "citadine"},
    )
    order = _order(story, offer, S, submit=True)
    sales_services.order_validate(order=order, by=M)
    sales_services.order_prepare(order=order, by=M)
    sales_services.order_deliver(
        order=order, by=S
    )  # the offer stays "validée" (terminée: dry trade-ins)

    opp = _opportunity(story, c["Laurent"], S, 61, "Break hybride")
    tried = story.vehicle(point_of_sale=opp.point_of_sale, segment="break", energy=Energy.HYBRID)
    sales_services.appointment_create(
        opportunity=opp,
        by=S,
        kind=Appointment.Kind.TEST_DRIVE,
        starts_at=now - timedelta(days=40, hours=3),
        vehicle=tried,
        note="Essai sur route et autoroute",
    )
    _offer(story, opp, S, vehicle=tried)  # the offer on the vehicle of the test drive (O-9)
    sales_services.opportunity_follow_up(
        opportunity=opp,
        by=S,
        message="Bonjour, avez-vous pu réfléchir à notre proposition ? Je reste disponible.",
    )
    made.append((opp, 45))  # en souffrance

    opp = _opportunity(story, c["Simon"], M, 61, "Première voiture")
    sales_services.appointment_create(
        opportunity=opp,
        by=M,
        kind=Appointment.Kind.TEST_DRIVE,
        starts_at=(now + timedelta(days=2)).replace(hour=10, minute=30, second=0, microsecond=0),
        vehicle=story.vehicle(point_of_sale=opp.point_of_sale, parc=Parc.VO, segment="citadine"),
    )
    sales_services.opportunity_salesperson_change(opportunity=opp, salesperson=S, by=M)
    made.append((opp, 3))

    opp, offer = sale(
        c["Rhône Express"],
        M,
        61,
        "Utilitaire de livraison",
        days=12,
        vehicle={"genre": "VU", "parc": Parc.VN},
    )
    _order(story, offer, M, submit=True)  # the manager's own order is validated at once

    opp = _opportunity(story, c["Michel"], S, 62, "Compacte essence")
    petrol_compact = {"segment": "compacte", "energy": Energy.PETROL}
    first = _offer(story, opp, S, validate=True, **petrol_compact)
    sales_services.offer_modify(offer=first, by=S)  # cancelled, replaced by a new version
    _offer(story, opp, S, **petrol_compact)
    made.append((opp, 10))

    opp = _opportunity(story, c["Garcia"], S, 62, "Monospace 7 places")
    _offer(story, opp, S, segment="monospace")
    sales_services.opportunity_abandon(opportunity=opp, by=S, reason="A acheté chez un concurrent.")
    made.append((opp, 70))

    opp, offer = sale(
        c["Dupuis"], S, 62, "Utilitaire pour les tournées", days=6, vehicle={"genre": "VU"}
    )
    _order(story, offer, S)  # draft: the company has no legal representative yet

    opp, offer = sale(
        c["Bertrand"],
        S,
        62,
        "SUV",
        days=18,
        advantage="Remise exceptionnelle",
        vehicle={"segment": "suv"},
    )
    order = _order(story, offer, S, submit=True)
    sales_services.order_refuse(
        order=order, by=M, reason="Remise trop importante pour ce véhicule."
    )
    _offer(story, opp, S, segment="suv")

    opp = _opportunity(story, c["Fontaine"], S, 62, "Citadine électrique")
    sales_services.appointment_create(
        opportunity=opp,
        by=S,
        kind=Appointment.Kind.MEETING,
        starts_at=now - timedelta(days=38),
        note="Découverte du besoin",
    )
    made.append((opp, 40))  # en souffrance

    # Grenoble (63) and Échirolles (64): the director sells too.
    opp = _opportunity(story, c["Chevalier"], D, 63, "Véhicule vu à Villeurbanne")
    wanted = story.vehicle(point_of_sale=story.pos[62])
    sales_services.offer_create(vehicle=wanted, by=D, opportunity=opp)
    transfer_request(
        vehicle=wanted,
        to_point_of_sale=story.pos[63],
        by=D,
        reason=f"Client de Grenoble intéressé (opportunité n° {opp.pk}).",
    )
    made.append((opp, 4))

    opp, offer = sale(
        c["Rousseau"],
        D,
        63,
        "SUV hybride rechargeable",
        days=50,
        vehicle={"energy": Energy.PLUGIN_HYBRID},
    )
    order = _order(story, offer, D, submit=True)
    sales_services.order_prepare(order=order, by=D)
    sales_services.order_deliver(order=order, by=D)

    opp = _opportunity(story, c["Blanc"], D, 63, "Essai d'un SUV neuf")
    sales_services.appointment_create(
        opportunity=opp,
        by=D,
        kind=Appointment.Kind.TEST_DRIVE,
        starts_at=(now + timedelta(days=5)).replace(hour=15, minute=0, second=0, microsecond=0),
        vehicle=story.vehicle(point_of_sale=opp.point_of_sale, parc=Parc.VN, segment="suv"),
    )
    made.append((opp, 2))

    opp, offer = sale(c["Guérin"], D, 64, "Break", days=30, vehicle={"segment": "break"})
    order = _order(story, offer, D, submit=True)
    sales_services.order_cancel(order=order, by=D, reason="Déménagement du client à l'étranger.")

    opp = _opportunity(story, c["Muller"], D, 64, "Utilitaire")
    _offer(story, opp, D, advantage="Remise professionnelle", genre="VU")
    made.append((opp, 9))

    opp = _opportunity(story, c["Faure"], D, 64, "Citadine")
    sales_services.opportunity_abandon(
        opportunity=opp, by=D, reason="Projet reporté à l'an prochain."
    )
    made.append((opp, 90))

    for opp, days in made:
        _age(opp, days)
    return len(made)


# --- Bulk (``--scale N``) --------------------------------------------------------------

LAST_NAMES = (  # noqa: SIM905
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin Boyer Garnier Chevalier "
    "Francois Legrand Gauthier Garcia Perrin Robin Clement Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Riviere Lucas Brunet Gaillard Barbier Arnaud Martinez Gerard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud "
    "Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoit Rey Leclerc Payet Rolland Leclercq"
).split()
FIRST_NAMES = (  # noqa: SIM905
    "Camille Lucas Emma Hugo Léa Louis Chloé Gabriel Manon Jules Inès Arthur Sarah Nathan "
    "Alice Paul Julie Théo Zoé Adam Lina Raphaël Jade Léo Louise Tom Rose Noah Anna Ethan "
    "Mila Sacha Lou Nathalie Philippe Isabelle Pascal Sandrine Laurent Valérie Christophe"
).split()
COMPANY_WORDS = ["Transports", "Boulangerie", "Garage", "Cabinet", "Atelier", "Plomberie"]
CITIES = {
    61: [("Lyon", "69007"), ("Lyon", "69008"), ("Oullins", "69600")],
    62: [("Villeurbanne", "69100"), ("Vaulx-en-Velin", "69120"), ("Bron", "69500")],
    63: [("Grenoble", "38000"), ("Meylan", "38240"), ("Saint-Égrève", "38120")],
    64: [("Échirolles", "38130"), ("Eybens", "38320"), ("Pont-de-Claix", "38800")],
}
# Statuses of the bulk orders (weights).
ORDER_MIX = [
    (Order.Status.DRAFT, 10),
    (Order.Status.PENDING_VALIDATION, 10),
    (Order.Status.ORDERED, 15),
    (Order.Status.TO_DELIVER, 10),
    (Order.Status.DELIVERED, 35),
    (Order.Status.PENDING_CANCELLATION, 3),
    (Order.Status.CANCELLED, 10),
    (Order.Status.REFUSED, 7),
]
# Where the vehicle of an order stands (the vehicle follows the sale).
VEHICLE_STATUS_FOR = {
    Order.Status.ORDERED: StandardStatus.DELIVERY,
    Order.Status.TO_DELIVER: StandardStatus.DELIVERY,
    Order.Status.PENDING_CANCELLATION: StandardStatus.DELIVERY,
    Order.Status.DELIVERED: StandardStatus.EXIT,
}


ABANDON_REASONS = ["A acheté ailleurs", "Projet reporté", "Budget insuffisant"]


def _bulk(model, rows: list) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])


def seed_bulk(*, scale: int, log=print) -> int:
    """Top the bulk data up to ``scale`` vehicles' worth (scale/2 customers with one
    opportunity each, scale/10 offers, scale/20 orders); nothing if already there.

    Rows are inserted in their final status, as a data import would (bulk_create of
    constructed rows): nothing changes state here, so no transition runs. The showcase
    above goes through the services."""
    existing = Customer.objects.filter(email__endswith=f"@{BULK_DOMAIN}").count()
    count = scale // 2 - existing
    if count <= 0:
        log(f"  sales journey already seeded for scale {scale}")
        return 0
    rng = random.Random(scale + existing)  # noqa: S311 — demo data
    now = timezone.now()
    pos_codes = dict(PointOfSale.objects.filter(code__in=CITIES).values_list("pk", "code"))
    sellers: dict[int, set[int]] = {}
    for user_id, pos_id in User.objects.filter(
        is_active=True, groups__usergroup__type__in=SELLER_TYPES, points_of_sale__in=pos_codes
    ).values_list("pk", "points_of_sale"):
        sellers.setdefault(pos_id, set()).add(user_id)
    if not sellers:
        log("  no salesperson: bulk sales journey skipped")
        return 0
    sellers_by_pos = {pos_id: sorted(ids) for pos_id, ids in sellers.items()}
    validators = dict(
        User.objects.filter(
            email__in=[f"chef-des-ventes@{DOMAIN}", f"directeur@{DOMAIN}"]
        ).values_list("email", "pk")
    )
    validator_of = {
        pos_id: validators.get(f"{'chef-des-ventes' if code in (61, 62) else 'directeur'}@{DOMAIN}")
        for pos_id, code in pos_codes.items()
    }

    customers = []
    for n in range(count):
        pos_id = rng.choice(sorted(sellers_by_pos))
        customers.append(_bulk_customer(rng, existing + n, pos_id, pos_codes[pos_id], now))
    _bulk(Customer, customers)

    offers, orders = _bulk_sales(rng, now, customers, count // 5, count // 10, validator_of)
    won = {o["index"]: o["validated_at"] for o in orders if o["validated_at"]}
    busy = {
        o["index"]
        for o in orders
        if not o["validated_at"]
        and o["status"] not in (Order.Status.CANCELLED, Order.Status.REFUSED)
    }

    # The title of an opportunity with an offer names what its vehicle is (issue 13).
    wanted = {o["index"]: o["vehicle"] for o in offers}
    opportunities = []
    for i, customer in enumerate(customers):
        created = customer.created_at
        activity = min(now, created + timedelta(days=rng.randint(0, 20), hours=1))
        if i in won:
            status, closed, reason = Opportunity.Status.WON, won[i], ""
        elif i in busy or ((now - created).days < 170 and rng.random() < 0.65):
            status, closed, reason = Opportunity.Status.OPEN, None, ""
        else:
            status, closed = Opportunity.Status.ABANDONED, activity
            reason = rng.choice(ABANDON_REASONS)
        opportunities.append(
            Opportunity(
                customer=customer,
                point_of_sale_id=customer.point_of_sale_id,
                salesperson_id=rng.choice(sellers_by_pos[customer.point_of_sale_id]),
                title=_bulk_title(wanted[i])
                if i in wanted
                else rng.choice(["", "", "Projet VO", "Projet VN", "Reprise"]),
                status=status,
                created_at=created,
                last_activity_at=activity,
                closed_at=closed,
                close_reason=reason,
            )
        )
    _bulk(Opportunity, opportunities)
    _bulk(
        OpportunityEvent,
        [
            OpportunityEvent(
                opportunity=opp,
                kind=OpportunityEvent.Kind.CREATED,
                message=f"Opportunité créée pour {opp.customer.display_name}",
                at=opp.created_at,
                by_id=opp.salesperson_id,
            )
            for opp in opportunities
        ],
    )

    offer_rows = []
    for offer in offers:
        opp = opportunities[offer["index"]]
        status = offer["status"]
        if status == Offer.Status.OPEN and opp.status != Opportunity.Status.OPEN:
            status = Offer.Status.CANCELLED
        offer_rows.append(
            Offer(
                opportunity=opp,
                vehicle_id=offer["vehicle"][0],
                status=status,
                vehicle_price=offer["vehicle"][2],
                created_at=offer["created_at"],
                created_by_id=opp.salesperson_id,
                validated_at=offer["validated_at"],
                cancelled_at=offer["created_at"] + timedelta(days=3)
                if status == Offer.Status.CANCELLED
                else None,
            )
        )
    _bulk(Offer, offer_rows)

    order_rows = [
        _bulk_order(o, offer_rows[o["offer"]], opportunities[o["index"]], validator_of)
        for o in orders
    ]
    _bulk(Order, order_rows)
    events = []
    for order in order_rows:
        events.append(
            OrderEvent(
                order=order,
                kind="created",
                to_status=Order.Status.DRAFT,
                message=f"Commande créée depuis l'offre n° {order.offer_id}",
                at=order.created_at,
                by_id=order.created_by_id,
            )
        )
        if order.status != Order.Status.DRAFT:
            events.append(
                OrderEvent(
                    order=order,
                    kind="status",
                    from_status=Order.Status.DRAFT,
                    to_status=order.status,
                    message=f"Statut : {order.get_status_display()}",
                    at=order.delivered_at or order.validated_at or order.submitted_at,
                    by_id=order.validated_by_id or order.created_by_id,
                )
            )
    _bulk(OrderEvent, events)
    log(
        f"  {count} customers and opportunities, {len(offer_rows)} offers, "
        f"{len(order_rows)} orders added (scale)"
    )
    return count


SEGMENT_TITLES = {
    "citadine": "citadine",
    "compacte": "compacte",
    "break": "break",
    "suv": "SUV",
    "monospace": "monospace",
    "utilitaire": "utilitaire",
}


def _bulk_title(vehicle: tuple) -> str:
    """ "Projet VO — SUV (Peugeot 3008)": the parc, the segment and the model offered."""
    segment = SEGMENT_TITLES.get(segment_of(vehicle[4], vehicle[5]), "véhicule")
    return f"Projet {vehicle[3]} — {segment} ({vehicle[4]} {vehicle[5]})"


def _bulk_customer(rng: random.Random, n: int, pos_id: int, code: int, now) -> Customer:
    city, postcode = rng.choice(CITIES[code])
    digits = f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {n % 100:02d}"
    if rng.random() < 0.05:
        customer = Customer(
            kind=Customer.Kind.COMPANY,
            company_name=f"{rng.choice(COMPANY_WORDS)} {rng.choice(LAST_NAMES)}",
            siret=str(rng.randint(10**13, 10**14 - 1)),
            email=f"societe.{n:07d}@{BULK_DOMAIN}",
            phone=f"04 {digits}",
        )
    else:
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        customer = Customer(
            kind=Customer.Kind.PERSON,
            civility=rng.choice(["M.", "Mme"]),
            last_name=last,
            first_name=first,
            email=f"{last.lower()}.{n:07d}@{BULK_DOMAIN}",
            mobile=f"06 {digits}",
        )
    customer.point_of_sale_id = pos_id
    customer.city, customer.postcode = city, postcode
    customer.address = f"{rng.randint(1, 120)} avenue Jean Jaurès"
    customer.created_at = now - timedelta(days=rng.randint(0, 365), seconds=rng.randint(0, 86399))
    customer.search_text = customer.build_search_text()
    return customer


def _vehicle_pools() -> dict[str, list[tuple]]:
    """Priced bulk vehicles without an order, by where they stand."""
    taken = set(Order.objects.values_list("vehicle_id", flat=True))
    pools: dict[str, list[tuple]] = {}
    rows = (
        Vehicle.objects.exclude(internal_number__startswith="DEMO-")
        .filter(selling_price__gt=0)
        .values_list(
            "pk", "status", "selling_price", "parc", "brand", "model", "version", "vin",
            "registration", "vat_regime",
        )
        .order_by("pk")
    )  # fmt: skip
    for row in rows.iterator(chunk_size=BATCH):
        if row[0] not in taken:
            pools.setdefault(row[1], []).append(row)
    return pools


def _bulk_sales(rng, now, customers, offer_count, order_count, validator_of):
    """Plans of offers (on opportunities by index) and of orders in mixed statuses."""
    pools = _vehicle_pools()
    stock = pools.get(StandardStatus.SALES_STOCK, []) + pools.get(StandardStatus.PHYSICAL_ENTRY, [])
    if not stock:
        return [], []
    for pool in pools.values():
        rng.shuffle(pool)
    rng.shuffle(stock)
    statuses, weights = zip(*ORDER_MIX, strict=True)
    offers, orders = [], []
    picked = rng.sample(range(len(customers)), min(offer_count, len(customers)))
    for k, index in enumerate(picked):
        created = min(now, customers[index].created_at + timedelta(days=rng.randint(0, 10)))
        status = rng.choices(statuses, weights)[0] if k < order_count else None
        pool = pools.get(VEHICLE_STATUS_FOR.get(status, StandardStatus.SALES_STOCK), [])
        vehicle = pool.pop() if status and pool else None
        if vehicle is None:
            status, vehicle = None, stock[k % len(stock)]
        offers.append(
            {
                "index": index,
                "vehicle": vehicle,
                "status": Offer.Status.VALIDATED
                if status
                else rng.choice([Offer.Status.OPEN, Offer.Status.OPEN, Offer.Status.CANCELLED]),
                "created_at": created,
                "validated_at": min(now, created + timedelta(days=1)) if status else None,
            }
        )
        if status is None:
            continue
        S = Order.Status
        ordered = min(now, created + timedelta(days=1, hours=rng.randint(1, 48)))
        validated = status in (S.ORDERED, S.TO_DELIVER, S.DELIVERED, S.PENDING_CANCELLATION)
        orders.append(
            {
                "index": index,
                "offer": len(offers) - 1,
                "vehicle": vehicle,
                "status": status,
                "created_at": ordered,
                "validated_at": min(now, ordered + timedelta(days=1)) if validated else None,
                "delivered_at": min(now, ordered + timedelta(days=rng.randint(7, 30)))
                if status == S.DELIVERED
                else None,
                "factory": vehicle[3] == Parc.VN and validated and rng.random() < 0.5,
            }
        )
    return offers, orders


def _bulk_order(plan: dict, offer: Offer, opp: Opportunity, validator_of) -> Order:
    S = Order.Status
    status, vehicle, customer = plan["status"], plan["vehicle"], opp.customer
    totals = pricing.compute(
        vehicle_price=vehicle[2], lines=[], deposit=Decimal("1000.00"), vat_regime=vehicle[9]
    )
    validated = plan["validated_at"]
    return Order(
        opportunity=opp,
        offer=offer,
        vehicle_id=vehicle[0],
        point_of_sale_id=opp.point_of_sale_id,
        status=status,
        status_before=S.ORDERED if status == S.PENDING_CANCELLATION else "",
        snapshot={
            "customer": {
                "pk": customer.pk,
                "kind": customer.kind,
                "name": customer.display_name,
                "email": customer.email,
                "mobile": customer.mobile,
                "city": customer.city,
                "legal_representative": None,
            },
            "vehicle": {
                "number": vehicle[0],
                "parc": vehicle[3],
                "brand": vehicle[4],
                "model": vehicle[5],
                "version": vehicle[6],
                "vin": vehicle[7],
                "registration": vehicle[8],
                "vat_regime": vehicle[9],
            },
            "lines": [],
            "pack": None,
            "totals": totals.as_dict(),
            "offer": offer.pk,
        },
        total_ttc=totals.total_ttc,
        balance_method=PaymentMethod.TRANSFER if status != S.DRAFT else "",
        deposit_amount=Decimal("1000.00"),
        deposit_method=PaymentMethod.CHEQUE,
        created_at=plan["created_at"],
        created_by_id=opp.salesperson_id,
        submitted_at=plan["created_at"] + timedelta(hours=2) if status != S.DRAFT else None,
        validated_at=validated,
        validated_by_id=validator_of.get(opp.point_of_sale_id) if validated else None,
        delivered_at=plan["delivered_at"],
        factory_ordered_at=validated if plan["factory"] else None,
        decision_reason={
            S.REFUSED: "Remise trop importante",
            S.CANCELLED: "Le client renonce",
            S.PENDING_CANCELLATION: "Refus de financement",
        }.get(status, ""),
    )
