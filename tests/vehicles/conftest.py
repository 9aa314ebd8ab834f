import pytest

from tests.accounts.factories import UserFactory
from vehicles.models import LifelineStatus


@pytest.fixture
def fleet_manager(db):
    """A fleet manager with the vehicle-configuration right (ORG-3)."""
    return UserFactory(
        group_type="gestionnaire-parc", rights=["change_vehicle_configuration", "access_vn"]
    )


@pytest.fixture
def salesperson(db):
    return UserFactory(group_type="vendeur", rights=["access_vn"])


@pytest.fixture
def sales_manager(db):
    return UserFactory(group_type="chef-des-ventes", rights=["access_vn", "validate_orders"])


@pytest.fixture
def statuses(db):
    return {s.code: s for s in LifelineStatus.objects.all()}
