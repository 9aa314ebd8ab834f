"""``manage.py chaos`` (``make chaos``): break the running product on purpose and check
that nothing was lost and nothing happened twice. See ``openflex/core/chaos``.

Runs with ``DJANGO_SETTINGS_MODULE=openflex.settings.chaos`` only: it drops and creates
its own database and starts its own Redis, SMTP sink, gunicorn, worker and beat, and
stops all of them at the end, on failure and on Ctrl-C. Figures go to
``var/bench/chaos.json``; the exit code is 1 when anything was lost, done twice or
answered 5xx after its commit.
"""

import json
import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from openflex.core.chaos.harness import Options, run


def _terminate(signum, frame):
    raise KeyboardInterrupt  # the harness's finally stops every process it started


class Command(BaseCommand):
    help = "Kill the worker, stop Redis, terminate database backends; check nothing is lost."

    def add_arguments(self, parser):
        parser.add_argument("--kills", type=int, default=20, help="worker SIGKILLs")
        parser.add_argument("--batches", type=int, default=10, help="email batches")
        parser.add_argument("--batch-size", type=int, default=30, help="emails per batch")
        parser.add_argument("--outage-seconds", type=float, default=30, help="Redis stopped")
        parser.add_argument("--termination-sweeps", type=int, default=3)
        parser.add_argument("--orders", type=int, default=60, help="orders for the users")
        parser.add_argument("--settle-seconds", type=float, default=420)

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE != "openflex.settings.chaos":
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=openflex.settings.chaos.")
        signal.signal(signal.SIGTERM, _terminate)
        report = run(
            Options(
                kills=options["kills"],
                batches=options["batches"],
                batch_size=options["batch_size"],
                outage_seconds=options["outage_seconds"],
                termination_sweeps=options["termination_sweeps"],
                orders=options["orders"],
                settle_seconds=options["settle_seconds"],
            ),
            log=lambda message: self.stdout.write(message),
        )
        summary = {k: v for k, v in report.items() if k.startswith("chaos_")}
        self.stdout.write(json.dumps(summary, indent=2))
        details = report.get("details", {})
        for key in ("lost", "duplicates", "examples", "responses_5xx"):
            if details.get(key):
                self.stdout.write(f"{key}: {json.dumps(details[key], ensure_ascii=False)}")
        self.stdout.write("figures and details: var/bench/chaos.json")
        failed = (
            not summary
            or summary["chaos_lost_effects"]
            or summary["chaos_duplicate_effects"]
            or summary["chaos_5xx_after_commit"]
        )
        if failed:
            self.stderr.write("chaos: FAILED (lost, duplicated or 5xx after commit)")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("chaos: nothing lost, nothing twice"))
