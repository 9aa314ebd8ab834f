"""P-8: two internet users paying for the same vehicle at the same moment — one
e-reservation; the other payment "à rembourser" (the vehicle row lock, then the partial
unique constraint). Two expiry workers at once release each e-reservation once."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from payments.ereservations import services
from payments.ereservations.models import EReservation
from payments.transactions.models import Payment
from tests.opportunities.reservations.test_reservation_concurrency import run_together
from tests.payments.ereservations.conftest import CONTACT
from tests.payments.transactions.conftest import sandbox_pay
from vehicles.models import Vehicle

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.xdist_group("concurrency"),
]


def _start(car, email) -> Payment:
    return services.ereservation_request(vehicle=car, **{**CONTACT, "email": email})


def _callback(params):
    def post():
        return (
            Client()
            .post(reverse("payments:callback", kwargs={"provider": "sandbox"}), params)
            .status_code
        )

    return post


def test_two_internet_users_paying_at_once_make_one_reservation(ready):
    first, second = _start(ready, "un@example.test"), _start(ready, "deux@example.test")
    params = [sandbox_pay(p, "pay")[1] for p in (first, second)]

    outcomes = run_together(_callback(params[0]), _callback(params[1]))

    assert outcomes == [("ok", 200), ("ok", 200)], outcomes
    reservation = EReservation.objects.get()
    statuses = dict(Payment.objects.values_list("pk", "status"))
    winner = reservation.payment_id
    loser = second.pk if winner == first.pk else first.pk
    assert statuses[winner] == Payment.Status.PAID
    assert statuses[loser] == Payment.Status.TO_REFUND
    car = Vehicle.objects.get(pk=ready.pk)
    assert car.reservation_kind == "client" and car.reservation_ends_at == reservation.ends_at
    assert services.ereservation_outcome(Payment.objects.get(pk=loser))["state"] == "refund"


def test_two_expiry_workers_release_once(ready):
    payment = _start(ready, "un@example.test")
    Client().post(
        reverse("payments:callback", kwargs={"provider": "sandbox"}), sandbox_pay(payment)[1]
    )
    reservation = EReservation.objects.get()
    later = reservation.ends_at + timedelta(minutes=1)

    outcomes = run_together(
        lambda: services.ereservations_expire(now=later),
        lambda: services.ereservations_expire(now=later),
    )

    assert sorted(value for _kind, value in outcomes) == [0, 1], outcomes
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    assert payment.events.filter(to_status="a_rembourser").count() == 1
    assert Vehicle.objects.get(pk=ready.pk).reservation_kind == ""
