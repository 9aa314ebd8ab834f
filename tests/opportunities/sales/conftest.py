"""Helpers of the service tests of the sales journey (O-1 … O-9)."""

import pytest

from opportunities.sales import services
from tests.accounts.factories import PointOfSaleFactory, UserFactory


@pytest.fixture
def other_manager(db):
    """A sales manager with the validation right, but of another point of sale."""
    return UserFactory(
        group_type="chef-des-ventes",
        points_of_sale=[PointOfSaleFactory()],
        rights=["access_vn", "validate_orders"],
    )


@pytest.fixture
def pending_order(ready_order, seller):
    """Submitted on paper by a salesperson without the right: waits for a manager."""
    return services.order_submit(order=ready_order, by=seller)


@pytest.fixture
def ordered(pending_order, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.order_validate(order=pending_order, by=manager)


@pytest.fixture
def to_deliver(ordered, manager):
    return services.order_prepare(order=ordered, by=manager)
