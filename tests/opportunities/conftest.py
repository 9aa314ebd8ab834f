"""A point of sale with its sales team, a customer and a vehicle for sale."""

from decimal import Decimal

import pytest

from opportunities.sales import services
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.opportunities.factories import CustomerFactory
from tests.vehicles.factories import VehicleFactory


@pytest.fixture
def pos(db):
    return PointOfSaleFactory()


@pytest.fixture
def site(pos):
    return PhysicalSiteFactory(point_of_sale=pos)


@pytest.fixture
def seller(pos):
    """A salesperson without the order-validation right."""
    return UserFactory(group_type="vendeur", points_of_sale=[pos], rights=["access_vn"])


@pytest.fixture
def manager(pos):
    """A sales manager of the same point of sale, with the order-validation right."""
    return UserFactory(
        group_type="chef-des-ventes", points_of_sale=[pos], rights=["access_vn", "validate_orders"]
    )


@pytest.fixture
def secretary(pos):
    return UserFactory(group_type="secretaire", points_of_sale=[pos])


@pytest.fixture
def customer(pos):
    return CustomerFactory(point_of_sale=pos)


@pytest.fixture
def car(site):
    """A used car in sales stock at 15 000 € TTC."""
    return VehicleFactory(
        physical_site=site, status="stock_vente", selling_price=Decimal("15000.00")
    )


@pytest.fixture
def opportunity(customer, seller, pos):
    return services.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller
    )


@pytest.fixture
def offer(opportunity, car, seller):
    return services.offer_create(opportunity=opportunity, vehicle=car, by=seller)


@pytest.fixture
def validated_offer(offer, seller):
    return services.offer_validate(offer=offer, by=seller)


@pytest.fixture
def draft_order(validated_offer, seller):
    return services.order_create(offer=validated_offer, by=seller)


@pytest.fixture
def ready_order(draft_order, seller):
    """A draft order with its payment tab filled (bank transfer)."""
    return services.order_payment_update(
        order=draft_order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("1000.00"),
        deposit_method="cheque",
        deposit_not_online=False,
    )
