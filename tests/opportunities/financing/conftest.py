"""Financing fixtures (V-13): a fleet manager of the point of sale, the sandbox provider."""

from datetime import date
from decimal import Decimal

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.FINANCING_PROVIDER = "sandbox"


@pytest.fixture
def fleet_manager(pos):
    """A fleet manager of the point of sale, with the vehicle-configuration right."""
    return UserFactory(
        group_type="gestionnaire-parc",
        points_of_sale=[pos],
        rights=["change_vehicle_configuration", "access_vn"],
    )


@pytest.fixture
def outsider(db):
    """A fleet manager of another point of sale (sees neither the vehicle nor the offer)."""
    from tests.accounts.factories import PointOfSaleFactory

    return UserFactory(
        group_type="gestionnaire-parc",
        points_of_sale=[PointOfSaleFactory()],
        rights=["change_vehicle_configuration", "access_vn"],
    )


def applicant(income="3000", charges="500", **kwargs) -> dict:
    data = {
        "civility": "Mme",
        "last_name": "Martin",
        "first_name": "Claire",
        "birth_date": date(1985, 7, 14),
        "employment": "cdi",
        "monthly_income": Decimal(income),
        "monthly_charges": Decimal(charges),
    }
    data.update(kwargs)
    return data
