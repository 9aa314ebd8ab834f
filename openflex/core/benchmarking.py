"""Small toolkit for ``manage.py bench``: timing requests and SQL, and recording metrics."""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Metric:
    value: float
    unit: str
    baseline: float | None = None
    note: str = ""

    def as_dict(self) -> dict:
        ratio = None
        if self.baseline:
            ratio = round(self.value / self.baseline, 3)
        return {
            "value": round(self.value, 3),
            "unit": self.unit,
            "baseline": self.baseline,
            "ratio": ratio,
            "note": self.note,
        }


@dataclass
class Bench:
    metrics: dict[str, Metric] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(
        self, name: str, value: float, unit: str, baseline: float | None = None, note: str = ""
    ):
        self.metrics[name] = Metric(value, unit, baseline, note)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def time_request(client: Client, url: str, runs: int, warmup: int = 2, **headers):
    """Median and p95 server time (ms) of GET ``url``, its queries and their raw SQL time."""
    for _ in range(warmup):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, **headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, **headers)
    queries = [q["sql"] for q in ctx.captured_queries]
    return {
        "median": statistics.median(timings),
        "p95": percentile(timings, 95),
        "queries": len(queries),
        "sql": queries,
    }


_DECLARE = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(OUT)? HOLD FOR ', re.I)


def raw_sql_ms(queries: list[str], runs: int = 10) -> float:
    """Median time of running the same SQL statements directly on the cursor.

    Server-side cursors (``DECLARE … FOR SELECT``, used by Django's choice iterators)
    are replayed as their plain SELECT.
    """
    queries = [_DECLARE.sub("", q) for q in queries if not q.upper().startswith("CLOSE")]
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            for sql in queries:
                if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                    continue
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def timed(fn: Callable, runs: int = 1) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)
