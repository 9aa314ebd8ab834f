"""Two salespeople reserving the same vehicle at the same moment (V-11): exactly one
wins; two expiry workers at once end each reservation once."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from opportunities.reservations import services as reservations
from opportunities.reservations.models import Reservation
from opportunities.sales import services
from vehicles.models import Vehicle, VehicleEvent
from vehicles.services import vehicle_status_change

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.xdist_group("concurrency"),
]


def run_together(*calls):
    """Run each call in its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_salespeople_reserving_at_once_make_one_reservation(
    switch_on, reserving_offer, seller, other_opportunity, other_seller, preentry_car
):
    # The second salesperson validated an offer on the same car before any reservation.
    rival = services.offer_validate(
        offer=services.offer_create(
            opportunity=other_opportunity, vehicle=preentry_car, by=other_seller
        ),
        by=other_seller,
    )

    outcomes = run_together(
        lambda: reservations.reservation_create(offer=reserving_offer, by=seller),
        lambda: reservations.reservation_create(offer=rival, by=other_seller),
    )

    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ValidationError)
    assert "déjà réservé" in error.messages[0]
    assert Reservation.objects.filter(status="active").count() == 1
    vehicle = Vehicle.objects.get(pk=preentry_car.pk)
    assert vehicle.reservation_kind == "illimitee"
    assert vehicle.events.filter(kind=VehicleEvent.Kind.RESERVATION).count() == 1


def test_the_constraint_alone_refuses_a_second_active_reservation(
    switch_on, reserving_offer, seller
):
    """Even past the row lock (a bug, a raw insert), the database keeps one active."""
    from django.db import IntegrityError, transaction

    Reservation.objects.create(
        offer=reserving_offer,
        vehicle_id=reserving_offer.vehicle_id,
        opportunity_id=reserving_offer.opportunity_id,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            offer=reserving_offer,
            vehicle_id=reserving_offer.vehicle_id,
            opportunity_id=reserving_offer.opportunity_id,
        )


def test_two_expiry_workers_end_each_reservation_once(
    switch_on, reserving_offer, seller, preentry_car
):
    reservation = reservations.reservation_create(offer=reserving_offer, by=seller)
    vehicle_status_change(vehicle=preentry_car, to="entree_physique", by=None, check_rights=False)
    reservation.refresh_from_db()
    later = reservation.ends_at + timedelta(minutes=1)

    outcomes = run_together(
        lambda: reservations.reservations_expire(now=later),
        lambda: reservations.reservations_expire(now=later),
    )

    assert sorted(outcomes) == [("ok", 0), ("ok", 1)], outcomes
    assert (
        VehicleEvent.objects.filter(
            vehicle_id=preentry_car.pk,
            kind=VehicleEvent.Kind.RESERVATION,
            message__contains="expirée",
        ).count()
        == 1
    )
