"""Hostile input on every page of the sales journey: never a 500, no open redirect, no
write on bad input (STYLE: "Bad input gets a clear message … never a 500"; X-4)."""

from decimal import Decimal

import pytest
from django.test import Client

from opportunities.financing import services as financing
from opportunities.financing.models import FinancingSimulation
from opportunities.reservations.models import Reservation
from opportunities.sales import services
from opportunities.tradeins import services as tradeins
from tests.accounts.factories import PointOfSaleFactory, UserFactory, admin_user
from tests.opportunities.factories import CompanyFactory, ProductFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "1e30", "²", "9999-12-31", "x" * 3000]

FIELDS = [
    "q", "type", "page", "client", "onglet", "depuis", "next", "back", "kind", "civility",
    "last_name", "first_name", "email", "mobile", "company_name", "siret", "address",
    "postcode", "city", "customer", "salesperson", "point_of_sale", "title", "message",
    "starts_at", "vehicle", "note", "reason", "vehicle_price", "administrative_fees",
    "empty_weight", "trade_in_value", "deposit", "show_ht", "pack", "save", "line_kind",
    "line_label", "line_amount", "line_product", "add_product", "add_line", "balance_method",
    "deposit_amount", "deposit_method", "delivery_date", "latest_delivery_date", "action",
    "product", "reservation", "price", "down_payment", "duration_months", "annual_rate",
    "services_monthly", "label", "make_default", "amount", "birth_date", "employment",
    "monthly_income", "monthly_charges", "neglect_days", "inactivity_cancel_days",
    "stock_entry_days", "enabled", "destinations", "brands", "methods", "brand", "model",
    "version", "energy", "registration", "vin", "mileage", "condition", "estimate",
    "requested_value", "proposed_value", "destination", "offer", "name", "pack_element",
    "previous_pack", "rdv-starts_at", "essai-starts_at", "essai-vehicle", "offre-vehicle",
    "abandon-reason", "status", "f",
]  # fmt: skip


@pytest.fixture
def world(pos, site, seller, manager, secretary, customer, car, opportunity, offer):
    fleet = UserFactory(
        group_type="gestionnaire-parc",
        points_of_sale=[pos],
        rights=["change_vehicle_configuration", "access_vn"],
    )
    car2 = VehicleFactory(physical_site=site, status="stock_vente", selling_price=Decimal("9000"))
    offer2 = services.offer_validate(
        offer=services.offer_create(opportunity=opportunity, vehicle=car2, by=seller), by=seller
    )
    order = services.order_create(offer=offer2, by=seller)
    trade_in = tradeins.tradein_create(
        opportunity=opportunity,
        by=seller,
        kind="seche",
        destination="particulier",
        brand="Peugeot",
        model="308",
        energy="essence",
        mileage=62000,
        estimate=Decimal("1000"),
    )
    simulation = financing.financing_simulation_create(
        vehicle=car,
        by=fleet,
        label="Perso",
        make_default=False,
        price=Decimal("10000"),
        down_payment=Decimal("0"),
        duration_months=48,
        annual_rate=Decimal("4.9"),
        services_monthly=Decimal("0"),
    )
    users = {
        "seller": seller,
        "other_seller": UserFactory(group_type="vendeur", points_of_sale=[pos]),
        "manager": manager,
        "other_manager": UserFactory(
            group_type="chef-des-ventes",
            points_of_sale=[PointOfSaleFactory()],
            rights=["access_vn", "validate_orders"],
        ),
        "secretary": secretary,
        "fleet": fleet,
        "validator": UserFactory(
            group_type="valideur-reprises", points_of_sale=[pos], rights=["validate_tradeins"]
        ),
        "admin": admin_user(points_of_sale=[pos]),
    }
    n, o, op = car.pk, offer.pk, opportunity.pk
    gets = [
        "/clients/",
        f"/clients/{customer.pk}/",
        "/opportunites/",
        "/opportunites/nouvelle/",
        f"/opportunites/{op}/",
        f"/vehicules/{n}/offre/",
        f"/offres/{o}/",
        "/commandes/",
        f"/commandes/{order.pk}/",
        "/reprises/",
        f"/reprises/{trade_in.pk}/",
        f"/vehicules/{n}/financement/simulation/",
        f"/offres/{o}/financement/simulation/",
        f"/offres/{offer2.pk}/financement/demande/",
    ]
    posts = [
        "/clients/nouveau/",
        f"/clients/{customer.pk}/modifier/",
        f"/clients/{CompanyFactory(point_of_sale=pos).pk}/representant/",
        "/opportunites/nouvelle/",
        f"/opportunites/{op}/salesperson/",
        f"/opportunites/{op}/relance/",
        f"/opportunites/{op}/rdv/",
        f"/opportunites/{op}/essai/",
        f"/opportunites/{op}/offre/",
        f"/vehicules/{n}/offre/",
        f"/offres/{o}/",
        f"/commandes/{order.pk}/reglement/",
        f"/commandes/{order.pk}/action/",
        f"/vehicules/{n}/produits/ajouter/",
        f"/vehicules/{n}/reservation/annuler/",
        "/reprises/",
        "/reprises/demande/",
        f"/opportunites/{op}/reprises/nouvelle/",
        f"/reprises/{trade_in.pk}/modifier/",
        f"/reprises/{trade_in.pk}/refuser/",
        f"/vehicules/{n}/financement/simulation/",
        f"/vehicules/{n}/financement/{simulation.pk}/defaut/",
        f"/offres/{o}/financement/simulation/",
        f"/offres/{offer2.pk}/financement/demande/",
        "/parametres/ventes/",
        "/parametres/produits/nouveau/",
        f"/parametres/produits/{ProductFactory().pk}/",
        "/parametres/reservation-vo/",
    ]
    return users, gets, posts


