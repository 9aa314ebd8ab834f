"""The vehicle follows the order in the order's own transaction (issue 11): no Celery task
between the two, and a move the stock refuses rolls the order's decision back."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from opportunities.sales import services as sales_services
from opportunities.sales.models import Opportunity, Order, OrderEvent
from vehicles.models import Vehicle, VehicleEvent
from vehicles.services import vehicle_status_follow_sale

pytestmark = pytest.mark.django_db

S = Order.Status


def vehicle_status(order: Order) -> str:
    return Vehicle.objects.get(pk=order.vehicle_id).status


def vehicle_tasks(callbacks) -> list:
    """What would move the vehicle after the commit: nothing any more (e-mails and the
    financing refresh still run on commit, as they should)."""
    return [cb for cb in callbacks if cb.__module__.startswith(("opportunities.sales", "vehicles"))]


@pytest.fixture
def vehicle_gone(pending_order, seller):
    """The vehicle left the stock by another way while the order waited for validation."""
    vehicle_status_follow_sale(
        vehicle=pending_order.vehicle, to="sortie", by=seller, reason="vendu ailleurs"
    )
    return pending_order


def test_validating_moves_the_vehicle_in_the_same_transaction(
    pending_order, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sales_services.order_validate(order=pending_order, by=manager)

        # Before any callback ran: the vehicle is already in livraison.
        assert vehicle_status(pending_order) == "livraison"

    assert callbacks and not vehicle_tasks(callbacks)
    assert OrderEvent.objects.filter(order=pending_order, kind="vehicle").count() == 1
    assert VehicleEvent.objects.filter(
        vehicle_id=pending_order.vehicle_id, to_status="livraison"
    ).exists()


def test_a_refused_vehicle_move_rolls_the_validation_back(vehicle_gone, manager, seller):
    events = OrderEvent.objects.filter(order=vehicle_gone).count()

    with pytest.raises(ValidationError) as exc:
        sales_services.order_validate(order=vehicle_gone, by=manager)

    assert exc.value.code == "vehicle"
    assert "sorti du stock" in exc.value.messages[0]
    assert "reste inchangée" in exc.value.messages[0]
    order = Order.objects.get(pk=vehicle_gone.pk)
    assert (order.status, order.validated_at, order.validated_by) == (
        S.PENDING_VALIDATION,
        None,
        None,
    )
    assert OrderEvent.objects.filter(order=order).count() == events
    assert Opportunity.objects.get(pk=order.opportunity_id).status == Opportunity.Status.OPEN
    assert vehicle_status(order) == "sortie"


def test_the_order_page_says_why_the_validation_was_rolled_back(client, vehicle_gone, manager):
    client.force_login(manager)
    url = reverse("opportunities:order_detail", args=[vehicle_gone.pk])

    response = client.post(
        reverse("opportunities:order_action", args=[vehicle_gone.pk]), {"action": "validate"}
    )

    assert response.status_code == 302
    assert response.url == url
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("sorti du stock" in m and "reste inchangée" in m for m in shown), shown
    assert Order.objects.get(pk=vehicle_gone.pk).status == S.PENDING_VALIDATION
    page = client.get(url)
    assert page.status_code == 200


def test_delivering_takes_the_vehicle_out_in_the_same_transaction(
    to_deliver, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sales_services.order_deliver(order=to_deliver, by=seller)
        assert vehicle_status(to_deliver) == "sortie"

    assert not vehicle_tasks(callbacks)


def test_cancelling_puts_the_vehicle_back_in_the_same_transaction(
    ordered, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sales_services.order_cancel(order=ordered, by=manager, reason="Client défaillant")
        assert vehicle_status(ordered) == "stock_vente"

    assert callbacks and not vehicle_tasks(callbacks)
    assert OrderEvent.objects.filter(order=ordered, kind="vehicle").count() == 2


def test_refusing_leaves_the_vehicle_in_the_sales_stock(
    pending_order, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sales_services.order_refuse(order=pending_order, by=manager, reason="Remise trop forte")

    assert callbacks and not vehicle_tasks(callbacks)
    assert vehicle_status(pending_order) == "stock_vente"
    assert not OrderEvent.objects.filter(order=pending_order, kind="vehicle").exists()


def test_the_stock_refuses_a_sale_move_of_a_vehicle_out_of_the_stock(car, seller):
    vehicle_status_follow_sale(vehicle=car, to="sortie", by=seller, reason="vendu ailleurs")

    with pytest.raises(ValidationError) as exc:
        vehicle_status_follow_sale(vehicle=car, to="livraison", by=seller, reason="Commande")

    assert "to" in exc.value.message_dict
    # A sale given up does not bring an exited vehicle back.
    assert vehicle_status_follow_sale(vehicle=car, to="stock_vente", by=seller, reason="") is None
    assert Vehicle.objects.get(pk=car.pk).status == "sortie"
