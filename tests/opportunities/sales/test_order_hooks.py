"""The hooks that e-payment and e-signature build on: every order status change is
announced (``order_status_changed``) inside its transaction, and modules add sections
to the order page through ``order_panels``."""

import pytest
from django.urls import reverse

from opportunities.sales import order_panels
from opportunities.sales.models import Order
from opportunities.sales.signals import order_status_changed
from tests.opportunities.sales.journey import reach

pytestmark = pytest.mark.django_db


def test_every_order_transition_is_announced(ready_order, seller, manager):
    seen = []

    def listen(sender, order, from_status, to_status, by, **kwargs):
        seen.append((from_status, to_status, by))

    order_status_changed.connect(listen, dispatch_uid="test-listen")
    try:
        order = reach(ready_order, Order.Status.ORDERED, seller=seller, manager=manager)
    finally:
        order_status_changed.disconnect(dispatch_uid="test-listen")
    assert seen and seen[-1][1] == Order.Status.ORDERED
    assert all(a != b for a, b, _by in seen)
    assert order.status == Order.Status.ORDERED


def test_order_page_renders_registered_panels(client, ready_order, seller, manager):
    order = reach(ready_order, Order.Status.ORDERED, seller=seller, manager=manager)
    panel = order_panels.OrderPanel(
        key="test-panel",
        title="Test",
        template="opportunities/order_panel.html",
        context=lambda request, o: {"lines": [f"Panneau de test {o.pk}"]},
    )
    order_panels.register(panel)
    try:
        client.force_login(seller)
        response = client.get(reverse("opportunities:order_detail", args=[order.pk]))
    finally:
        order_panels._panels.pop("test-panel")
    assert f"Panneau de test {order.pk}" in response.content.decode()