@pytest.mark.parametrize("role", ["seller", "other_manager", "admin"])
def test_no_page_answers_500_on_hostile_input(world, role):
    users, gets, posts = world
    client = Client(raise_request_exception=False)
    client.force_login(users[role])
    failures = []
    for value in HOSTILE:
        data = dict.fromkeys(FIELDS, value)
        for url in gets:
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}) if value == "\x00" else ({},):
                if client.get(url, data, **headers).status_code >= 500:
                    failures.append(("GET", url, value[:20]))
        for url in posts:
            if client.post(url, {**data, "save": "1"}).status_code >= 500:
                failures.append(("POST", url, value[:20]))
    assert failures == []


def test_rate_out_of_range_is_a_message_not_a_500(client, fleet_manager_like, car):
    """V-13: "1e30" as a rate (max_digits) used to crash formatting "25 %." → 500."""
    client.force_login(fleet_manager_like)
    page = client.post(
        f"/vehicules/{car.pk}/financement/simulation/",
        {"price": "10000", "duration_months": "48", "annual_rate": "1e30", "save": "1"},
    )
    assert page.status_code == 400
    assert "compris entre 0 et 25 %" in page.content.decode()
    assert not FinancingSimulation.objects.filter(vehicle=car).exists()


def test_simulation_copy_with_non_ascii_digit_is_ignored(client, fleet_manager_like, car):
    """V-13: ?depuis=² ("²".isdigit() is True) used to answer 500."""
    client.force_login(fleet_manager_like)
    page = client.get(f"/vehicules/{car.pk}/financement/simulation/", {"depuis": "²"})
    assert page.status_code == 200


@pytest.fixture
def fleet_manager_like(pos):
    return UserFactory(
        group_type="gestionnaire-parc",
        points_of_sale=[pos],
        rights=["change_vehicle_configuration", "access_vn"],
    )


@pytest.mark.parametrize("value", ["abc", "\x00", "1e30", "²", "99999999999999999999"])
def test_reservation_end_with_a_bad_id_is_a_404_not_a_500(client, manager, site, value):
    """V-11: the reservation id of the vehicle page's form is parsed, not trusted."""
    vehicle = VehicleFactory(physical_site=site, status="pre_entree", parc="VO")
    client.force_login(manager)
    page = client.post(
        f"/vehicules/{vehicle.pk}/reservation/annuler/", {"reservation": value, "reason": "x"}
    )
    assert page.status_code == 404
    assert not Reservation.objects.exists()


EVIL = ["//evil.test", "https://evil.test/x", "/\\evil.test", "\\\\evil.test", "http:evil.test"]


@pytest.mark.parametrize("target", EVIL)
def test_order_action_next_is_not_an_open_redirect(client, seller, draft_order, target):
    client.force_login(seller)
    page = client.post(
        f"/commandes/{draft_order.pk}/action/", {"action": "unknown", "next": target}
    )
    assert page.status_code == 302
    assert page.url == f"/commandes/{draft_order.pk}/"


def test_order_action_next_keeps_a_local_page(client, seller, draft_order):
    client.force_login(seller)
    page = client.post(
        f"/commandes/{draft_order.pk}/action/", {"action": "unknown", "next": "/commandes/?page=2"}
    )
    assert page.url == "/commandes/?page=2"


@pytest.mark.parametrize("target", EVIL)
def test_legal_representative_back_is_not_an_open_redirect(client, seller, pos, target):
    """O-2: "back" used to be followed blindly after creating the representative."""
    company = CompanyFactory(point_of_sale=pos)
    client.force_login(seller)
    page = client.post(
        f"/clients/{company.pk}/representant/",
        {
            "last_name": "Durand",
            "first_name": "Paul",
            "email": f"paul{len(target)}@example.test",
            "mobile": "0611223344",
            "back": target,
        },
    )
    assert page.status_code == 302
    assert page.url == f"/clients/{company.pk}/"


