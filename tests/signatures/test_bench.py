"""The e-signature's benchmark functions run and report their two figures."""

import pytest

from openflex.core.benchmarking import Bench
from signatures import bench as signatures_bench
from signatures.requests.models import SignatureRequest
from tests.opportunities.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_bench_reports_seal_and_page_times(monkeypatch):
    CustomerFactory()
    bench = Bench()
    monkeypatch.setattr(signatures_bench, "RUNS", 1)
    monkeypatch.setattr(signatures_bench, "PAGE_RUNS", 2)
    signatures_bench.run(bench, scale=1, log=lambda m: None)
    assert bench.metrics["seal_pdf_ms"].value > 0
    assert bench.metrics["signing_page_median_ms"].value > 0
    assert not SignatureRequest.objects.exists()  # rolled back
