"""Leads benchmarks (issue #16): the intake API through gunicorn, the reminder scan at
100 000 open tasks.

- ``lead_intake_per_s``: JSON leads posted to ``POST /api/leads/`` of a gunicorn started
  here with the project's settings (``openflex/gunicorn.conf.py``: 2 workers), by 8
  client threads on keep-alive connections; every answer must be a 201.
- ``lead_reminder_scan_seconds``: one ``lead_reminders_scan`` with 100 000 open tasks of
  which ``DUE`` have a reminder due now (emails rendered and queued through the outbox,
  history lines written) — the idle scan (nothing due) is in the notes.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection
from django.utils import timezone

from leads.inbox import services as inbox
from leads.inbox.models import LeadStatus, LeadTask
from leads.intake import services as intake
from leads.intake.models import LeadSource, LeadSourceCategory
from leads.stats import bench as stats_bench
from openflex.accounts.models import PointOfSale, User

OPEN_TASKS = int(os.environ.get("OPENFLEX_BENCH_LEAD_TASKS", "100000"))
DUE = 500
POSTS = int(os.environ.get("OPENFLEX_BENCH_LEAD_POSTS", "3000"))
CLIENTS = 8
BENCH_SOURCE = "Banc d'essai"
BATCH = 5000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _source(pos: PointOfSale) -> tuple[LeadSource, str]:
    inbox.lead_reference_ensure()
    source, _created = LeadSource.objects.get_or_create(
        name=BENCH_SOURCE,
        defaults={
            "category": LeadSourceCategory.objects.get(code="partenaire"),
            "default_point_of_sale": pos,
        },
    )
    _key, raw = intake.api_key_create(source=source, by=None, label="bench")
    return source, raw


def _gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OPENFLEX_WEB_WORKERS": "2",
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", ""))
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "openflex.wsgi:application",
            "--config",
            "openflex/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=str(Path(settings.BASE_DIR)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _post_many(port: int, key: str, prefix: str, count: int) -> tuple[float, dict[int, int]]:
    """(seconds, {status: n}) for ``count`` posts by CLIENTS threads."""
    counter = iter(range(count))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body = json.dumps({
                "external_id": f"{prefix}-{i}", "first_name": "Jean", "last_name": f"Banc{i}",
                "email": f"banc{i}@example.test", "phone": "06 12 34 56 78",
                "message": "Bonjour, ce véhicule est-il disponible ?", "tags": ["VO"],
            })  # fmt: skip
            try:
                conn.request("POST", "/api/leads/", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, statuses


def _intake(bench, pos, log) -> None:
    _source_obj, key = _source(pos)
    connection.close()  # the server's workers open their own connections
    port = _free_port()
    process = _gunicorn(port)
    try:
        _post_many(port, key, f"warm-{uuid.uuid4().hex[:8]}", 100)
        seconds, statuses = _post_many(port, key, f"bench-{uuid.uuid4().hex[:8]}", POSTS)
    finally:
        process.terminate()
        process.wait(10)
    rate = POSTS / seconds
    log(f"lead intake: {POSTS} posts in {seconds:.1f} s = {rate:.0f}/s, answers {statuses}")
    bench.add(
        "lead_intake_per_s",
        rate,
        "leads/s",
        baseline=200,
        note=f"POST /api/leads/ (JSON) through gunicorn, 2 workers, {CLIENTS} client threads "
        f"with keep-alive, {POSTS} leads; answers {statuses}; baseline = target",
    )


def _ensure_open_tasks(pos, user, log) -> list[int]:
    """OPEN_TASKS open tasks of the bench source (bulk, topped up), without due reminders."""
    source = LeadSource.objects.get(name=BENCH_SOURCE)
    status = LeadStatus.objects.get(code=LeadStatus.NEW)
    qs = LeadTask.objects.filter(source=source, state=LeadTask.State.OPEN)
    have = qs.count()
    now = timezone.now()
    later = now + timedelta(days=365)
    missing = max(0, OPEN_TASKS - have)
    for start in range(0, missing, BATCH):
        LeadTask.objects.bulk_create(
            LeadTask(
                point_of_sale=pos,
                source=source,
                status=status,
                last_name=f"Scan{have + start + i}",
                email=f"scan{have + start + i}@example.test",
                received_at=now,
                created_at=now,
                lifetime_ends_at=later,
                neglect_due_at=later,
                reminder1_due_at=later - timedelta(days=1),
                next_reminder_at=later - timedelta(days=1),
                assigned_to=user,
            )
            for i in range(min(BATCH, missing - start))
        )
    if missing:
        log(f"lead reminder scan: {missing} open tasks added")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE leads_leadtask")
    return list(qs.order_by("pk").values_list("pk", flat=True)[:DUE])


def _scan(bench, pos, log) -> None:
    user = User.objects.filter(is_active=True, points_of_sale=pos).order_by("pk").first()
    due_ids = _ensure_open_tasks(pos, user, log)
    now = timezone.now()
    inbox.lead_reminders_scan(now=now)  # whatever else was due (demo tasks): not measured
    idle_started = time.perf_counter()
    inbox.lead_reminders_scan(now=now)
    idle = time.perf_counter() - idle_started
    LeadTask.objects.filter(pk__in=due_ids).update(
        reminder1_due_at=now - timedelta(minutes=1),
        next_reminder_at=now - timedelta(minutes=1),
        reminders_sent=0,
    )
    # The scan's own work: claim, history lines, emails recorded in the outbox. Their
    # delivery is the worker's job (the bench runs Celery eagerly, which would deliver
    # each email inside the measurement): hand-over to the broker is left out here.
    with mock.patch("openflex.outbox.services.effect_dispatch", lambda *, key: True):
        started = time.perf_counter()
        result = inbox.lead_reminders_scan(now=now)
        seconds = time.perf_counter() - started
    LeadTask.objects.filter(pk__in=due_ids).update(
        next_reminder_at=now + timedelta(days=300), reminders_sent=0
    )
    log(
        f"lead reminder scan: {result['reminders']} reminders in {seconds:.2f} s at "
        f"{OPEN_TASKS} open tasks; idle scan {idle * 1000:.0f} ms"
    )
    bench.add(
        "lead_reminder_scan_seconds",
        seconds,
        "s",
        note=f"one scan, {OPEN_TASKS} open tasks of which {result['reminders']} due "
        f"(emails recorded in the outbox, not delivered; history lines); idle scan (nothing due) "
        f"{idle * 1000:.0f} ms",
    )


def run(bench, *, scale: int, log) -> None:
    pos = PointOfSale.objects.filter(code=61).first() or PointOfSale.objects.order_by("pk").first()
    if pos is None:
        log("leads: no point of sale (seed the demo first), skipped")
        return
    _intake(bench, pos, log)
    _scan(bench, pos, log)
    stats_bench.run(bench, scale=scale, log=log)  # lead_stats_median_ms (leads/stats/bench.py)
