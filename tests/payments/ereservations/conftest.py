"""A point of sale with the sandbox provider configured and its dealer team, a published
car, the group's e-reservation switched on (48 h, 300 €)."""

from decimal import Decimal

import pytest

from payments.ereservations import services
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.payments.factories import PaymentConfigurationFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.services import vehicle_publication_refresh

SHA_IN = "Sandbox-SHA-IN-passphrase"
SHA_OUT = "Sandbox-SHA-OUT-passphrase"

CONTACT = {
    "civility": "Mme",
    "last_name": "Internaute",
    "first_name": "Julie",
    "email": "julie.internaute@example.test",
    "mobile": "06 12 34 56 78",
}


@pytest.fixture
def pos(db):
    return PointOfSaleFactory(phone="04 72 00 00 00")


@pytest.fixture
def config(pos):
    return PaymentConfigurationFactory(
        point_of_sale=pos, provider="sandbox", pspid="OPENFLEX", sha_in=SHA_IN, sha_out=SHA_OUT
    )


@pytest.fixture
def manager(pos):
    return UserFactory(
        group_type="chef-des-ventes",
        points_of_sale=[pos],
        email="chef@example.test",
        rights=["validate_orders"],
    )


@pytest.fixture
def seller(pos):
    return UserFactory(group_type="vendeur", points_of_sale=[pos])


@pytest.fixture
def switched_on(db):
    return services.ereservation_settings_update(
        by=None, enabled=True, duration_hours=48, amount=Decimal("300.00")
    )


def published_car(pos):
    car = VehicleFactory(
        physical_site=PhysicalSiteFactory(point_of_sale=pos),
        status="stock_vente",
        selling_price=Decimal("12900.00"),
    )
    vehicle_publication_refresh(vehicle=car)
    car.refresh_from_db()
    assert car.is_published
    return car


@pytest.fixture
def car(pos):
    return published_car(pos)


@pytest.fixture
def ready(switched_on, config, manager, car):
    """Everything an e-reservation needs."""
    return car
