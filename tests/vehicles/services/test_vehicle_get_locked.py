"""The one way to lock a vehicle row, for the stock's services and the sale side."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.vehicles.factories import VehicleFactory
from vehicles.models import Vehicle
from vehicles.services import vehicle_get_locked

pytestmark = pytest.mark.django_db


def test_returns_the_vehicle_locked_for_update():
    vehicle = VehicleFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        locked = vehicle_get_locked(pk=vehicle.pk)
    assert locked == vehicle
    assert len(ctx.captured_queries) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in ctx.captured_queries[0]["sql"]


def test_an_unknown_vehicle_raises_does_not_exist():
    with transaction.atomic(), pytest.raises(Vehicle.DoesNotExist):
        vehicle_get_locked(pk=987654321)


def test_skip_locked_returns_a_free_vehicle_locked():
    vehicle = VehicleFactory()
    with transaction.atomic():
        assert vehicle_get_locked(pk=vehicle.pk, skip_locked=True) == vehicle
