"""The customer list (O-2) through the list recipe: search, type, sort, partial, queries."""

import pytest
from django.urls import reverse

from tests.lists import HX, assert_list_queries
from tests.opportunities.factories import CompanyFactory, CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def test_search_type_and_sort(client, seller, pos):
    CustomerFactory(point_of_sale=pos, last_name="Aubrac")
    CustomerFactory(point_of_sale=pos, last_name="Zwingli")
    CompanyFactory(point_of_sale=pos, company_name="Garage Martin")
    client.force_login(seller)
    url = reverse("opportunities:customers")
    html = client.get(url, {"q": "zwin"}).content.decode().lower()
    assert "zwingli" in html and "aubrac" not in html
    html = client.get(url, {"type": "societe"}).content.decode().lower()
    assert "garage martin" in html and "zwingli" not in html
    html = client.get(url).content.decode().lower()
    assert 'scope="col" aria-sort="ascending"' in html
    assert html.index("aubrac") < html.index("zwingli")
    html = client.get(url, {"sort": "-name"}).content.decode().lower()
    assert 'scope="col" aria-sort="descending"' in html
    assert html.index("zwingli") < html.index("aubrac")


def test_a_nul_byte_or_an_unknown_type_is_not_an_error(client, seller, pos):
    CustomerFactory(point_of_sale=pos, last_name="Aubrac")
    client.force_login(seller)
    response = client.get(reverse("opportunities:customers"), {"q": "aub\x00", "type": "x"})
    assert response.status_code == 200
    assert "aubrac" in response.content.decode().lower()


def test_the_partial_is_the_results_only(client, seller, pos):
    CustomerFactory(point_of_sale=pos, last_name="Aubrac")
    client.force_login(seller)
    response = client.get(reverse("opportunities:customers"), {"q": "aubrac"}, **HX)
    body = response.content.decode().lower().lower()
    assert body.lstrip().startswith('<div id="results"') and "aubrac" in body
    assert "HX-Request" in response["Vary"]


def test_customer_list_query_count_does_not_grow(client, seller, pos):
    client.force_login(seller)
    counts = assert_list_queries(
        client,
        reverse("opportunities:customers"),
        lambda n: CustomerFactory.create_batch(n, point_of_sale=pos),
        budget=5,
    )
    assert counts.html.count('href="/clients/') >= 12


def test_customer_page_query_count_does_not_grow(client, manager, pos, customer):
    client.force_login(manager)
    assert_list_queries(
        client,
        reverse("opportunities:customer_detail", args=[customer.pk]),
        lambda n: OpportunityFactory.create_batch(n, customer=customer, point_of_sale=pos),
        budget=6,
        partial=False,
    )
