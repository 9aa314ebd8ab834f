"""E-signature benchmarks (issue #15): ``seal_pdf_ms`` (stamp + audit page + PAdES seal of
an order form) and ``signing_page_median_ms`` (the customer's signing page).

Everything is made inside a transaction rolled back at the end: the benchmark leaves no
request behind. The order form is a real one (``order_form_pdf``) when the database has
an order that prints, else a one-page PDF with the same signature box.
"""

import statistics
import time

from django.db import transaction
from django.test import Client
from django.utils import timezone

from openflex.accounts.models import PointOfSale
from openflex.core.benchmarking import time_request
from opportunities.customers.models import Customer
from opportunities.documents.services import order_form_pdf, order_form_refusal
from opportunities.sales.models import Order
from signatures.requests import services
from signatures.requests.models import SignatureDocument
from signatures.sealing.services import AuditLine, SealInput, document_seal, signing_certificate_for

RUNS = 5
PAGE_RUNS = 20

_FALLBACK = """<html><body><h1>Bon de commande</h1><div style="height: 180mm"></div>
<div id="signature-client">Signature du client</div></body></html>"""


def _order_form() -> bytes:
    for order in Order.objects.filter(status__in=Order.VALIDATED).order_by("-pk")[:20]:
        if order_form_refusal(order) is None:
            return order_form_pdf(order)
    from weasyprint import HTML

    return HTML(string=_FALLBACK).write_pdf()


def _seal_ms(pdf: bytes, pos) -> float:
    signing_certificate_for(pos.entity)  # its generation is not what is measured
    now = timezone.now()
    seal = SealInput(
        pdf=pdf,
        entity=pos.entity,
        request_id=0,
        document_id=0,
        document_title="Bon de commande",
        signer_name="Bench",
        signed_at=now,
        ip="203.0.113.1",
        user_agent="bench",
        documents=[("Bon de commande", "0" * 64)],
        audit=[AuditLine(at=now, label="Code vérifié", message="Code SMS vérifié")] * 8,
        chain_head="0" * 64,
    )
    document_seal(seal)  # warm-up (fonts, imports)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        document_seal(seal)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run(bench, *, scale: int, log) -> None:
    pos = PointOfSale.objects.select_related("entity").order_by("pk").first()
    customer = (
        Customer.objects.filter(kind=Customer.Kind.PERSON)
        .exclude(email="")
        .exclude(mobile="")
        .order_by("pk")
        .first()
    )
    if pos is None or customer is None:
        log("no point of sale or customer: run seed_demo first")
        return
    with transaction.atomic():
        pdf = _order_form()
        bench.add("seal_pdf_ms", _seal_ms(pdf, pos), "ms", note="stamp + audit page + PAdES")
        request = services.signature_request_create(
            purpose="commande",
            customer=customer,
            point_of_sale=pos,
            documents=[services.DocumentDraft(SignatureDocument.Kind.ORDER_FORM, "Bon", pdf)],
            send=False,
        )
        timing = time_request(Client(), services.signature_link_path(request), PAGE_RUNS)
        bench.add(
            "signing_page_median_ms",
            timing["median"],
            "ms",
            note=f"{timing['queries']} queries; p95 {timing['p95']:.1f} ms",
        )
        log(f"seal {bench.metrics['seal_pdf_ms'].value:.0f} ms, page {timing['median']:.1f} ms")
        transaction.set_rollback(True)
