"""Migrations 0006/0007: the lifeline's log (VehicleStatusChange) moves into VehicleEvent."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import VehicleEvent
from vehicles.selectors import vehicle_status_changes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("vehicles", "0005_monthly_payment")]


def latest():
    """Back to the latest migration of every app: later vehicles migrations add columns
    the factories write, and going back to 0005 also unapplied the apps that depend on
    the vehicles (payments, signatures, leads), whose rows the serialized rollback
    restores afterwards."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_status_changes_become_the_status_lines_of_the_history():
    manager = UserFactory()
    vehicle = VehicleFactory(status="stock_vente")
    bare = VehicleFactory(status="entree_physique")
    created_at = timezone.now() - timedelta(days=10)
    moved_at = created_at + timedelta(days=2)
    try:
        old = migrate(BEFORE)
        Change = old.get_model("vehicles", "VehicleStatusChange")
        Event = old.get_model("vehicles", "VehicleEvent")
        # What the services wrote: a change and, a moment later, its history line.
        Change.objects.create(vehicle_id=vehicle.pk, to_status="pre_entree", at=created_at)
        Event.objects.create(
            vehicle_id=vehicle.pk,
            kind="created",
            message="Véhicule créé",
            at=created_at + timedelta(milliseconds=3),
            by_id=manager.pk,
        )
        Change.objects.create(
            vehicle_id=vehicle.pk,
            from_status="pre_entree",
            to_status="entree_physique",
            at=moved_at,
            by_id=manager.pk,
            reason="Arrivé",
        )
        Event.objects.create(
            vehicle_id=vehicle.pk,
            kind="status",
            message="Statut : Pré-entrée → Entrée physique — Arrivé",
            data={"from": "pre_entree", "to": "entree_physique", "reason": "Arrivé"},
            at=moved_at + timedelta(milliseconds=5),
            by_id=manager.pk,
        )
        Event.objects.create(vehicle_id=vehicle.pk, kind="price", message="Prix", at=moved_at)
        # A move with no history line: the migration writes one.
        Change.objects.create(
            vehicle_id=bare.pk,
            from_status="pre_entree",
            to_status="entree_physique",
            at=moved_at,
            by_id=manager.pk,
            reason="Rattrapage",
        )
    finally:
        migrate(latest())

    lines = list(vehicle_status_changes(vehicle=vehicle))
    assert [(e.kind, e.from_status, e.to_status) for e in lines] == [
        ("created", "", "pre_entree"),
        ("status", "pre_entree", "entree_physique"),
    ]
    assert lines[1].reason == "Arrivé"
    assert lines[1].by == manager
    assert vehicle.events.count() == 3  # nothing duplicated; the price line untouched
    assert vehicle.events.get(kind="price").to_status == ""

    (line,) = vehicle_status_changes(vehicle=bare)
    assert (line.kind, line.from_status) == ("status", "pre_entree")
    assert line.to_status == "entree_physique"
    assert (line.at, line.by, line.reason) == (moved_at, manager, "Rattrapage")


def test_reversing_writes_the_status_changes_back():
    vehicle = VehicleFactory(status="entree_physique")
    VehicleEvent.objects.create(
        vehicle=vehicle,
        kind="status",
        message="Statut",
        data={"from": "pre_entree", "to": "entree_physique", "reason": "Arrivé"},
        from_status="pre_entree",
        to_status="entree_physique",
    )
    try:
        old = migrate(BEFORE)
        Change = old.get_model("vehicles", "VehicleStatusChange")
        change = Change.objects.get(vehicle_id=vehicle.pk)
        assert (change.from_status, change.to_status, change.reason) == (
            "pre_entree",
            "entree_physique",
            "Arrivé",
        )
    finally:
        migrate(latest())
