"""E-payment benchmarks (``make bench``), one function per figure:

- ``callback_bench`` (PAY-CORE): ``payment_callback_median_ms`` — a signed provider
  callback through the real endpoint (``/payments/providers/sandbox/callback/``):
  signature check, row lock, transition to *payé*, event row, confirmation email queued.
- ``list_bench`` (PAY-BOARD): ``payments_list_median_ms`` — the e-payments list at
  ``scale`` payments (bulk rows of ``demo.seed_bulk_payments``), worst median of its
  filter/sort/search combinations.

``run`` calls each; every function leaves the database as it found it.
"""

import time
from decimal import Decimal

from django.db import transaction
from django.test import Client
from django.utils import timezone

from openflex.core.benchmarking import percentile
from payments import demo
from payments.providers import ogone
from payments.providers.sandbox import amount_text
from payments.transactions.models import Payment, PaymentConfiguration
from payments.transactions.services.core import payment_reference

CALLBACK_RUNS = 30
CALLBACK_DOCUMENT = 2_000_000_000  # document numbers of the bench's throwaway payments


class _Rollback(Exception):
    pass


def _payment(config, n: int) -> Payment:
    pos = config.point_of_sale
    from vehicles.models import Vehicle

    vehicle = Vehicle.objects.filter(point_of_sale=pos).order_by("pk").first()
    document = CALLBACK_DOCUMENT + n
    return Payment.objects.create(
        kind=Payment.Kind.DEPOSIT,
        vehicle=vehicle,
        point_of_sale=pos,
        entity_id=pos.entity_id,
        civility="Mme",
        first_name="Bench",
        last_name="Callback",
        email="bench@example.test",
        amount=Decimal("1500.00"),
        provider=config.provider,
        document_number=document,
        reference=payment_reference(
            entity_code=pos.entity.code,
            pos_code=pos.code,
            kind="acompte",
            document=document,
            attempt=1,
        ),
        link_sent_at=timezone.now(),
    )


def callback_bench(bench, *, log) -> None:
    demo.seed_configuration(log=log)
    config = (
        PaymentConfiguration.objects.select_related("point_of_sale__entity")
        .filter(provider="sandbox", point_of_sale__vehicles__isnull=False)
        .order_by("point_of_sale__code")
        .first()
    )
    if config is None:
        log("payments: no configured point of sale with vehicles, callback bench skipped")
        return
    client = Client()
    timings = []
    try:
        with transaction.atomic():
            for n in range(CALLBACK_RUNS + 2):
                payment = _payment(config, n)
                params = {
                    "ORDERID": payment.reference,
                    "AMOUNT": amount_text(payment.amount_cents),
                    "CURRENCY": "EUR",
                    "PM": "CreditCard",
                    "STATUS": "9",
                    "PAYID": str(4_000_000_000 + n),
                    "NCERROR": "0",
                }
                params["SHASIGN"] = ogone.sha_out(params, config.sha_out, config.hash_algorithm)
                started = time.perf_counter()
                response = client.post("/payments/providers/sandbox/callback/", params)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.content
                if n >= 2:  # warm-up
                    timings.append(elapsed)
            raise _Rollback
    except _Rollback:
        pass
    median = percentile(timings, 50)
    bench.add(
        "payment_callback_median_ms",
        median,
        "ms",
        note=f"signed callback → payé through the real endpoint, {CALLBACK_RUNS} runs, "
        f"p95 {percentile(timings, 95):.1f} ms",
    )
    log(f"payment callback: median {median:.1f} ms, p95 {percentile(timings, 95):.1f} ms")


LIST_RUNS = 20


def _list_combos(pos_id: int, sample: Payment | None) -> dict[str, str]:
    combos = {
        "default (newest first)": "",
        "oldest first": "sort=date",
        "à rembourser": "statut=a_rembourser",
        "en attente, followed (the tile)": "suivi=true&statut=en_attente",
        "payés + refusés": "statut=payes&statut=refuses",
        "one point of sale": f"point_of_sale={pos_id}",
    }
    if sample is not None:
        combos["search a reference"] = f"q={sample.reference}"
    return combos


def list_bench(bench, *, scale: int, log) -> None:
    """``payments_list_median_ms``: the e-payments list at ``scale`` payments (100 000 in
    ``make bench``), for a sales manager and an administrator, through the test client;
    the query count must not depend on the rows shown (one page of 50)."""
    from django.db import connection

    from openflex.accounts.models import PointOfSale, User
    from openflex.core.benchmarking import time_request

    with transaction.atomic():
        added = demo.seed_bulk_payments(scale=scale, log=log)
    if added:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE payments_payment")
    users = {
        "sales manager": User.objects.filter(email="chef-des-ventes@demo.openflex.test").first(),
        "admin": User.objects.filter(email="admin@demo.openflex.test").first(),
    }
    pos = PointOfSale.objects.filter(code=61).first()
    if pos is None or None in users.values():
        log("payments: no demo organisation, list bench skipped")
        return
    sample = Payment.objects.filter(attempt=99).order_by("pk").first()
    medians, queries = [], set()
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        for label, query in _list_combos(pos.pk, sample).items():
            result = time_request(client, f"/paiements/?{query}", runs=LIST_RUNS)
            medians.append(result["median"])
            queries.add(result["queries"])
            log(
                f"payments list, {who}, {label}: median {result['median']:.1f} ms, "
                f"p95 {result['p95']:.1f} ms, {result['queries']} queries"
            )
            bench.notes.append(
                f"- e-payments list ({who}) `{query or 'default'}`: median "
                f"{result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
                f"{result['queries']} queries"
            )
    bench.add(
        "payments_list_median_ms",
        max(medians),
        "ms",
        baseline=80,
        note=f"worst median of {len(medians)} filter/sort/search combinations (sales manager "
        f"and admin), {Payment.objects.count()} payments, 50 rows; baseline = target",
    )
    bench.add("payments_list_queries", max(queries), "queries", note="most of any combination")


def run(bench, *, scale: int, log) -> None:
    callback_bench(bench, log=log)
    list_bench(bench, scale=scale, log=log)
