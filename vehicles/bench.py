"""Stock benchmarks (issue #3): the list page, the free-text index, the XLSX export."""

import statistics
import time
import tracemalloc
from io import BytesIO

from django.db import connection
from django.test import Client
from openpyxl import Workbook

from openflex.accounts.models import User
from openflex.core.benchmarking import raw_sql_ms, time_request

from .models import Vehicle
from .selectors import status_labels
from .stock.columns import RowContext, export_columns, needed_fields
from .stock.exports import write_stock_xlsx

RUNS = 20


def _combos(vin_fragment: str, pos_id: int) -> dict[str, str]:
    return {
        "default (newest first)": "sort=-number",
        "sort by days since price update, oldest first": "sort=-price_days",
        "VO, sort by days since price update, newest first": "parc=VO&sort=price_days",
        "free text on a VIN fragment": f"q={vin_fragment}",
        "sales stock, diesel, price 10-30k, by price": (
            "status=stock_vente&energy=diesel&price_min=10000&price_max=30000&sort=selling_price"
        ),
        "price update 30-60 days ago, by days": "days_min=30&days_max=60&sort=-price_days",
        "one point of sale, Renault, by model": f"point_of_sale={pos_id}&brand=Renault&sort=model",
    }


def run(bench, *, scale: int, log) -> None:
    admin = User.objects.get(email="admin@demo.openflex.test")
    client = Client()
    client.force_login(admin)
    sample = Vehicle.objects.order_by("number")[scale // 2]
    vin_fragment = sample.vin[5:11]
    medians, p95s, ratios, queries, partials = [], [], [], [], []
    for label, query in _combos(vin_fragment, sample.point_of_sale_id).items():
        result = time_request(client, f"/vehicules/?{query}&per_page=50", runs=RUNS)
        sql = raw_sql_ms(result["sql"])
        ratio = result["median"] / sql
        partial = time_request(
            client, f"/vehicules/?{query}&per_page=50", runs=RUNS, HTTP_HX_REQUEST="true"
        )
        partials.append(partial["median"])
        medians.append(result["median"])
        p95s.append(result["p95"])
        ratios.append(ratio)
        queries.append(result["queries"])
        log(
            f"{label}: median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
            f"SQL {sql:.1f} ms (x{ratio:.2f}), {result['queries']} queries"
        )
        bench.notes.append(
            f"- stock list `{query}`: median {result['median']:.1f} ms, "
            f"p95 {result['p95']:.1f} ms, raw SQL {sql:.1f} ms, ratio {ratio:.2f}, "
            f"{result['queries']} queries"
        )
    bench.add(
        "stock_list_median_ms",
        max(medians),
        "ms",
        baseline=80,
        note="worst median of 7 filter/sort combinations, 50 rows; baseline = target",
    )
    bench.add("stock_list_p95_ms", max(p95s), "ms", note="worst p95")
    bench.add(
        "stock_list_sql_ratio",
        max(ratios),
        "x",
        baseline=3,
        note="server time / raw SQL time of the same queries; baseline = target",
    )
    bench.add("stock_list_queries", max(queries), "queries", note="same for 10 or 50 rows")
    bench.add(
        "stock_list_htmx_median_ms",
        max(partials),
        "ms",
        note="worst median of the results partial swapped by HTMX when a filter changes",
    )

    # Free text must use the trigram index, not a sequential scan.
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT number FROM vehicles_vehicle WHERE search_text LIKE %s "
            "ORDER BY number DESC LIMIT 50",
            [f"%{vin_fragment.lower()}%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    uses_index = "vehicle_search_trgm" in plan
    bench.add(
        "stock_search_uses_trgm_index",
        1 if uses_index else 0,
        "bool",
        note="EXPLAIN of the VIN-fragment search",
    )
    bench.notes.append("\nEXPLAIN (free text on a VIN fragment):\n```\n" + plan + "\n```")
    log(f"VIN search uses the trigram index: {uses_index}")

    _export(bench, admin, log)
    _delays(bench, log)


def _delays(bench, log) -> None:
    """The periodic late-vehicle scan and the tile count (V-9), set-based."""
    from django.test.utils import CaptureQueriesContext

    from .delays import selectors as delays
    from .delays import services
    from .models import DelayNotice

    manager = User.objects.get(email="gestionnaire-parc@demo.openflex.test")
    late_count = delays.late_vehicles(Vehicle.objects.all()).count()
    timings, queries = [], 0
    for _ in range(3):
        DelayNotice.objects.all().delete()  # every late vehicle is "new" again
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = services.delay_scan()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    bench.add(
        "delay_scan_ms",
        statistics.median(timings),
        "ms",
        note=f"{result['vehicles']} newly late vehicles, {result['recipients']} digests",
    )
    bench.add("delay_scan_queries", queries, "queries", note="constant in the number of vehicles")
    again = services.delay_scan()
    bench.notes.append(f"- delay scan run twice: second run notified {again['vehicles']} vehicles")

    tile_client = Client()
    tile_client.force_login(manager)
    tile = time_request(tile_client, "/accueil/tuiles/late-vehicles/", runs=RUNS)
    bench.add(
        "delay_tile_ms",
        tile["median"],
        "ms",
        note=f"tile request, {late_count} late vehicles in the group",
    )
    log(
        f"delay scan: {statistics.median(timings):.0f} ms, {queries} queries, "
        f"{result['vehicles']} vehicles; tile {tile['median']:.1f} ms"
    )


def _export(bench, admin, log) -> None:
    from django.contrib.auth.models import AnonymousUser  # noqa: F401

    from .selectors import vehicle_queryset_for_user

    columns = export_columns(
        [
            "number",
            "parc",
            "brand",
            "model",
            "version",
            "registration",
            "status",
            "point_of_sale",
            "mileage",
            "selling_price",
            "price_days",
            "published",
            "reservation",
        ]
    )
    ctx = RowContext(status_labels=status_labels())
    queryset = vehicle_queryset_for_user(admin).order_by("-number")

    # Our export: query, values, workbook — timed without tracemalloc.
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        rows = write_stock_xlsx(queryset, columns, ctx, BytesIO())
        timings.append(time.perf_counter() - started)
    seconds = statistics.median(timings)

    # The same, under tracemalloc, for the peak memory growth.
    tracemalloc.start()
    write_stock_xlsx(queryset, columns, ctx, _NullFile())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # A bare openpyxl write-only loop over the same rows (already in memory).
    data = [
        tuple(c.value(r, ctx) for c in columns)
        for r in queryset.values(*needed_fields(columns)).iterator(chunk_size=5000)
    ]
    bare = []
    for _ in range(2):
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([str(c.label) for c in columns])
        for row in data:
            sheet.append(row)
        workbook.save(BytesIO())
        bare.append(time.perf_counter() - started)
    bare_seconds = statistics.median(bare)
    del data

    bench.add(
        "stock_export_seconds",
        seconds,
        "s",
        baseline=round(bare_seconds, 3),
        note=f"{rows} rows, {len(columns)} columns; baseline = bare openpyxl loop",
    )
    bench.add("stock_export_rows_per_s", rows / seconds, "rows/s")
    bench.add(
        "stock_export_peak_mb",
        peak / 1024 / 1024,
        "MB",
        baseline=100,
        note="tracemalloc peak during the export (to a null file); baseline = target",
    )
    bench.add(
        "stock_export_openpyxl_ratio",
        seconds / bare_seconds,
        "x",
        baseline=1.5,
        note="export time / bare openpyxl write-only loop; baseline = target",
    )
    log(
        f"export: {rows} rows in {seconds:.1f} s ({rows / seconds:.0f} rows/s), "
        f"peak {peak / 1024 / 1024:.1f} MB, bare openpyxl {bare_seconds:.1f} s"
    )


class _NullFile:
    """A write-only sink: the memory measured is the export's, not the file's."""

    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)
        return len(data)

    def tell(self):
        return self.size

    def seek(self, *args):
        return self.size

    def flush(self):
        pass
