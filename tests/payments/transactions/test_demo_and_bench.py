"""The demo configures the sandbox at every point of sale (idempotent); the callback
benchmark measures through the real endpoint and leaves nothing behind."""

import pytest

from openflex.accounts import demo as accounts_demo
from openflex.accounts.models import PointOfSale
from openflex.core.benchmarking import Bench
from payments import bench, demo
from payments.transactions.models import Payment, PaymentConfiguration
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_demo_configures_the_sandbox_everywhere_once():
    accounts_demo.seed(log=lambda *a: None)
    demo.seed_configuration(log=lambda *a: None)
    demo.seed_configuration(log=lambda *a: None)
    assert PaymentConfiguration.objects.count() == PointOfSale.objects.count() > 0
    assert set(PaymentConfiguration.objects.values_list("provider", flat=True)) == {"sandbox"}


def test_callback_bench(monkeypatch):
    accounts_demo.seed(log=lambda *a: None)
    VehicleFactory(point_of_sale=PointOfSale.objects.order_by("code").first())
    monkeypatch.setattr(bench, "CALLBACK_RUNS", 3)
    result = Bench()
    bench.callback_bench(result, log=lambda *a: None)
    assert result.metrics["payment_callback_median_ms"].value > 0
    assert not Payment.objects.exists()
