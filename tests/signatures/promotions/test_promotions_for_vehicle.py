"""S-3: which operations run on a vehicle, and the expiry an order form gets from them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from signatures.promotions.models import PromotionalOperation
from signatures.promotions.selectors import promotions_running_for_vehicle
from signatures.requests.models import SignatureSettings
from signatures.requests.services import signature_expiry_for
from tests.vehicles.factories import VehicleFactory, local_days_ago

pytestmark = pytest.mark.django_db


def _op(**kwargs):
    kwargs.setdefault("name", "Opération")
    kwargs.setdefault("starts_on", date(2020, 1, 1))
    return PromotionalOperation.objects.create(**kwargs)


def test_operations_by_list_and_by_criteria():
    car = VehicleFactory(brand="Peugeot", parc="VN")
    other = VehicleFactory(brand="Renault", parc="VO")
    listed = _op(name="listed")
    listed.vehicles.add(car)
    brand = _op(name="brand", brand="peugeot")
    parc_vo = _op(name="vo", parc="VO")
    everything = _op(name="all")
    _op(name="over", ends_on=date(2020, 2, 1))
    _op(name="inactive", active=False)
    _op(name="future", starts_on=date(2099, 1, 1))
    today = timezone.localdate()
    assert set(promotions_running_for_vehicle(vehicle=car, on=today)) == {listed, brand, everything}
    assert set(promotions_running_for_vehicle(vehicle=other, on=today)) == {parc_vo, everything}


def test_order_form_expiry_is_shortened_by_an_operation_ending_before_the_delay():
    SignatureSettings.objects.update_or_create(pk=1, defaults={"expiry_days": 10})
    now = local_days_ago(0)
    car = VehicleFactory(brand="Peugeot")
    _op(brand="Peugeot", ends_on=timezone.localdate(now) + timedelta(days=3))
    expires = signature_expiry_for(purpose="commande", vehicle=car, now=now)
    assert timezone.localdate(expires) == timezone.localdate(now) + timedelta(days=3)
    # A trade-in offer or a delivery report keeps the delay.
    expires = signature_expiry_for(purpose="livraison", vehicle=car, now=now)
    assert timezone.localdate(expires) == timezone.localdate(now) + timedelta(days=10)


def test_demo_operations_are_idempotent():
    from signatures.promotions.services import promotions_seed_demo

    assert promotions_seed_demo() == 2
    assert promotions_seed_demo() == 0
