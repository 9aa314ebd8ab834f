"""Home tiles of the sales journey (O-10): who sees them, what they count, one query each."""

import pytest
from django.urls import reverse

from openflex.accounts.selectors import user_group_types
from openflex.home.tiles import tile_get, tiles_for_user
from opportunities.sales import services
from opportunities.sales.models import Order
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ORDER_TILES = {
    "orders-to-validate",
    "orders-to-cancel",
    "orders-to-prepare",
    "orders-to-deliver",
    "orders-factory",
}


def _keys(user):
    return {t.key for t in tiles_for_user(user)} & (ORDER_TILES | {"opportunities-neglected"})


@pytest.mark.parametrize(
    ("group_type", "rights", "expected"),
    [
        ("vendeur", ["access_vn"], {"opportunities-neglected"}),
        (
            "chef-des-ventes",
            ["access_vn", "validate_orders"],
            ORDER_TILES | {"opportunities-neglected"},
        ),
        (
            "chef-des-ventes",
            ["validate_orders"],  # without the VN right: no "à commander usine"
            (ORDER_TILES - {"orders-factory"}) | {"opportunities-neglected"},
        ),
        ("directeur", ["access_vn", "validate_orders"], ORDER_TILES | {"opportunities-neglected"}),
        ("secretaire", [], {"orders-to-prepare", "orders-to-deliver"}),
        ("secretaire", ["access_vn"], {"orders-to-prepare", "orders-to-deliver", "orders-factory"}),
        ("gestionnaire-parc", ["access_vn", "change_vehicle_configuration"], set()),
        ("valideur-reprises", ["validate_tradeins"], set()),
    ],
)
def test_tile_visibility_per_user_group_type(group_type, rights, expected, pos):
    user = UserFactory(group_type=group_type, rights=rights, points_of_sale=[pos])
    assert _keys(user) == expected


def test_tiles_count_the_orders_of_the_managers_points_of_sale(
    ready_order, seller, manager, django_assert_num_queries
):
    services.order_submit(order=ready_order, by=seller)
    user_group_types(manager)  # cached on the user once per request by the home page
    for key in ORDER_TILES:
        tile = tile_get(key)
        with django_assert_num_queries(1):
            count = tile.count(manager)
        assert count == (1 if key == "orders-to-validate" else 0)
    stranger = UserFactory(group_type="chef-des-ventes", rights=["validate_orders"])
    assert tile_get("orders-to-validate").count(stranger) == 0


def test_the_tile_opens_its_filtered_list(client, ready_order, seller, manager):
    services.order_submit(order=ready_order, by=seller)
    client.force_login(manager)
    url = tile_get("orders-to-validate").url(manager)
    assert url == reverse("opportunities:orders") + "?vue=a_valider"
    page = client.get(url)
    body = page.content.decode()
    assert f'id="order-{ready_order.pk}"' in body
    assert "Refuser" in body and "Valider" in body
    page = client.get(reverse("opportunities:orders") + "?vue=a_livrer")
    assert f'id="order-{ready_order.pk}"' not in page.content.decode()


def test_managers_refuse_from_the_list_with_a_reason(client, ready_order, seller, manager):
    services.order_submit(order=ready_order, by=seller)
    client.force_login(manager)
    url = reverse("opportunities:order_action", args=[ready_order.pk])
    client.post(url, {"action": "refuse", "reason": "", "next": "/commandes/?vue=a_valider"})
    assert Order.objects.get(pk=ready_order.pk).status == Order.Status.PENDING_VALIDATION
    client.post(url, {"action": "refuse", "reason": "Remise trop forte"})
    order = Order.objects.get(pk=ready_order.pk)
    assert order.status == Order.Status.REFUSED
    assert order.decision_reason == "Remise trop forte"


def test_order_list_query_count_does_not_grow(client, manager, seller, car):
    from tests.lists import assert_list_queries
    from tests.opportunities.factories import OpportunityFactory
    from tests.vehicles.factories import VehicleFactory

    def add(n):
        for _ in range(n):
            opportunity = OpportunityFactory(
                customer__point_of_sale=car.point_of_sale, salesperson=seller
            )
            vehicle = VehicleFactory(physical_site=car.physical_site, status="stock_vente")
            offer = services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
            services.offer_validate(offer=offer, by=seller)
            services.order_create(offer=offer, by=seller)

    client.force_login(manager)
    counts = assert_list_queries(
        client, reverse("opportunities:orders"), add, budget=7, few=1, many=6
    )
    assert counts.html.count('id="order-') == 6
