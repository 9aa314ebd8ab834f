"""Ownership transfers (V-14), stock auctions (V-15) and publication criteria (V-12)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from openflex.notifications.models import Notification
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles import signals
from vehicles.models import Auction, ReservationKind
from vehicles.services import (
    auction_close,
    auction_create,
    auction_start,
    publication_criteria,
    transfer_approve,
    transfer_reject,
    transfer_request,
    vehicle_publication_refresh,
    vehicle_reservation_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    manager = UserFactory(group_type="chef-des-ventes", rights=["validate_transfers"])
    site = PhysicalSiteFactory()
    site.point_of_sale.transfer_manager = manager
    site.point_of_sale.save()
    vehicle = VehicleFactory(physical_site=site)
    requester = UserFactory(group_type="vendeur")
    return vehicle, manager, requester, PointOfSaleFactory()


def test_transfer_waits_for_the_transfer_manager_then_moves_the_vehicle(setup):
    vehicle, manager, requester, destination = setup
    transfer = transfer_request(vehicle=vehicle, to_point_of_sale=destination, by=requester)
    assert transfer.status == "a_valider"
    assert Notification.objects.filter(recipient=manager, kind="transfer_to_validate").exists()
    vehicle.refresh_from_db()
    assert vehicle.point_of_sale != destination

    transfer_approve(transfer=transfer, by=manager)
    vehicle.refresh_from_db()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == ("valide", manager)
    assert vehicle.point_of_sale == destination
    assert vehicle.events.filter(kind="transfer").count() == 2
    assert Notification.objects.filter(recipient=requester, kind="transfer_decided").exists()


def test_only_the_transfer_manager_of_the_vehicles_point_of_sale_decides(setup):
    vehicle, manager, requester, destination = setup
    other_manager = UserFactory(group_type="chef-des-ventes", rights=["validate_transfers"])
    transfer = transfer_request(vehicle=vehicle, to_point_of_sale=destination, by=requester)
    with pytest.raises(PermissionDenied):
        transfer_approve(transfer=transfer, by=other_manager)
    with pytest.raises(PermissionDenied):
        transfer_approve(transfer=transfer, by=requester)
    transfer.refresh_from_db()
    assert transfer.status == "a_valider"


def test_rejecting_needs_a_reason_and_keeps_the_owner(setup):
    vehicle, manager, requester, destination = setup
    owner = vehicle.point_of_sale
    transfer = transfer_request(vehicle=vehicle, to_point_of_sale=destination, by=requester)
    with pytest.raises(ValidationError):
        transfer_reject(transfer=transfer, by=manager, reason="")
    transfer_reject(transfer=transfer, by=manager, reason="Véhicule promis à un client")
    transfer.refresh_from_db()
    vehicle.refresh_from_db()
    assert (transfer.status, transfer.reason) == ("rejete", "Véhicule promis à un client")
    assert vehicle.point_of_sale == owner
    with pytest.raises(TransitionNotAllowed):
        transfer_approve(transfer=transfer, by=manager)


def test_one_pending_transfer_per_vehicle_and_not_to_its_own_point_of_sale(setup):
    vehicle, manager, requester, destination = setup
    with pytest.raises(ValidationError):
        transfer_request(vehicle=vehicle, to_point_of_sale=vehicle.point_of_sale, by=requester)
    transfer_request(vehicle=vehicle, to_point_of_sale=destination, by=requester)
    with pytest.raises(ValidationError):
        transfer_request(vehicle=vehicle, to_point_of_sale=PointOfSaleFactory(), by=requester)


def test_without_a_transfer_manager_a_holder_of_the_right_on_that_point_of_sale_decides():
    vehicle = VehicleFactory()
    pos = vehicle.point_of_sale
    validator = UserFactory(
        group_type="directeur", rights=["validate_transfers"], points_of_sale=[pos]
    )
    outsider = UserFactory(group_type="directeur", rights=["validate_transfers"])
    transfer = transfer_request(
        vehicle=vehicle, to_point_of_sale=PointOfSaleFactory(), by=validator
    )
    with pytest.raises(PermissionDenied):
        transfer_approve(transfer=transfer, by=outsider)
    transfer_approve(transfer=transfer, by=validator)


def test_transfer_decision_signal(setup):
    vehicle, manager, requester, destination = setup
    seen = []
    handler = lambda sender, transfer, by, **kw: seen.append((transfer.status, by))  # noqa: E731
    signals.transfer_decided.connect(handler)
    try:
        transfer = transfer_request(vehicle=vehicle, to_point_of_sale=destination, by=requester)
        transfer_approve(transfer=transfer, by=manager)
    finally:
        signals.transfer_decided.disconnect(handler)
    assert seen == [("valide", manager)]


# --- Auctions (V-15) -------------------------------------------------------------------


def test_auction_goes_planned_running_won(fleet_manager):
    vehicle = VehicleFactory()
    now = timezone.now()
    auction = auction_create(
        vehicle=vehicle,
        by=fleet_manager,
        starts_at=now,
        ends_at=now + timedelta(days=2),
        reserve_price=Decimal("9000"),
    )
    assert auction.status == Auction.Status.PLANNED
    with pytest.raises(TransitionNotAllowed):
        auction_close(
            auction=auction,
            by=fleet_manager,
            won=True,
            winning_bid=Decimal("9500"),
            winner="Garage Martin",
        )
    auction_start(auction=auction, by=fleet_manager)
    with pytest.raises(ValidationError):
        auction_close(auction=auction, by=fleet_manager, won=True, winning_bid=None, winner="")
    auction_close(
        auction=auction,
        by=fleet_manager,
        won=True,
        winning_bid=Decimal("9500"),
        winner="Garage Martin",
    )
    auction.refresh_from_db()
    assert (auction.status, auction.winner, auction.winning_bid) == (
        "gagnee",
        "Garage Martin",
        Decimal("9500.00"),
    )
    assert vehicle.events.filter(kind="auction").count() == 3


def test_auction_lost_and_one_open_auction_at_a_time(fleet_manager):
    vehicle = VehicleFactory()
    now = timezone.now()
    auction = auction_create(
        vehicle=vehicle, by=fleet_manager, starts_at=now, ends_at=now + timedelta(hours=5)
    )
    with pytest.raises(ValidationError):
        auction_create(
            vehicle=vehicle, by=fleet_manager, starts_at=now, ends_at=now + timedelta(hours=5)
        )
    auction_close(auction=auction, by=fleet_manager, won=False)
    auction.refresh_from_db()
    assert auction.status == "perdue"
    with pytest.raises(TransitionNotAllowed):
        auction_start(auction=auction, by=fleet_manager)
    auction_create(
        vehicle=vehicle, by=fleet_manager, starts_at=now, ends_at=now + timedelta(hours=5)
    )


def test_auction_rules(fleet_manager, salesperson):
    vehicle = VehicleFactory()
    now = timezone.now()
    with pytest.raises(ValidationError):
        auction_create(vehicle=vehicle, by=fleet_manager, starts_at=now, ends_at=now)
    with pytest.raises(PermissionDenied):
        auction_create(
            vehicle=vehicle, by=salesperson, starts_at=now, ends_at=now + timedelta(days=1)
        )
    assert not Auction.objects.exists()


# --- Publication (V-12) -------------------------------------------------------------------


def test_publication_criteria_and_unlimited_reservation_unpublishes():
    vehicle = VehicleFactory(status="stock_vente")
    assert vehicle_publication_refresh(vehicle=vehicle) is True
    assert all(ok for _label, ok in publication_criteria(vehicle))

    vehicle_reservation_set(
        vehicle=vehicle, kind=ReservationKind.UNLIMITED, message="Réservé pour une durée illimitée"
    )
    vehicle.refresh_from_db()
    assert not vehicle.is_published
    failing = [str(label) for label, ok in publication_criteria(vehicle) if not ok]
    assert failing == ["Non réservé sans limite de durée"]

    vehicle_reservation_set(vehicle=vehicle, kind=ReservationKind.NONE)
    vehicle.refresh_from_db()
    assert vehicle.is_published


def test_no_price_or_not_in_sales_stock_is_not_published():
    in_entry = VehicleFactory(status="entree_physique")
    no_price = VehicleFactory(status="stock_vente", selling_price=None)
    assert vehicle_publication_refresh(vehicle=in_entry) is False
    assert vehicle_publication_refresh(vehicle=no_price) is False


def test_an_exited_vehicle_is_neither_transferred_nor_auctioned(fleet_manager):
    vehicle = VehicleFactory(status="sortie")
    with pytest.raises(ValidationError):
        transfer_request(vehicle=vehicle, to_point_of_sale=PointOfSaleFactory(), by=fleet_manager)
    now = timezone.now()
    with pytest.raises(ValidationError):
        auction_create(
            vehicle=vehicle, by=fleet_manager, starts_at=now, ends_at=now + timedelta(days=1)
        )
