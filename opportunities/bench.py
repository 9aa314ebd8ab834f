"""Sales-journey benchmarks (issue #5): the opportunity list and the orders to validate.

The bulk sales data is topped up to ``scale`` first (``demo.seed_bulk`` is idempotent):
a benchmark database seeded before this module existed still gets its opportunities.
"""

import re

from django.db import connection, transaction
from django.test import Client

from openflex.accounts.models import PointOfSale, User
from openflex.core.benchmarking import raw_sql_ms, time_request
from opportunities import demo
from opportunities.customers.models import Customer

RUNS = 20
SALES_TABLES = [
    "opportunities_customer",
    "opportunities_opportunity",
    "opportunities_opportunityevent",
    "opportunities_offer",
    "opportunities_order",
    "opportunities_orderevent",
]


# Django's choice iterators use server-side cursors; inside a transaction (tests) they are
# declared without ``WITH HOLD``, which ``raw_sql_ms`` does not recognise: replay the SELECT.
_CURSOR = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR (WITH(OUT)? HOLD )?FOR ', re.I)


def _sql_ms(queries: list[str]) -> float:
    return raw_sql_ms([_CURSOR.sub("", q) for q in queries if not q.startswith("CLOSE")])


def _combos(fragment: str, pos_id: int) -> dict[str, str]:
    return {
        "default (newest first)": "",
        "status en cours": "status=en_cours",
        "en souffrance": "neglected=true&status=en_cours",
        "search on a customer name fragment": f"q={fragment}",
        "one point of sale": f"point_of_sale={pos_id}",
        "sort by last activity": "sort=-activity",
    }


def _ensure_data(scale: int, log) -> None:
    with transaction.atomic():
        added = demo.seed_bulk(scale=scale, log=log)
    if added:
        with connection.cursor() as cursor:
            for table in SALES_TABLES:
                cursor.execute(f"ANALYZE {table}")


def _main_query(sql: list[str]) -> str:
    """The page's row query (the one that fetches the 50 opportunities or orders)."""
    rows = [q for q in sql if "LIMIT 50" in q or "LIMIT 51" in q]
    return rows[0] if rows else max(sql, key=len)


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def run(bench, *, scale: int, log) -> None:
    _ensure_data(scale, log)
    users = {
        "sales manager": User.objects.get(email="chef-des-ventes@demo.openflex.test"),
        "admin": User.objects.get(email="admin@demo.openflex.test"),
    }
    sample = (
        Customer.objects.filter(kind=Customer.Kind.PERSON, email__endswith=f"@{demo.BULK_DOMAIN}")
        .order_by("pk")
        .first()
    ) or Customer.objects.filter(kind=Customer.Kind.PERSON).order_by("pk").first()
    fragment = sample.last_name[1:5].lower()
    pos_id = PointOfSale.objects.get(code=61).pk
    medians, p95s, ratios, queries, plans = [], [], [], [], []
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        for label, query in _combos(fragment, pos_id).items():
            result = time_request(client, f"/opportunites/?{query}", runs=RUNS)
            sql = _sql_ms(result["sql"])
            ratio = result["median"] / sql
            medians.append(result["median"])
            p95s.append(result["p95"])
            ratios.append(ratio)
            queries.append(result["queries"])
            plans.append((result["median"], f"{who}, {label}", _main_query(result["sql"])))
            log(
                f"opportunities, {who}, {label}: median {result['median']:.1f} ms, "
                f"p95 {result['p95']:.1f} ms, SQL {sql:.1f} ms (x{ratio:.2f}), "
                f"{result['queries']} queries"
            )
            bench.notes.append(
                f"- opportunity list ({who}) `{query or 'default'}`: median "
                f"{result['median']:.1f} ms, p95 {result['p95']:.1f} ms, raw SQL {sql:.1f} ms, "
                f"ratio {ratio:.2f}, {result['queries']} queries"
            )
    bench.add(
        "opportunity_list_median_ms",
        max(medians),
        "ms",
        baseline=80,
        note=f"worst median of {len(medians)} filter/sort combinations (sales manager and "
        "admin), 50 rows; baseline = target",
    )
    bench.add("opportunity_list_p95_ms", max(p95s), "ms", note="worst combination's p95")
    bench.add(
        "opportunity_list_sql_ratio",
        max(ratios),
        "x",
        baseline=3,
        note="server time / raw SQL time of the same queries; baseline = target",
    )
    bench.add("opportunity_list_queries", max(queries), "queries", note="most of any combination")

    client = Client()
    client.force_login(users["sales manager"])
    orders = time_request(client, "/commandes/?vue=a_valider", runs=RUNS)
    order_sql = _sql_ms(orders["sql"])
    bench.add(
        "order_list_median_ms",
        orders["median"],
        "ms",
        baseline=80,
        note=f"orders to validate (sales manager), {orders['queries']} queries, "
        f"raw SQL {order_sql:.1f} ms; baseline = target",
    )
    plans.append((orders["median"], "orders to validate", _main_query(orders["sql"])))
    log(
        f"orders to validate: median {orders['median']:.1f} ms, p95 {orders['p95']:.1f} ms, "
        f"SQL {order_sql:.1f} ms, {orders['queries']} queries"
    )

    # The slowest pages' row queries: no sequential scan of a sales table.
    seq_scans = 0
    for _median, label, sql in sorted(plans, reverse=True)[:3]:
        plan = _explain(sql)
        scans = re.findall(r"Seq Scan on (opportunities_\w+)", plan)
        seq_scans += len(scans)
        bench.notes.append(f"\nEXPLAIN ANALYZE ({label}):\n```\n{plan}\n```")
        log(f"EXPLAIN {label}: sequential scans on sales tables: {scans or 'none'}")
    bench.add(
        "opportunity_list_seq_scans",
        seq_scans,
        "scans",
        note="sequential scans of sales tables in the 3 slowest pages' row queries",
    )
