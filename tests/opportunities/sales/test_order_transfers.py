"""Automatic ownership transfers gate orders (V-14, O-5)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opportunities.sales import actions as sales_actions
from opportunities.sales import services as sales_services
from opportunities.sales.models import Order
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import OwnershipTransfer, Vehicle
from vehicles.services import transfer_approve, transfer_reject, transfer_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_pos(pos):
    other = PointOfSaleFactory(entity=pos.entity)
    other.transfer_manager = UserFactory(
        group_type="chef-des-ventes", points_of_sale=[other], rights=["validate_transfers"]
    )
    other.save(update_fields=["transfer_manager"])
    return other


@pytest.fixture
def foreign_car(other_pos):
    """A car owned by another point of sale of the group."""
    return VehicleFactory(
        physical_site=PhysicalSiteFactory(point_of_sale=other_pos), status="stock_vente"
    )


@pytest.fixture
def waiting_order(opportunity, foreign_car, seller, manager):
    seller.points_of_sale.add(foreign_car.point_of_sale)  # he sees both stocks
    offer = sales_services.offer_create(opportunity=opportunity, vehicle=foreign_car, by=seller)
    sales_services.offer_validate(offer=offer, by=seller)
    order = sales_services.order_create(offer=offer, by=seller)
    sales_services.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=order.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )
    return sales_services.order_submit(order=order, by=seller)


def test_an_order_on_another_points_vehicle_waits_for_an_automatic_transfer(
    waiting_order, foreign_car, other_pos, pos
):
    assert waiting_order.status == Order.Status.PENDING_TRANSFER
    transfer = OwnershipTransfer.objects.get(vehicle=foreign_car)
    assert transfer.automatic and transfer.status == OwnershipTransfer.Status.TO_VALIDATE
    assert (transfer.from_point_of_sale, transfer.to_point_of_sale) == (other_pos, pos)
    assert transfer.source == f"commande:{waiting_order.pk}"
    # The order cannot be validated by the sales manager while the transfer waits.
    transfer_manager = other_pos.transfer_manager
    assert "validate" not in {
        a["name"] for a in sales_actions.available_actions(waiting_order, transfer_manager)
    }


def test_approval_lets_the_order_proceed_to_validation(
    waiting_order, foreign_car, other_pos, pos, manager
):
    transfer = OwnershipTransfer.objects.get(vehicle=foreign_car)
    transfer_approve(transfer=transfer, by=other_pos.transfer_manager)
    order = Order.objects.get(pk=waiting_order.pk)
    # The salesperson lacks the right: the order now waits for his manager.
    assert order.status == Order.Status.PENDING_VALIDATION
    assert Vehicle.objects.get(pk=foreign_car.pk).point_of_sale == pos
    sales_services.order_validate(order=order, by=manager)
    assert Order.objects.get(pk=order.pk).status == Order.Status.ORDERED


def test_approval_validates_at_once_an_order_sent_by_a_manager(
    opportunity, foreign_car, manager, other_pos
):
    manager.points_of_sale.add(foreign_car.point_of_sale)
    offer = sales_services.offer_create(opportunity=opportunity, vehicle=foreign_car, by=manager)
    sales_services.offer_validate(offer=offer, by=manager)
    order = sales_services.order_create(offer=offer, by=manager)
    sales_services.order_payment_update(
        order=order,
        by=manager,
        balance_method="cheque",
        deposit_amount=order.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )
    order = sales_services.order_submit(order=order, by=manager)
    assert order.status == Order.Status.PENDING_TRANSFER
    transfer_approve(
        transfer=OwnershipTransfer.objects.get(vehicle=foreign_car), by=other_pos.transfer_manager
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.ORDERED


def test_rejection_refuses_the_order_with_the_reason(waiting_order, foreign_car, other_pos):
    transfer = OwnershipTransfer.objects.get(vehicle=foreign_car)
    transfer_reject(
        transfer=transfer, by=other_pos.transfer_manager, reason="Véhicule promis à un client"
    )
    order = Order.objects.get(pk=waiting_order.pk)
    assert order.status == Order.Status.REFUSED
    assert "Véhicule promis à un client" in order.decision_reason
    assert order.events.filter(to_status=Order.Status.REFUSED).exists()
    assert Vehicle.objects.get(pk=foreign_car.pk).point_of_sale == other_pos


def test_only_the_transfer_manager_of_the_vehicles_point_decides(
    waiting_order, foreign_car, manager
):
    transfer = OwnershipTransfer.objects.get(vehicle=foreign_car)
    with pytest.raises(PermissionDenied):
        transfer_approve(transfer=transfer, by=manager)
    assert Order.objects.get(pk=waiting_order.pk).status == Order.Status.PENDING_TRANSFER


def test_a_transfer_to_another_point_already_waiting_blocks_the_order(
    opportunity, foreign_car, seller, other_pos, pos
):
    third = PointOfSaleFactory(entity=pos.entity)
    transfer_request(vehicle=foreign_car, to_point_of_sale=third, by=seller)
    seller.points_of_sale.add(foreign_car.point_of_sale)
    offer = sales_services.offer_create(opportunity=opportunity, vehicle=foreign_car, by=seller)
    sales_services.offer_validate(offer=offer, by=seller)
    order = sales_services.order_create(offer=offer, by=seller)
    sales_services.order_payment_update(
        order=order,
        by=seller,
        balance_method="cheque",
        deposit_amount=order.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )
    with pytest.raises(ValidationError, match="transfert"):
        sales_services.order_submit(order=order, by=seller)
    assert Order.objects.get(pk=order.pk).status == Order.Status.DRAFT


def test_an_order_on_its_own_points_vehicle_needs_no_transfer(ready_order, seller):
    order = sales_services.order_submit(order=ready_order, by=seller)
    assert order.status == Order.Status.PENDING_VALIDATION
    assert not OwnershipTransfer.objects.exists()
