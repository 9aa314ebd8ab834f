"""The e-reservation's transitions (P-8): each allowed from "en cours" only; the status
is protected (only the services move it)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from payments.ereservations.models import EReservation
from payments.transactions.models import Payment
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def _reservation(car) -> EReservation:
    payment = PaymentFactory(
        kind=Payment.Kind.RESERVATION, vehicle=car, status=Payment.Status.PAID, salesperson=None
    )
    return EReservation.objects.create(
        payment=payment, vehicle=car, ends_at=timezone.now() + timedelta(hours=48)
    )


@pytest.mark.parametrize("method", ["expire", "take_over", "end"])
def test_allowed_from_active_refused_after(car, method):
    reservation = _reservation(car)
    getattr(reservation, method)()
    assert reservation.status != EReservation.Status.ACTIVE
    for again in ("expire", "take_over", "end"):
        with pytest.raises(TransitionNotAllowed):
            getattr(reservation, again)()


def test_the_status_is_protected(car):
    reservation = EReservation.objects.get(pk=_reservation(car).pk)
    with pytest.raises(AttributeError):
        reservation.status = EReservation.Status.EXPIRED


def test_one_active_e_reservation_per_vehicle(car):
    from django.db import IntegrityError, transaction

    _reservation(car)
    with pytest.raises(IntegrityError), transaction.atomic():
        _reservation(car)
