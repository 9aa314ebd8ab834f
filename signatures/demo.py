"""Demo data of the e-signature (``manage.py seed_demo``), idempotent.

At Lyon Gerland (point of sale 61): order forms sent for e-signature in every status —
en attente, signé (a sealed order form to download; the order then validated, its
deposit's e-payment link sent when e-payment is configured), refusé, expiré, en erreur,
supprimé (its order cancelled) —, a dry trade-in offer waiting for its signature, a
delivery report signed on the showroom tablet, and the SMS outbox with the code
messages. Each demo entity gets its self-signed sealing certificate. Everything goes
through the services, as a salesperson and a customer would.
"""

import re
from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from openflex.accounts.demo import demo_email
from openflex.accounts.models import Entity, PointOfSale, User
from opportunities.customers.models import Customer
from opportunities.customers.services import customer_create
from opportunities.sales import services as sales
from opportunities.sales.models import Offer, Order
from opportunities.tradeins import services as tradeins
from signatures.flows import services as flows
from signatures.models import SignatureRequest, SmsMessage
from signatures.promotions.services import promotions_seed_demo
from signatures.requests import services as requests
from signatures.sealing.services import signing_certificate_for
from vehicles.models import Vehicle

MARKER_EMAIL = "helene.garnier@exemple.net"  # an e-signature customer (seeded once)
CUSTOMER = requests.Client(
    ip="203.0.113.24",
    user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1",
)
TABLET = requests.Client(
    ip="192.0.2.10", user_agent="Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) Safari/604.1"
)

# (civility, last name, first name, email, mobile, what happens to the order form)
CUSTOMERS = [
    ("M.", "Roussel", "Thomas", "thomas.roussel@exemple.net", "06 33 21 54 09", "signed"),
    ("Mme", "Garnier", "Hélène", MARKER_EMAIL, "06 12 40 18 77", "pending"),
    ("Mme", "Fabre", "Julie", "julie.fabre@exemple.net", "07 61 22 90 14", "refused"),
    ("M.", "Chevalier", "Marc", "marc.chevalier@exemple.net", "06 45 87 12 30", "expired"),
    ("Mme", "Lambert", "Sophie", "sophie.lambert@exemple.net", "06 78 02 33 41", "error"),
    ("M.", "Bonnet", "Lucas", "lucas.bonnet@exemple.net", "06 71 47 25 63", "deleted"),
]


def seed(*, scale: int = 0, log=print) -> None:
    for entity in Entity.objects.all():
        signing_certificate_for(entity)  # a self-signed sealing certificate (S-6)
    promotions_seed_demo()  # promotional operations (S-3, SIG-CORE)
    if Customer.objects.filter(email=MARKER_EMAIL).exists():
        return
    pos = PointOfSale.objects.filter(code=61).first()
    seller = User.objects.filter(email=demo_email("vendeur")).first()
    manager = User.objects.filter(email=demo_email("chef-des-ventes")).first()
    if pos is None or seller is None or manager is None:
        log("  no demo organisation: e-signature skipped")
        return
    vehicles = list(_vehicles_for_sale(pos)[: len(CUSTOMERS)])
    if len(vehicles) < len(CUSTOMERS) or vehicles[0].point_of_sale_id != pos.pk:
        log("  not enough demo vehicles for sale: e-signature skipped")
        return
    for (civility, last, first, email, mobile, outcome), vehicle in zip(
        CUSTOMERS, vehicles, strict=True
    ):
        customer = customer_create(
            by=seller,
            point_of_sale=pos,
            allow_duplicate=True,
            kind=Customer.Kind.PERSON,
            civility=civility,
            last_name=last,
            first_name=first,
            email=email,
            mobile=mobile,
            address="12 rue de la République",
            postcode="69002",
            city="Lyon",
        )
        # The signed one is sent by the manager: validated at once when signed.
        sender = manager if outcome == "signed" else seller
        order = _draft_order(customer=customer, seller=seller, vehicle=vehicle, pos=pos)
        order = sales.order_submit(order=order, by=sender, signature_mode="electronique")
        request = SignatureRequest.objects.get(order=order, status=SignatureRequest.S.PENDING)
        _play(outcome, request=request, order=order, seller=seller, manager=manager)
    delivered = _delivery_report_on_tablet(pos=pos, seller=seller, manager=manager)
    validator = (
        User.objects.filter(email=demo_email("valideur-reprises")).first()
        or User.objects.filter(email=demo_email("directeur")).first()
    )
    _tradein_offer(pos=pos, seller=seller, validator=validator)
    log(
        f"  {SignatureRequest.objects.count()} signature requests "
        f"({'with' if delivered else 'without'} a delivery report), "
        f"{SmsMessage.objects.count()} SMS in the outbox"
    )


