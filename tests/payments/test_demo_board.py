"""The e-payments part of the demo (``seed_demo``): a payment in each status on demo
orders, the e-reservation switched on with one vehicle held by a client; the list's
benchmark figure at a small scale (issue #14, P-7, P-8)."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from openflex.accounts.models import User
from openflex.core.benchmarking import Bench
from payments import bench as payments_bench
from payments import demo
from payments.ereservations.models import EReservation, EReservationSettings
from payments.transactions.models import Payment
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db


def test_demo_payments_and_e_reservation_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    statuses = set(Payment.objects.values_list("status", flat=True))
    assert statuses == set(Payment.Status.values)
    assert EReservationSettings.current().enabled
    held = EReservation.objects.get()
    assert Vehicle.objects.get(pk=held.vehicle_id).reservation_kind == "client"
    counts = Payment.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Payment.objects.count() == counts and EReservation.objects.count() == 1
    # A published vehicle is open to e-reservation on its public page.
    from payments.ereservations.services import ereservation_refusal

    candidates = Vehicle.objects.filter(is_published=True, reservation_kind="").order_by("pk")
    open_one = next(v for v in candidates if ereservation_refusal(v) is None)
    page = Client().get(f"/annonces/{open_one.pk}/")
    assert page.status_code == 200 and 'name="mobile"' in page.content.decode()
    # The demo sales manager's tiles count something.
    manager = User.objects.get(email="chef-des-ventes@demo.openflex.test")
    client = Client()
    client.force_login(manager)
    assert "e-Paiements" in client.get("/paiements/").content.decode()


def test_list_bench_at_a_small_scale():
    call_command("seed_demo", stdout=io.StringIO())
    bench = Bench()
    payments_bench.list_bench(bench, scale=60, log=lambda m: None)
    assert Payment.objects.filter(attempt=99).count() == 60
    assert bench.metrics["payments_list_median_ms"].value > 0
    assert demo.seed_bulk_payments(scale=60, log=lambda m: None) == 0
