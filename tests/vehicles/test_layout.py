"""The shape of the vehicles app (issue 11): what other apps import keeps its path.

Module sizes, cycles and layers are checked for every app by tests/core/test_architecture.py.
"""

import importlib

import pytest

# What the sale side, the project and the tests of other apps import from the stock.
PUBLIC = {
    "vehicles.models": [
        "Energy",
        "Parc",
        "StandardStatus",
        "LifelineStatus",
        "StatusMaxStay",
        "Vehicle",
        "VehicleEvent",
        "VehicleOption",
        "OwnershipTransfer",
        "SavedSearch",
        "DelayNotice",
        "vin_validator",
    ],
    "vehicles.services": [
        "vehicle_event_record",
        "vehicle_create",
        "vehicle_get_locked",
        "vehicle_monthly_payment_set",
        "vehicle_reservation_set",
        "vehicle_status_change",
        "vehicle_status_follow_sale",
        "transfer_request",
        "transfer_approve",
        "transfer_reject",
        "lifeline_status_create",
        "publication_criteria",
    ],
    "vehicles.selectors": ["vehicle_get_for_user", "vehicle_queryset_for_user"],
    "vehicles.panels": ["Panel", "register", "panels"],
    "vehicles.signals": ["status_changed", "transfer_decided"],
    "vehicles.tasks": ["delay_scan_task"],
    "vehicles.demo": ["seed"],
    "vehicles.bench": ["run"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_keep_their_path(module):
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC[module] if not hasattr(imported, name)]
    assert not missing
