"""Rights seen by users (issue 13): links, the header's flags, deny by default, and the
price-update tile for whoever validates prices."""

from decimal import Decimal

import pytest
from django.test import Client

from opportunities.sales import services as sales
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.opportunities.factories import CustomerFactory
from tests.vehicles.factories import VehicleFactory
from vehicles import selectors as vehicle_selectors
from vehicles import services as vehicle_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    return PhysicalSiteFactory()


@pytest.fixture
def pos(site):
    return site.point_of_sale


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_secretary_order_list_names_a_new_vehicle_without_linking_it(pos, site):
    """The VN right (ORG-3) is the access to new vehicles: without it the secretary sees
    the order of a VN, not the vehicle's page, so the list does not link to it."""
    seller = UserFactory(group_type="vendeur", points_of_sale=[pos], rights=["access_vn"])
    secretary = UserFactory(group_type="secretaire", points_of_sale=[pos])
    new_car = VehicleFactory(physical_site=site, parc="VN", status="stock_vente", model="Zoé")
    opportunity = sales.opportunity_create(
        customer=CustomerFactory(point_of_sale=pos),
        salesperson=seller,
        point_of_sale=pos,
        by=seller,
    )
    offer = sales.offer_validate(
        offer=sales.offer_create(opportunity=opportunity, vehicle=new_car, by=seller), by=seller
    )
    order = sales.order_create(offer=offer, by=seller)
    client = _client(secretary)
    assert client.get(f"/vehicules/{new_car.pk}/").status_code == 404
    for url in ("/commandes/", f"/commandes/{order.pk}/"):
        html = client.get(url).content.decode()
        assert "Zoé" in html
        assert f'href="/vehicules/{new_car.pk}/"' not in html, url
    # The seller, with the right, still gets the link.
    assert f'href="/vehicules/{new_car.pk}/"' in _client(seller).get("/commandes/").content.decode()


def test_fleet_manager_vehicle_page_has_no_settings_link(site):
    """The vehicle page's own flag (vehicle_can_configure) no longer shadows the header's
    (nav_can_configure): the fleet manager is no administrator (ORG-5)."""
    fleet = UserFactory(
        group_type="gestionnaire-parc",
        points_of_sale=[site.point_of_sale],
        rights=["change_vehicle_configuration", "access_vn"],
    )
    car = VehicleFactory(physical_site=site, status="stock_vente")
    html = _client(fleet).get(f"/vehicules/{car.pk}/").content.decode()
    assert "Modifier la fiche" in html  # the page's flag still works
    assert 'href="/parametres/"' not in html
    assert "Paramètres" not in html


def test_context_processor_names_cannot_be_shadowed_by_pages(rf, admin):
    from openflex.core.context_processors import navigation

    request = rf.get("/")
    request.user = admin
    assert all(name.startswith("nav_") for name in navigation(request))


@pytest.mark.parametrize(
    "url", ["/clients/", "/clients/nouveau/", "/opportunites/", "/opportunites/nouvelle/"]
)
def test_a_user_in_no_group_has_no_access_to_the_sale_side(pos, url):
    """Deny by default: a user in no user group (even attached to a point of sale)."""
    nobody = UserFactory(points_of_sale=[pos])
    client = _client(nobody)
    assert client.get(url).status_code == 403
    assert client.post(url, {"last_name": "Durand", "kind": "particulier"}).status_code == 403


def test_a_user_in_no_group_sees_no_customer_of_his_point_of_sale(pos):
    customer = CustomerFactory(point_of_sale=pos)
    nobody = UserFactory(points_of_sale=[pos])
    assert _client(nobody).get(f"/clients/{customer.pk}/").status_code == 403


@pytest.mark.parametrize("url", ["/opportunites/nouvelle/", "/clients/nouveau/"])
def test_a_trade_in_validator_creates_neither_customers_nor_opportunities(pos, url):
    validator = UserFactory(
        group_type="valideur-reprises", points_of_sale=[pos], rights=["validate_tradeins"]
    )
    assert _client(validator).get(url).status_code == 403


def _price_change_to_validate(site):
    car = VehicleFactory(physical_site=site, status="stock_vente", selling_price=Decimal(9000))
    seller = UserFactory(group_type="vendeur", points_of_sale=[site.point_of_sale])
    vehicle_services.vehicle_prices_update(vehicle=car, by=seller, selling_price=Decimal(8500))
    return car.price_changes.get(status="a_valider")


def test_price_tile_goes_to_whoever_validates_prices_where_he_does(site):
    """V-8 / issue 13: a sales manager of the point of sale gets the tile, its count and
    its list agree; one of another point of sale gets neither the count nor the rows."""
    change = _price_change_to_validate(site)
    _price_change_to_validate(PhysicalSiteFactory(point_of_sale=PointOfSaleFactory()))
    manager = UserFactory(group_type="chef-des-ventes", points_of_sale=[site.point_of_sale])
    client = _client(manager)
    tile = client.get("/accueil/tuiles/price-updates-to-validate/")
    assert tile.status_code == 200
    assert '<span class="tile-count">1</span>' in tile.content.decode()
    listed = client.get("/vehicules/prix-a-valider/")
    assert [c.pk for c in listed.context["page"]] == [change.pk]
    assert vehicle_selectors.price_changes_to_validate(user=manager).count() == 1
    home = client.get("/").content.decode()
    assert "price-updates-to-validate" in home


def test_price_tile_is_not_for_those_who_do_not_validate_prices(site):
    _price_change_to_validate(site)
    for group_type in ("vendeur", "secretaire", "gestionnaire-parc"):
        user = UserFactory(group_type=group_type, points_of_sale=[site.point_of_sale])
        client = _client(user)
        assert client.get("/accueil/tuiles/price-updates-to-validate/").status_code == 403
        assert client.get("/vehicules/prix-a-valider/").status_code == 403


def test_a_manager_cannot_decide_a_price_update_of_another_point_of_sale(site):
    change = _price_change_to_validate(site)
    elsewhere = UserFactory(group_type="chef-des-ventes", points_of_sale=[PointOfSaleFactory()])
    page = _client(elsewhere).post(f"/vehicules/prix/{change.pk}/decision/", {"action": "validate"})
    assert page.status_code == 404
    change.refresh_from_db()
    assert change.status == "a_valider"
