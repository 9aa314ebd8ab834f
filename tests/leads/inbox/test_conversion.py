"""Convertir en opportunité (L-7, O-11): the customer (an existing one after confirmation,
never another entity's), the opportunity, an offer on the task's vehicle."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leads.inbox import services as inbox
from leads.inbox.conversion import ConfirmationNeeded, lead_task_convert
from opportunities.customers.models import Customer
from tests.accounts.factories import (
    EntityFactory,
    PhysicalSiteFactory,
    PointOfSaleFactory,
    UserFactory,
)
from tests.leads.factories import lead_task
from tests.opportunities.factories import CustomerFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pos():
    return PointOfSaleFactory()


@pytest.fixture
def seller(pos):
    return UserFactory(points_of_sale=[pos], group_type="vendeur")


def test_without_vehicle_a_new_customer_and_an_opportunity(pos, seller):
    task = lead_task(pos, email="nouveau@example.test", mobile="06 11 22 33 44")
    result = lead_task_convert(task=task, by=seller)
    customer = result.customer
    assert (customer.last_name, customer.email, customer.point_of_sale) == (
        "Dupont", "nouveau@example.test", pos,
    )  # fmt: skip
    assert customer.mobile == "06 11 22 33 44"
    assert result.opportunity.customer == customer and result.offer is None
    assert result.opportunity.salesperson == seller
    task.refresh_from_db()
    assert task.opportunity == result.opportunity and task.converted_at is not None
    assert task.status.code == "converti" and task.state == "terminee"
    assert task.next_reminder_at is None and task.neglect_due_at is None
    assert task.events.filter(kind="converted").exists()


def test_with_a_vehicle_an_offer_on_it(pos, seller):
    car = VehicleFactory(
        physical_site=PhysicalSiteFactory(point_of_sale=pos),
        status="stock_vente",
        selling_price=Decimal("15990"),
    )
    task = lead_task(pos, vehicle_reference=str(car.number))
    assert task.vehicle == car
    result = lead_task_convert(task=task, by=seller)
    assert result.offer is not None and result.offer.vehicle == car
    assert result.offer.opportunity == result.opportunity
    assert result.offer.vehicle_price == Decimal("15990.00")
    assert result.warnings == []


def test_an_existing_customer_needs_a_confirmation(pos, seller):
    known = CustomerFactory(point_of_sale=pos, email="claire@example.test", mobile="06 12 34 56 78")
    task = lead_task(pos, email="autre@example.test", mobile="+33 6 12 34 56 78")
    with pytest.raises(ConfirmationNeeded) as exc:
        lead_task_convert(task=task, by=seller)
    assert exc.value.matches == [known]
    task.refresh_from_db()
    assert task.opportunity is None  # nothing changed
    result = lead_task_convert(task=task, by=seller, customer_id=known.pk)
    assert result.customer == known
    assert Customer.objects.count() == 1


def test_the_user_may_choose_a_new_customer_instead(pos, seller):
    CustomerFactory(point_of_sale=pos, email="jean.dupont@example.test")
    task = lead_task(pos)
    result = lead_task_convert(task=task, by=seller, new_customer=True)
    assert Customer.objects.count() == 2 and result.customer.email == "jean.dupont@example.test"


def test_never_a_customer_of_another_entity(pos, seller):
    """ORG-2: a customer of another entity with the same email is not proposed, not used."""
    elsewhere = PointOfSaleFactory(entity=EntityFactory())
    stranger = CustomerFactory(point_of_sale=elsewhere, email="jean.dupont@example.test")
    task = lead_task(pos)
    with pytest.raises(ValidationError):
        lead_task_convert(task=task, by=seller, customer_id=stranger.pk)
    result = lead_task_convert(task=task, by=seller)  # no confirmation asked
    assert result.customer != stranger and result.customer.point_of_sale == pos


def test_refused_to_a_secretary_and_to_another_point_of_sale(pos):
    task = lead_task(pos)
    secretary = UserFactory(points_of_sale=[pos], group_type="secretaire")
    with pytest.raises(PermissionDenied):
        lead_task_convert(task=task, by=secretary)
    other = UserFactory(points_of_sale=[PointOfSaleFactory()], group_type="vendeur")
    with pytest.raises(PermissionDenied):
        lead_task_convert(task=task, by=other)


def test_a_converted_task_is_not_converted_twice(pos, seller):
    task = lead_task(pos)
    lead_task_convert(task=task, by=seller)
    with pytest.raises(ValidationError):
        lead_task_convert(task=task, by=seller)


def test_a_vehicle_out_of_stock_still_converts_with_a_warning(pos, seller):
    car = VehicleFactory(physical_site=PhysicalSiteFactory(point_of_sale=pos), status="sortie")
    task = inbox.lead_task_create(
        point_of_sale=pos, last_name="Durand", vehicle=car, email="d@example.test"
    )
    result = lead_task_convert(task=task, by=seller)
    assert result.offer is None and result.warnings
    assert result.opportunity.pk