@pytest.mark.parametrize("label", ["\x00", "Tapis\x00 de sol"])
def test_offer_line_label_with_a_nul_byte_is_a_message(client, seller, offer, label):
    """O-3: a NUL byte in a line's label used to reach PostgreSQL (DataError → 500)."""
    client.force_login(seller)
    page = client.post(
        f"/offres/{offer.pk}/",
        {
            "vehicle_price": "14000",
            "line_kind": "remise",
            "line_label": label,
            "line_amount": "100",
            "save": "1",
        },
    )
    assert page.status_code == 400
    assert "caractère invalide" in page.content.decode()
    offer.refresh_from_db()
    assert offer.vehicle_price == Decimal("15000.00")
    assert not offer.lines.exclude(kind="pack").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.html", b"<script>alert(document.cookie)</script>"),
        ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("avant.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ],
)
def test_tradein_photo_must_be_a_real_image(client, seller, opportunity, name, content):
    """O-8: a file sent as "image/png" was stored under MEDIA with its own name
    (evil.html served from the site: stored XSS). Now refused next to the field."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opportunities.tradeins.models import TradeIn

    client.force_login(seller)
    page = client.post(
        f"/opportunites/{opportunity.pk}/reprises/nouvelle/",
        {
            "kind": "seche",
            "destination": "particulier",
            "brand": "Peugeot",
            "model": "308",
            "energy": "essence",
            "mileage": "62000",
            "photos": [SimpleUploadedFile(name, content, content_type="image/png")],
        },
    )
    assert page.status_code == 400
    assert "Peugeot" in page.content.decode()
    assert not TradeIn.objects.exists()


def test_tradein_service_refuses_a_non_image_name(opportunity, seller):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("evil.html", b"<script></script>", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        tradeins.tradein_create(
            opportunity=opportunity,
            by=seller,
            kind="seche",
            destination="particulier",
            brand="Peugeot",
            model="308",
            energy="essence",
            mileage=1000,
            photos=[photo],
        )
    assert "photos" in exc.value.message_dict


@pytest.mark.parametrize("field", ["delivery_date", "latest_delivery_date"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_order_delivery_dates_must_be_plausible(client, seller, draft_order, field, value):
    """O-5/O-6: 0001-01-01 or 9999-12-31 used to be stored as the delivery date."""
    client.force_login(seller)
    page = client.post(
        f"/commandes/{draft_order.pk}/reglement/",
        {"balance_method": "virement", "deposit_amount": "0", field: value},
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert (
        "Cette date n&#x27;est pas plausible." in body or "Cette date n'est pas plausible." in body
    )
    assert value in body  # what was typed stays in the field
    draft_order.refresh_from_db()
    assert draft_order.delivery_date is None and draft_order.latest_delivery_date is None
    assert draft_order.balance_method == ""


def test_order_refusal_reason_with_a_nul_byte_is_a_message(client, seller, manager, ready_order):
    """O-5: a NUL byte in the refusal reason reached PostgreSQL (DataError → 500)."""
    from opportunities.sales.models import Order

    client.force_login(seller)
    client.post(f"/commandes/{ready_order.pk}/action/", {"action": "submit"})
    client.force_login(manager)
    page = client.post(
        f"/commandes/{ready_order.pk}/action/",
        {"action": "refuse", "reason": "Prix\x00 faux"},
        follow=True,
    )
    assert page.status_code == 200
    assert "caractère invalide" in page.content.decode()
    assert Order.objects.get(pk=ready_order.pk).status == Order.Status.PENDING_VALIDATION


def test_offer_cancellation_reason_with_a_nul_byte_changes_nothing(client, seller, offer):
    client.force_login(seller)
    page = client.post(f"/offres/{offer.pk}/annuler/", {"reason": "a\x00b"}, follow=True)
    assert page.status_code == 200
    assert "caractère invalide" in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == offer.Status.OPEN


def test_services_refuse_a_nul_byte_in_a_reason_whoever_calls_them(
    opportunity, car, seller, manager
):
    """X-4: a NUL byte from a task or the shell is a message, not a PostgreSQL error."""
    from django.core.exceptions import ValidationError

    from opportunities.tradeins import services as tradeins
    from opportunities.tradeins.models import TradeIn

    trade_in = tradeins.tradein_request_create(
        by=seller,
        point_of_sale=opportunity.point_of_sale,
        kind="seche",
        destination="particulier",
        brand="Renault",
        model="Clio",
        mileage=50000,
    )
    from django.contrib.auth.models import Permission

    validator = manager
    validator.user_permissions.add(Permission.objects.get(codename="validate_tradeins"))
    with pytest.raises(ValidationError):
        tradeins.tradein_refuse(trade_in=trade_in, by=validator, reason="non\x00merci")
    assert TradeIn.objects.get(pk=trade_in.pk).status == TradeIn.Status.TO_VALIDATE
