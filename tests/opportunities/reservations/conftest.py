"""A VO for a private customer in pré-entrée, the switch on, and two opportunities on it."""

# The vehicle-page panel registers itself on import (opportunities/apps.py imports it too).
from decimal import Decimal

import pytest

import opportunities.reservations.panel  # noqa: F401
from opportunities.sales import services
from opportunities.sales.models import SalesSettings
from tests.accounts.factories import UserFactory
from tests.opportunities.factories import CustomerFactory
from tests.vehicles.factories import VehicleFactory


@pytest.fixture
def switch_on(db):
    settings = SalesSettings.current()
    settings.preentry_reservation_enabled = True
    settings.save(update_fields=["preentry_reservation_enabled"])
    return settings


@pytest.fixture
def preentry_car(site):
    """A VO destined to a private customer, in pré-entrée, priced, publication requested."""
    return VehicleFactory(
        physical_site=site,
        status="pre_entree",
        parc="VO",
        destination="particulier",
        selling_price=Decimal("15000.00"),
    )


@pytest.fixture
def reserving_offer(opportunity, preentry_car, seller):
    """A validated offer on the pré-entrée car."""
    offer = services.offer_create(opportunity=opportunity, vehicle=preentry_car, by=seller)
    return services.offer_validate(offer=offer, by=seller)


@pytest.fixture
def other_seller(pos):
    return UserFactory(group_type="vendeur", points_of_sale=[pos], rights=["access_vn"])


@pytest.fixture
def other_opportunity(pos, other_seller):
    return services.opportunity_create(
        customer=CustomerFactory(point_of_sale=pos),
        salesperson=other_seller,
        point_of_sale=pos,
        by=other_seller,
    )
