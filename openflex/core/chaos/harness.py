"""The run of ``manage.py chaos``: services up, data, scenarios, settle, checks, report."""

import contextlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from . import checks, scenarios
from .sink import SmtpSink
from .stack import Stack, database_recreate


@dataclass
class Options:
    kills: int = 20
    batches: int = 10
    batch_size: int = 30
    outage_seconds: float = 30
    termination_sweeps: int = 3
    orders: int = 60
    settle_seconds: float = 420


@dataclass
class Context:
    stack: Stack
    sink: SmtpSink
    log: object
    dataset: scenarios.Dataset | None = None
    responses: list = field(default_factory=list)
    crash_times: list = field(default_factory=list)  # worker kills, backend terminations
    journey_orders: list = field(default_factory=list)
    worker_deaths: int = 0


def settle(ctx: Context, *, timeout: float) -> dict:
    """Wait until no effect is pending or running and every email has left (or failed)."""
    from openflex.notifications.models import OutboundEmail
    from openflex.outbox.models import Effect

    started = time.monotonic()
    while True:
        if not ctx.stack.alive("worker"):
            ctx.worker_deaths += 1
            ctx.log("  the worker had stopped: restarted")
            ctx.stack.worker_start()
        ctx.stack.beat_ensure()
        connection.close_if_unusable_or_obsolete()
        open_effects = Effect.objects.filter(
            status__in=[Effect.Status.PENDING, Effect.Status.RUNNING]
        ).count()
        unsent = OutboundEmail.objects.filter(
            status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
        ).count()
        waited = time.monotonic() - started
        if (open_effects == 0 and unsent == 0) or waited > timeout:
            return {
                "seconds": round(waited, 1),
                "timed_out": open_effects > 0 or unsent > 0,
                "effects_open": open_effects,
                "emails_unsent": unsent,
            }
        ctx.log(f"  settling: {open_effects} effects open, {unsent} emails unsent")
        time.sleep(5)


def _log_problems(workdir: Path) -> dict:
    """What the processes' logs say went wrong (for the report, not a verdict)."""
    counts = {}
    for name in ("web", "worker", "beat"):
        path = workdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        counts[name] = {
            "tracebacks": text.count("Traceback (most recent call last)"),
            "errors": text.count(" ERROR "),
        }
    return counts


def run(options: Options, log) -> dict:
    workdir = Path(os.environ["CHAOS_DIR"])
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    stack = Stack(workdir=workdir, log=log)
    sink = SmtpSink(port=int(os.environ["CHAOS_SMTP_PORT"]), log_path=workdir / "sink.jsonl")
    ctx = Context(stack=stack, sink=sink, log=log)
    durations: dict[str, float] = {}
    report: dict = {}
    started = time.monotonic()
    try:
        log(f"chaos: working directory {workdir}")
        name = database_recreate(os.environ["DATABASE_URL"])
        log(
            f"chaos: database {name} created, Redis on {stack.redis_port}, SMTP sink on "
            f"{sink.port}, gunicorn on {stack.web_port}"
        )
        stack.redis_start()
        sink.start()
        step = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", verbosity=0)
        ctx.dataset = scenarios.prepare(
            orders=options.orders, follow_ups=8, neglect=60, late=40, log=log
        )
        durations["setup"] = round(time.monotonic() - step, 1)
        stack.web_start()
        stack.beat_start()
        stack.worker_start()
        log("chaos: stack up (gunicorn, worker, beat)")

        details = {}
        step = time.monotonic()
        log(f"chaos 1/3: {options.kills} worker kills during {options.batches} email batches")
        details["worker_kills"] = scenarios.worker_kills(
            ctx, kills=options.kills, batches=options.batches, batch_size=options.batch_size
        )
        log(f"chaos 2/3: Redis stopped {options.outage_seconds:.0f} s under a scripted user")
        details["broker_outage"] = scenarios.broker_outage(ctx, seconds=options.outage_seconds)
        log(f"chaos 3/3: {options.termination_sweeps} sweeps of pg_terminate_backend")
        details["backends_terminated"] = scenarios.backends_terminated(
            ctx, sweeps=options.termination_sweeps
        )
        durations["scenarios"] = round(time.monotonic() - step, 1)

        log("chaos: waiting for the system to settle")
        details["settle"] = settle(ctx, timeout=options.settle_seconds)
        durations["settle"] = details["settle"]["seconds"]
        findings, figures = checks.gather(
            dataset=ctx.dataset,
            responses=ctx.responses,
            received=sink.messages(),
            crashes=ctx.crash_times,
            journey_orders=ctx.journey_orders,
        )
        durations["total"] = round(time.monotonic() - started, 1)
        per_scenario_5xx = {}
        for response in ctx.responses:
            if response.status >= 500 or response.status == 0:
                per_scenario_5xx[response.scenario] = per_scenario_5xx.get(response.scenario, 0) + 1
        report = {
            "chaos_worker_kills": details["worker_kills"]["kills"],
            "chaos_lost_effects": sum(findings.lost.values()),
            "chaos_duplicate_effects": sum(findings.duplicates.values()),
            "chaos_email_resends": figures["email_resends"],
            "chaos_5xx_after_commit": len(figures["responses_5xx_after_commit"]),
            "chaos_5xx": sum(per_scenario_5xx.values()),
            "details": {
                **details,
                "lost": dict(findings.lost),
                "duplicates": dict(findings.duplicates),
                "examples": findings.examples,
                "responses": len(ctx.responses),
                "responses_5xx_per_scenario": per_scenario_5xx,
                "worker_starts": stack.worker_starts,
                "worker_deaths_unplanned": ctx.worker_deaths,
                "beat_restarts": stack.beat_restarts,
                "logs": _log_problems(workdir),
                **figures,
            },
            "durations_seconds": durations,
        }
    finally:
        stack.stop()
        with contextlib.suppress(Exception):  # the sink may not have started
            sink.stop()
    out = Path(settings.BASE_DIR) / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "chaos.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report
