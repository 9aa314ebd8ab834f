"""Two points of sale of two entities, their sales teams, deposit payments on real orders."""

from decimal import Decimal

import pytest

from opportunities.sales import services as sales
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.opportunities.factories import CustomerFactory
from tests.payments.factories import PaymentFactory
from tests.vehicles.factories import VehicleFactory


@pytest.fixture
def pos(db):
    return PointOfSaleFactory()


@pytest.fixture
def other_pos(db):
    """Another entity's point of sale: its payments are never shown to ``pos``'s staff."""
    return PointOfSaleFactory()


@pytest.fixture
def seller(pos):
    return UserFactory(group_type="vendeur", points_of_sale=[pos], rights=["access_vn"])


@pytest.fixture
def other_seller(pos):
    return UserFactory(group_type="vendeur", points_of_sale=[pos], rights=["access_vn"])


@pytest.fixture
def manager(pos):
    return UserFactory(
        group_type="chef-des-ventes", points_of_sale=[pos], rights=["access_vn", "validate_orders"]
    )


@pytest.fixture
def secretary(pos):
    return UserFactory(group_type="secretaire", points_of_sale=[pos])


def make_order(pos, seller, *, customer=None, vehicle=None):
    """A draft order of ``seller`` at ``pos`` (its own customer and vehicle)."""
    site = PhysicalSiteFactory(point_of_sale=pos)
    vehicle = vehicle or VehicleFactory(
        physical_site=site, status="stock_vente", selling_price=Decimal("15000.00")
    )
    customer = customer or CustomerFactory(point_of_sale=pos)
    opportunity = sales.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller
    )
    offer = sales.offer_validate(
        offer=sales.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller), by=seller
    )
    return sales.order_create(offer=offer, by=seller)


def deposit(order, **kwargs):
    """A deposit payment row of ``order`` (its customer, salesperson and vehicle)."""
    customer = order.opportunity.customer
    return PaymentFactory(
        order=order,
        vehicle=order.vehicle,
        point_of_sale=order.point_of_sale,
        customer=customer,
        salesperson=order.opportunity.salesperson,
        document_number=order.pk,
        last_name=customer.last_name,
        first_name=customer.first_name,
        email=customer.email,
        **kwargs,
    )


@pytest.fixture
def order(pos, seller):
    return make_order(pos, seller)
