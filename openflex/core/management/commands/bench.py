"""``manage.py bench --scale N``: the project's benchmarks (``make bench``).

Seeds the benchmark database once to ``--scale`` vehicles, then runs the
benchmarks of every app that has a ``bench.py`` with ``run(bench, *, scale, log)``.
Figures go to ``var/bench/latest.json`` as ``{"metric": {"value", "unit",
"baseline", "ratio"}}`` and to a readable table (``var/bench/latest.md`` and stdout).
A benchmark measures; it asserts nothing.
"""

import importlib
import json
import time
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from openflex.core.benchmarking import Bench


def _ensure_database() -> None:
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        raise CommandError("Benchmarks run on PostgreSQL (BENCH_DATABASE_URL).")
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


class Command(BaseCommand):
    help = "Run the benchmarks at --scale vehicles and write var/bench/latest.json."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=100_000)
        parser.add_argument("--only", default="", help="comma-separated app labels")

    def handle(self, *args, scale: int, only: str, **options):
        _ensure_database()
        call_command("migrate", verbosity=0, interactive=False)
        from vehicles.models import Vehicle

        existing = Vehicle.objects.count()
        call_command("seed_demo", verbosity=0)
        if existing < scale:
            started = time.perf_counter()
            call_command("seed_demo", scale=scale - Vehicle.objects.count(), verbosity=0)
            self.stdout.write(f"seeded {scale} vehicles in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # fresh statistics after the bulk seed

        bench = Bench()
        wanted = {label for label in only.split(",") if label}
        for config in apps.get_app_configs():
            if wanted and config.label not in wanted:
                continue
            try:
                module = importlib.import_module(f"{config.name}.bench")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.bench":
                    raise
                continue
            self.stdout.write(f"bench: {config.label}")
            module.run(bench, scale=scale, log=lambda m: self.stdout.write(f"  {m}"))
        self._write(bench, scale)

    def _write(self, bench: Bench, scale: int) -> None:
        out = Path(settings.BASE_DIR) / "var" / "bench"
        out.mkdir(parents=True, exist_ok=True)
        data = {name: metric.as_dict() for name, metric in bench.metrics.items()}
        (out / "latest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        lines = [
            f"# OpenFlex benchmarks (scale {scale} vehicles, PostgreSQL)",
            "",
            "| metric | value | unit | baseline | ratio | note |",
            "|---|---|---|---|---|---|",
        ]
        for name, m in data.items():
            baseline = "" if m["baseline"] is None else m["baseline"]
            ratio = "" if m["ratio"] is None else m["ratio"]
            lines.append(
                f"| {name} | {m['value']} | {m['unit']} | {baseline} | {ratio} | {m['note']} |"
            )
        if bench.notes:
            lines += ["", *bench.notes]
        table = "\n".join(lines) + "\n"
        (out / "latest.md").write_text(table)
        self.stdout.write(table)
