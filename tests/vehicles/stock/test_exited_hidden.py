"""Exited vehicles (sortie) are out of the stock: hidden from the list, its search, its
count and its export unless the user asks for them (issue 13)."""

import io

import pytest
from openpyxl import load_workbook

from tests.accounts.factories import PhysicalSiteFactory, UserFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(db):
    site = PhysicalSiteFactory()
    user = UserFactory(group_type="vendeur", points_of_sale=[site.point_of_sale])
    kept = VehicleFactory(physical_site=site, status="stock_vente", model="Clio")
    gone = VehicleFactory(physical_site=site, status="sortie", model="Clio")
    return user, kept, gone


def _shown(page, *vehicles) -> set[int]:
    html = page.content.decode()
    return {v.pk for v in vehicles if f"/vehicules/{v.pk}/" in html}


def test_exited_vehicles_are_hidden_by_default(client, stock):
    user, kept, gone = stock
    client.force_login(user)
    for params in ({}, {"q": "clio"}, {"sort": "-number"}):
        page = client.get("/vehicules/", params)
        assert _shown(page, kept, gone) == {kept.pk}, params
        assert page.context["page"].paginator.count == 1


def test_a_filter_includes_them(client, stock):
    user, kept, gone = stock
    client.force_login(user)
    assert _shown(client.get("/vehicules/", {"exited": "on"}), kept, gone) == {kept.pk, gone.pk}
    assert _shown(client.get("/vehicules/", {"status": "sortie"}), kept, gone) == {gone.pk}
    assert "Inclure les véhicules sortis" in client.get("/vehicules/").content.decode()


def test_the_export_follows_the_list(client, stock):
    user, kept, gone = stock
    client.force_login(user)

    def exported(params):
        body = b"".join(client.get("/vehicules/export.xlsx", params).streaming_content)
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return {str(c) for row in sheet.iter_rows(min_row=2, values_only=True) for c in row}

    assert str(gone.pk) not in exported({"cols": "number"})
    assert str(gone.pk) in exported({"cols": "number", "exited": "on"})
