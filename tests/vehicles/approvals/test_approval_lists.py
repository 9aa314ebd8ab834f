"""The managers' lists (V-8, V-14) follow the list recipe (issue 11): filters, one sort,
the ``#results`` partial, and a query count that does not grow with the rows."""

import re
from decimal import Decimal

import pytest

from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.lists import HX, assert_list_queries
from tests.vehicles.factories import VehicleFactory
from vehicles.services import transfer_reject, transfer_request, vehicle_prices_update

pytestmark = pytest.mark.django_db

PRICES = "/vehicules/prix-a-valider/"
TRANSFERS = "/vehicules/transferts/"


@pytest.fixture
def site():
    return PhysicalSiteFactory()


@pytest.fixture
def seller(site):
    return UserFactory(
        group_type="vendeur", rights=["access_vn"], points_of_sale=[site.point_of_sale]
    )


@pytest.fixture
def validator(site):
    return UserFactory(
        group_type="directeur", rights=["validate_transfers"], points_of_sale=[site.point_of_sale]
    )


def _price_change(site, seller, price=Decimal(9000)):
    vehicle = VehicleFactory(physical_site=site)
    vehicle_prices_update(vehicle=vehicle, by=seller, selling_price=price)
    return vehicle.price_changes.get()


def _transfer(site, by, to=None):
    return transfer_request(
        vehicle=VehicleFactory(physical_site=site),
        to_point_of_sale=to or PointOfSaleFactory(),
        by=by,
    )


def _results(html: str) -> str:
    return html[html.index('id="results"') :]


# --- Price updates to validate (V-8) ------------------------------------------------------


def test_price_changes_list_queries(client, seller, site):
    manager = UserFactory(
        group_type="chef-des-ventes", rights=["access_vn"], points_of_sale=[site.point_of_sale]
    )
    client.force_login(manager)

    def add(n):
        for i in range(n):
            _price_change(site, seller, Decimal(9000 + i))

    counts = assert_list_queries(client, PRICES, add, budget=8)
    assert counts.html.count('value="validate"') == 12
    assert "12 mises à jour de prix à valider" in counts.html


def test_price_changes_filter_by_point_of_sale_and_partial(client, seller, site):
    other_site = PhysicalSiteFactory(point_of_sale=PointOfSaleFactory(name="Ailleurs"))
    other_seller = UserFactory(group_type="vendeur", points_of_sale=[other_site.point_of_sale])
    here = _price_change(site, seller)
    there = _price_change(other_site, other_seller)
    director = UserFactory(
        group_type="directeur",
        rights=["access_vn"],
        points_of_sale=[site.point_of_sale, other_site.point_of_sale],
    )
    client.force_login(director)
    page = client.get(PRICES)
    assert [c.pk for c in page.context["page"]] == [here.pk, there.pk]  # oldest first
    html = page.content.decode()
    assert 'hx-get="/vehicules/prix-a-valider/" hx-target="#results"' in html
    assert '<details class="filter-drawer">' in html
    assert f'<option value="{other_site.point_of_sale.pk}">Ailleurs</option>' in html
    assert re.search(r'<th scope="col" aria-sort="ascending"><a[^>]*>Date', html)

    url = f"{PRICES}?point_of_sale={other_site.point_of_sale.pk}"
    partial = client.get(url, **HX)
    assert [c.pk for c in partial.context["page"]] == [there.pk]
    fragment = partial.content.decode()
    assert fragment.lstrip().startswith('<div id="results"')
    assert "<html" not in fragment and "filter-drawer" not in fragment
    assert "HX-Request" in partial["Vary"]

    # A point of sale the director does not see is refused, not applied.
    elsewhere = PointOfSaleFactory()
    page = client.get(f"{PRICES}?point_of_sale={elsewhere.pk}")
    assert page.status_code == 200
    assert "point_of_sale" in page.context["filter"].errors

    page = client.get(f"{PRICES}?sort=-vehicle")
    assert [c.pk for c in page.context["page"]] == [there.pk, here.pk]
    assert re.search(r'aria-sort="descending"><a[^>]*>Véhicule', page.content.decode())


# --- Ownership transfers (V-14) -----------------------------------------------------------


def test_transfer_list_queries(client, site, validator):
    client.force_login(validator)

    def add(n):
        for _ in range(n):
            _transfer(site, validator)

    # The user's point-of-sale ids (the decisions, the vehicle links): once, not per row.
    counts = assert_list_queries(client, f"{TRANSFERS}?statut=a_valider", add, budget=9)
    # Every row is decided by the validator of the vehicle's point of sale.
    assert counts.html.count('value="approve"') == 12
    assert "12 transferts" in counts.html


def test_transfer_list_filters_sorts_and_partial(client, site, validator):
    destination = PointOfSaleFactory(name="Destination")
    first = _transfer(site, validator)
    second = _transfer(site, validator, to=destination)
    rejected = _transfer(site, validator)
    transfer_reject(transfer=rejected, by=validator, reason="Non")
    client.force_login(validator)

    page = client.get(TRANSFERS)
    assert [t.pk for t in page.context["rows"]] == [rejected.pk, second.pk, first.pk]
    html = page.content.decode()
    assert 'hx-get="/vehicules/transferts/" hx-target="#results"' in html
    assert '<details class="filter-drawer">' in html
    assert '<select name="statut"' in html
    assert re.search(r'<th scope="col" aria-sort="descending"><a[^>]*>Demandé le', html)
    assert html.count('value="approve"') == 2  # not the rejected one

    page = client.get(f"{TRANSFERS}?statut=a_valider")
    assert [t.pk for t in page.context["rows"]] == [second.pk, first.pk]
    assert '<option value="a_valider" selected>' in page.content.decode()
    page = client.get(f"{TRANSFERS}?statut=rejete")
    assert [t.pk for t in page.context["rows"]] == [rejected.pk]
    # An unknown status filters nothing, as before.
    page = client.get(f"{TRANSFERS}?statut=nimporte")
    assert page.status_code == 200 and len(page.context["rows"]) == 3

    # One of the user's points of sale, the transfer's origin or destination.
    page = client.get(f"{TRANSFERS}?point_of_sale={destination.pk}")
    assert "point_of_sale" in page.context["filter"].errors  # not one of his
    assert len(page.context["rows"]) == 3
    validator.points_of_sale.add(destination)
    page = client.get(f"{TRANSFERS}?point_of_sale={destination.pk}")
    assert [t.pk for t in page.context["rows"]] == [second.pk]
    page = client.get(f"{TRANSFERS}?point_of_sale={site.point_of_sale.pk}&statut=a_valider")
    assert [t.pk for t in page.context["rows"]] == [second.pk, first.pk]

    page = client.get(f"{TRANSFERS}?sort=vehicle")
    assert [t.pk for t in page.context["rows"]] == [first.pk, second.pk, rejected.pk]

    partial = client.get(f"{TRANSFERS}?statut=a_valider&sort=vehicle", **HX)
    fragment = partial.content.decode()
    assert fragment.lstrip().startswith('<div id="results"')
    assert "<html" not in fragment and "filter-drawer" not in fragment
    assert fragment.count('value="approve"') == 2
    assert f'id="t{first.pk}"' in fragment and f'id="t{rejected.pk}"' not in fragment
    # The header links keep the filter.
    assert "statut=a_valider" in _results(fragment)
