"""Accessibility basics of the stock's tables (issue 11): every header cell of a column
says so (``scope="col"``) and a sortable one tells its sort (``aria-sort``)."""

import re

import pytest

from tests.accounts.factories import PhysicalSiteFactory, admin_user
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
TH = re.compile(r"<th\b[^>]*>")


@pytest.fixture
def admin_client(client):
    site = PhysicalSiteFactory()
    VehicleFactory(physical_site=site)
    client.force_login(admin_user(points_of_sale=[site.point_of_sale]))
    return client


def header_cells(html: str) -> list[str]:
    heads = HEAD.findall(html)
    assert heads
    return [th for head in heads for th in TH.findall(head)]


@pytest.mark.parametrize(
    "url",
    [
        "/vehicules/",
        "/vehicules/retards/",
        "/vehicules/prix-a-valider/",
        "/vehicules/transferts/",
        "/parametres/vehicules/",
    ],
)
def test_every_header_cell_has_a_column_scope(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    cells = header_cells(response.content.decode())
    assert cells and all('scope="col"' in th for th in cells), cells


def test_the_stock_list_headers_tell_their_sort(admin_client):
    html = admin_client.get("/vehicules/?sort=-selling_price").content.decode()
    sorts = [re.search(r'aria-sort="(\w+)"', th) for th in header_cells(html)]
    values = [m.group(1) for m in sorts if m]
    assert values.count("descending") == 1
    assert "ascending" not in values
    assert values.count("none") == len(values) - 1 > 0
    html = admin_client.get("/vehicules/?sort=number").content.decode()
    assert 'scope="col" aria-sort="ascending"' in html
    # aria-sort belongs to the header cell, not to the link inside it.
    assert not re.search(r"<a\b[^>]*aria-sort", html)


def test_the_late_list_headers_tell_their_sort(admin_client):
    html = admin_client.get("/vehicules/retards/").content.decode()
    # The default sort: the most overdue first, that is the most days late first.
    assert re.search(r'<th class="num" scope="col" aria-sort="descending">', html)
    html = admin_client.get("/vehicules/retards/?sort=number").content.decode()
    assert re.search(r'<th scope="col" aria-sort="ascending"><a[^>]*>N° OpenFlex', html)
