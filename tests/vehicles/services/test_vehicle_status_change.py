"""The lifeline (V-2) and its one transition service, with the history it writes (V-3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.vehicles.factories import VehicleFactory
from vehicles import lifeline, signals
from vehicles.models import VehicleEvent
from vehicles.selectors import vehicle_status_changes
from vehicles.services import lifeline_status_create, vehicle_status_change

pytestmark = pytest.mark.django_db


def codes(moves):
    return [m.status.code for m in moves]


def test_forward_move_is_dated_attributed_and_recorded(fleet_manager):
    vehicle = VehicleFactory(status="pre_entree")

    vehicle_status_change(vehicle=vehicle, to="entree_physique", by=fleet_manager, reason="Arrivé")

    vehicle.refresh_from_db()
    assert vehicle.status == "entree_physique"
    # One line in the history is the move: dated, attributed, with its reason (V-2, V-3).
    event = vehicle.events.get(kind=VehicleEvent.Kind.STATUS)
    assert (event.from_status, event.to_status) == ("pre_entree", "entree_physique")
    assert (event.by, event.reason) == (fleet_manager, "Arrivé")
    assert vehicle.status_changed_at == event.at
    assert "Pré-entrée → Entrée physique" in event.message
    assert list(vehicle_status_changes(vehicle=vehicle)) == [event]


def test_a_standard_status_cannot_be_skipped(fleet_manager):
    vehicle = VehicleFactory(status="pre_entree")
    with pytest.raises(ValidationError) as exc:
        vehicle_status_change(vehicle=vehicle, to="stock_vente", by=fleet_manager)
    assert "ligne de vie" in str(exc.value)
    vehicle.refresh_from_db()
    assert vehicle.status == "pre_entree"
    assert not vehicle.events.exists()


def test_going_back_one_step_needs_a_reason(fleet_manager):
    vehicle = VehicleFactory(status="stock_vente")
    with pytest.raises(ValidationError):
        vehicle_status_change(vehicle=vehicle, to="entree_physique", by=fleet_manager)
    vehicle_status_change(
        vehicle=vehicle, to="entree_physique", by=fleet_manager, reason="Retour atelier"
    )
    vehicle.refresh_from_db()
    assert vehicle.status == "entree_physique"


def test_exit_is_final(fleet_manager):
    vehicle = VehicleFactory(status="sortie")
    assert lifeline.allowed_moves(vehicle) == []
    with pytest.raises(ValidationError):
        vehicle_status_change(vehicle=vehicle, to="livraison", by=fleet_manager, reason="x")


def test_the_configuration_right_is_required(salesperson):
    vehicle = VehicleFactory(status="pre_entree")
    with pytest.raises(PermissionDenied):
        vehicle_status_change(vehicle=vehicle, to="entree_physique", by=salesperson)
    vehicle.refresh_from_db()
    assert vehicle.status == "pre_entree"


def test_a_too_long_reason_changes_nothing(fleet_manager):
    vehicle = VehicleFactory(status="pre_entree")
    with pytest.raises(ValidationError):
        vehicle_status_change(
            vehicle=vehicle, to="entree_physique", by=fleet_manager, reason="x" * 501
        )
    vehicle.refresh_from_db()
    assert vehicle.status == "pre_entree"
    assert not vehicle.events.exists()


def test_status_cannot_be_assigned_directly():
    vehicle = VehicleFactory(status="pre_entree")
    with pytest.raises(AttributeError):
        vehicle.status = "sortie"


def test_custom_statuses_sit_in_order_between_standard_ones(fleet_manager, statuses):
    """V-2: administrators add custom statuses; they keep the order they were given."""
    wash = lifeline_status_create(label="Préparation esthétique", after=statuses["entree_physique"])
    photos = lifeline_status_create(label="Photos", after=wash)
    line = [s.code for s in lifeline.lifeline_for("particulier")]
    assert line == [
        "pre_entree",
        "entree_physique",
        wash.code,
        photos.code,
        "stock_vente",
        "livraison",
        "sortie",
    ]
    vehicle = VehicleFactory(status="entree_physique")
    # Forward: every custom status up to the next standard one, which may not be skipped.
    assert codes(lifeline.allowed_moves(vehicle)) == [
        wash.code,
        photos.code,
        "stock_vente",
        "pre_entree",
    ]
    vehicle_status_change(vehicle=vehicle, to=wash.code, by=fleet_manager)
    vehicle_status_change(vehicle=vehicle, to=photos.code, by=fleet_manager)
    vehicle_status_change(vehicle=vehicle, to="stock_vente", by=fleet_manager)
    vehicle.refresh_from_db()
    assert vehicle.status == "stock_vente"
    assert [c.to_status for c in vehicle_status_changes(vehicle=vehicle)] == [
        wash.code,
        photos.code,
        "stock_vente",
    ]


def test_a_custom_status_can_be_skipped(fleet_manager, statuses):
    custom = lifeline_status_create(label="Contrôle technique", after=statuses["entree_physique"])
    vehicle = VehicleFactory(status="entree_physique")
    vehicle_status_change(vehicle=vehicle, to="stock_vente", by=fleet_manager)
    vehicle.refresh_from_db()
    assert vehicle.status == "stock_vente"
    assert custom.code not in [c.to_status for c in vehicle_status_changes(vehicle=vehicle)]


def test_a_destination_specific_status_is_only_on_that_lifeline(statuses):
    pro = lifeline_status_create(
        label="Accord flotte", after=statuses["stock_vente"], destination="professionnel"
    )
    assert pro.code in [s.code for s in lifeline.lifeline_for("professionnel")]
    assert pro.code not in [s.code for s in lifeline.lifeline_for("particulier")]
    private = VehicleFactory(status="stock_vente", destination="particulier")
    assert pro.code not in codes(lifeline.allowed_moves(private))


def test_status_changed_signal_lets_other_modules_react(fleet_manager):
    received = []

    def handler(sender, vehicle, from_status, to_status, by, **kwargs):
        received.append((vehicle.pk, from_status, to_status, by))

    signals.status_changed.connect(handler)
    try:
        vehicle = VehicleFactory(status="pre_entree")
        vehicle_status_change(vehicle=vehicle, to="entree_physique", by=fleet_manager)
    finally:
        signals.status_changed.disconnect(handler)
    assert received == [(vehicle.pk, "pre_entree", "entree_physique", fleet_manager)]


def test_reaching_delivery_unpublishes(fleet_manager):
    vehicle = VehicleFactory(status="stock_vente")
    from vehicles.services import vehicle_publication_refresh

    vehicle_publication_refresh(vehicle=vehicle)
    assert vehicle.is_published
    vehicle_status_change(vehicle=vehicle, to="livraison", by=fleet_manager)
    vehicle.refresh_from_db()
    assert not vehicle.is_published
    assert vehicle.events.filter(kind="publication", message__startswith="Dépublié").exists()
