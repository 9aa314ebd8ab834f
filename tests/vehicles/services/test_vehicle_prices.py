"""Prices, the days-since-price-update counter (V-7) and price-update validation (V-8)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from tests.vehicles.factories import VehicleFactory, local_days_ago
from vehicles.models import PriceChange, Vehicle
from vehicles.services import (
    price_change_refuse,
    price_change_validate,
    vehicle_option_add,
    vehicle_prices_update,
)
from vehicles.stock.columns import days_since

pytestmark = pytest.mark.django_db

LONG_AGO = local_days_ago(40)


def aged(**kwargs) -> Vehicle:
    """A vehicle whose prices were last updated 40 days ago."""
    vehicle = VehicleFactory(**kwargs)
    Vehicle.objects.filter(pk=vehicle.pk).update(price_reset_at=LONG_AGO)
    vehicle.refresh_from_db()
    assert days_since(vehicle.price_reset_at, timezone.localdate()) == 40
    return vehicle


def counter(vehicle) -> int:
    vehicle.refresh_from_db()
    return days_since(vehicle.price_reset_at, timezone.localdate())


def test_automatic_price_update_restarts_the_counter():
    vehicle = aged()
    vehicle_prices_update(vehicle=vehicle, by=None, automatic=True, selling_price=Decimal("14900"))
    assert counter(vehicle) == 0
    change = vehicle.price_changes.get()
    assert (change.origin, change.status) == ("automatique", "automatique")


def test_automatic_update_confirming_the_same_price_restarts_the_counter():
    vehicle = aged()
    vehicle_prices_update(vehicle=vehicle, by=None, automatic=True, selling_price=Decimal("15000"))
    assert counter(vehicle) == 0


def test_manual_price_change_restarts_the_counter(sales_manager):
    vehicle = aged()
    sales_manager.points_of_sale.add(vehicle.point_of_sale)  # validates prices there
    vehicle_prices_update(vehicle=vehicle, by=sales_manager, selling_price=Decimal("14500"))
    assert counter(vehicle) == 0
    change = vehicle.price_changes.get()
    assert (change.origin, change.status) == ("manuelle", "validee")


@pytest.mark.parametrize("parc", ["VN", "VD"])
def test_catalogue_price_change_of_new_or_demo_vehicle_restarts_the_counter(parc, sales_manager):
    vehicle = aged(parc=parc)
    vehicle_prices_update(vehicle=vehicle, by=sales_manager, catalogue_price=Decimal("23000"))
    assert counter(vehicle) == 0
    assert vehicle.price_changes.get().origin == "catalogue"


@pytest.mark.parametrize("parc", ["VN", "VD"])
def test_discount_on_new_or_demo_vehicle_restarts_the_counter(parc, sales_manager):
    vehicle = aged(parc=parc)
    vehicle_prices_update(vehicle=vehicle, by=sales_manager, discount=Decimal("1200"))
    assert counter(vehicle) == 0
    assert vehicle.price_changes.get().origin == "remise"


def test_staff_price_update_restarts_the_counter(sales_manager):
    vehicle = aged()
    vehicle_prices_update(vehicle=vehicle, by=sales_manager, staff_price=Decimal("13500"))
    assert counter(vehicle) == 0
    assert vehicle.price_changes.get().origin == "collaborateur"


def test_adding_options_to_a_new_vehicle_does_not_restart_the_counter(sales_manager):
    vehicle = aged(parc="VN")
    vehicle_option_add(
        vehicle=vehicle, by=sales_manager, label="Toit ouvrant", price=Decimal("900")
    )
    assert counter(vehicle) == 40
    assert vehicle.options.get().label == "Toit ouvrant"
    assert vehicle.events.filter(kind="option").exists()


def test_unchanged_manual_price_records_nothing(sales_manager):
    vehicle = aged()
    assert (
        vehicle_prices_update(vehicle=vehicle, by=sales_manager, selling_price=Decimal("15000"))
        == []
    )
    assert counter(vehicle) == 40


def test_catalogue_price_and_discount_do_not_exist_for_used_vehicles(sales_manager):
    vehicle = aged(parc="VO")
    with pytest.raises(ValidationError) as exc:
        vehicle_prices_update(vehicle=vehicle, by=sales_manager, catalogue_price=Decimal("20000"))
    assert "catalogue_price" in exc.value.message_dict
    assert counter(vehicle) == 40


def test_negative_price_is_refused_and_nothing_saved(sales_manager):
    vehicle = aged()
    with pytest.raises(ValidationError):
        vehicle_prices_update(
            vehicle=vehicle,
            by=sales_manager,
            selling_price=Decimal("16000"),
            staff_price=Decimal("-1"),
        )
    vehicle.refresh_from_db()
    assert vehicle.selling_price == Decimal("15000.00")
    assert not vehicle.price_changes.exists()


def test_a_salesperson_price_change_waits_for_validation(salesperson):
    vehicle = aged()
    (change,) = vehicle_prices_update(
        vehicle=vehicle, by=salesperson, selling_price=Decimal("14000")
    )
    assert change.status == PriceChange.Status.TO_VALIDATE
    vehicle.refresh_from_db()
    assert vehicle.selling_price == Decimal("14000.00")  # applies now, checked afterwards


def test_an_automatic_update_flagged_for_check_waits_for_validation():
    vehicle = aged()
    (change,) = vehicle_prices_update(
        vehicle=vehicle, by=None, automatic=True, needs_check=True, selling_price=Decimal("9000")
    )
    assert change.status == PriceChange.Status.TO_VALIDATE


def test_a_manager_validates_a_price_update(salesperson, sales_manager):
    vehicle = aged()
    sales_manager.points_of_sale.add(vehicle.point_of_sale)
    (change,) = vehicle_prices_update(
        vehicle=vehicle, by=salesperson, selling_price=Decimal("14000")
    )
    price_change_validate(change=change, by=sales_manager)
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("validee", sales_manager)
    with pytest.raises(TransitionNotAllowed):
        price_change_validate(change=change, by=sales_manager)


def test_refusing_restores_the_previous_price(salesperson, sales_manager):
    vehicle = aged()
    sales_manager.points_of_sale.add(vehicle.point_of_sale)
    (change,) = vehicle_prices_update(
        vehicle=vehicle, by=salesperson, selling_price=Decimal("9999")
    )
    price_change_refuse(change=change, by=sales_manager, reason="Trop bas")
    vehicle.refresh_from_db()
    change.refresh_from_db()
    assert vehicle.selling_price == Decimal("15000.00")
    assert (change.status, change.decision_reason) == ("refusee", "Trop bas")
    assert vehicle.events.filter(message__contains="prix précédent rétabli").exists()


def test_a_manager_of_another_point_of_sale_cannot_validate_prices(salesperson, sales_manager):
    """Issue 13: the right to validate prices holds at the manager's points of sale."""
    vehicle = aged()
    (change,) = vehicle_prices_update(
        vehicle=vehicle, by=salesperson, selling_price=Decimal("14000")
    )
    with pytest.raises(PermissionDenied):
        price_change_validate(change=change, by=sales_manager)
    change.refresh_from_db()
    assert change.status == "a_valider"


def test_a_salesperson_cannot_validate_prices(salesperson):
    vehicle = aged()
    (change,) = vehicle_prices_update(
        vehicle=vehicle, by=salesperson, selling_price=Decimal("14000")
    )
    with pytest.raises(PermissionDenied):
        price_change_validate(change=change, by=salesperson)
    change.refresh_from_db()
    assert change.status == "a_valider"


def test_price_changes_are_in_the_history(sales_manager):
    vehicle = aged()
    vehicle_prices_update(vehicle=vehicle, by=sales_manager, selling_price=Decimal("14500"))
    event = vehicle.events.get(kind="price")
    assert "15\xa0000,00\xa0€ → 14\xa0500,00\xa0€" in event.message
    assert event.by == sales_manager