def _vehicles_for_sale(pos):
    """Demo vehicles for sale, not reserved, without a live order: Lyon Gerland's first
    (the signed order's, validated at once), then its entity's other points of sale (an
    order there waits for a transfer only once signed)."""
    dead = [Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.REPLACED]
    return (
        Vehicle.objects.filter(
            point_of_sale__entity_id=pos.entity_id,
            status="stock_vente",
            internal_number__startswith="DEMO-",
            selling_price__gt=0,
            reservation_kind="",
        )
        .exclude(Exists(Order.objects.filter(vehicle=OuterRef("pk")).exclude(status__in=dead)))
        .annotate(
            elsewhere=~Q(point_of_sale=pos),
            has_offer=Exists(Offer.objects.filter(vehicle=OuterRef("pk"))),
        )
        .order_by("elsewhere", "has_offer", "number")
    )


def _draft_order(*, customer, seller, vehicle, pos) -> Order:
    opportunity = sales.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller
    )
    offer = sales.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
    sales.offer_validate(offer=offer, by=seller)
    order = sales.order_create(offer=offer, by=seller)
    return sales.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("1000.00"),
        deposit_method="carte",  # paid online when the point of sale offers e-payment
        deposit_not_online=False,
    )


def _code(request) -> str:
    message = (
        SmsMessage.objects.filter(reference=f"signature_request:{request.pk}")
        .order_by("-created_at", "-pk")
        .first()
    )
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _sign(request, client) -> None:
    requests.signature_request_opened(request=request, client=client)
    requests.signature_code_send(request=request, client=client)
    requests.signature_request_sign(request=request, code=_code(request), client=client)


def _play(outcome: str, *, request, order, seller, manager) -> None:
    if outcome == "signed":
        _sign(request, CUSTOMER)
    elif outcome == "refused":
        requests.signature_request_opened(request=request, client=CUSTOMER)
        requests.signature_request_refuse(
            request=request,
            reason="Je souhaite revoir la date de livraison avec mon conseiller.",
            client=CUSTOMER,
        )
    elif outcome == "expired":
        requests.signature_request_expire(request=request, now=timezone.now() + timedelta(days=1))
    elif outcome == "error":
        requests.signature_request_fail(
            request=request, error="Adresse email refusée par le serveur du destinataire."
        )
    elif outcome == "deleted":
        sales.order_cancel(order=order, by=manager, reason="Le client a acheté ailleurs.")
    else:  # pending: the customer opened the link and asked for a code
        requests.signature_request_opened(request=request, client=CUSTOMER)
        requests.signature_code_send(request=request, client=CUSTOMER)


def _delivery_report_on_tablet(*, pos, seller, manager) -> bool:
    """The signed order, prepared then delivered: its delivery report signed on the
    showroom's tablet."""
    order = Order.objects.filter(
        opportunity__customer__email=CUSTOMERS[0][3], status=Order.Status.ORDERED
    ).first()
    if order is None:
        return False
    order = sales.order_prepare(order=order, by=manager)
    request = flows.delivery_report_request(order=order, by=seller, remote=False)
    requests.signature_request_new_link(request=request, by=seller)
    _sign(SignatureRequest.objects.get(pk=request.pk), TABLET)
    sales.order_deliver(order=order, by=seller)
    return True


def _tradein_offer(*, pos, seller, validator) -> None:
    """A dry trade-in validated, its offer of reprise sent for e-signature (waiting)."""
    customer = customer_create(
        by=seller,
        point_of_sale=pos,
        allow_duplicate=True,
        kind=Customer.Kind.PERSON,
        civility="M.",
        last_name="Perrin",
        first_name="Antoine",
        email="antoine.perrin@exemple.net",
        mobile="06 24 68 13 57",
        city="Villeurbanne",
        postcode="69100",
    )
    opportunity = sales.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller
    )
    trade_in = tradeins.tradein_create(
        opportunity=opportunity,
        by=seller,
        kind="seche",
        destination="particulier",
        brand="Renault",
        model="Mégane",
        version="1.3 TCe 140 Intens",
        energy="essence",
        registration="FG-482-KT",
        vin="VF1RFB00X63528417",
        mileage=58400,
        condition="Bon état général, pneus avant à remplacer.",
        estimate=Decimal("11800.00"),
        requested_value=Decimal("12500.00"),
        proposed_value=Decimal("11200.00"),
    )
    trade_in = tradeins.tradein_validate(trade_in=trade_in, by=validator)
    offer = tradeins.tradein_offer_create(trade_in=trade_in, by=seller)
    flows.tradein_offer_send(offer=offer, by=seller)
