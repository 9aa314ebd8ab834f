"""Trade-in fixtures: validators of the point of sale and a trade-in in an opportunity."""

from decimal import Decimal

import pytest

from opportunities.tradeins import services as tradeins
from tests.accounts.factories import UserFactory


@pytest.fixture
def validator(pos, site):
    """A trade-in validator of the point of sale (group type and right)."""
    return UserFactory(
        group_type="valideur-reprises", points_of_sale=[pos], rights=["validate_tradeins"]
    )


@pytest.fixture
def vehicle_data():
    return {
        "kind": "seche",
        "destination": "particulier",
        "brand": "Peugeot",
        "model": "308",
        "version": "1.2 PureTech 130 Allure",
        "energy": "essence",
        "registration": "gh-123-jk",
        "vin": "VF3LBHNZ6JS123456",
        "mileage": 62000,
        "condition": "Rayure sur le pare-chocs arrière",
        "estimate": Decimal("11000.00"),
        "requested_value": Decimal("12000.00"),
        "proposed_value": Decimal("10500.00"),
    }


@pytest.fixture
def trade_in(opportunity, seller, vehicle_data, site):
    return tradeins.tradein_create(opportunity=opportunity, by=seller, **vehicle_data)
