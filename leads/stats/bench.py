"""Lead statistics benchmark (issue #16): ``lead_stats_median_ms`` — the statistics page
(each of its three tables) at ``scale`` lead tasks (100 000 by default), over a 90-day
period, for the sales manager (two points of sale) and the administrator (all of them).

The bulk tasks are inserted directly (``bulk_create``: demo tooling), spread over the last
90 days, the demo points of sale, sources, statuses, tags and salespeople, with a first
action on most of them and a call on some; topped up to ``scale``, idempotent.
"""

import random
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from leads.calls.models import Call, TrackingNumber
from leads.inbox.models import LeadStatus, LeadTag, LeadTask
from leads.inbox.services import lead_reference_ensure
from leads.intake.models import LeadSource, LeadSourceCategory
from openflex.accounts.models import PointOfSale, User
from openflex.core.benchmarking import time_request

RUNS = 15
BULK_SOURCE_PREFIX = "Bench "
CHUNK = 5000


def _sources() -> list[LeadSource]:
    sources = []
    for category in LeadSourceCategory.objects.all():
        for i in range(3):
            source, _created = LeadSource.objects.get_or_create(
                name=f"{BULK_SOURCE_PREFIX}{category.name} {i + 1}",
                defaults={"category": category},
            )
            sources.append(source)
    return sources


def _ensure_tasks(target: int, log) -> None:
    lead_reference_ensure()
    have = LeadTask.objects.count()
    if have >= target:
        return
    rng = random.Random(1600)
    pos = list(PointOfSale.objects.order_by("code"))
    sources = _sources()
    statuses = list(LeadStatus.objects.all())
    tags = list(LeadTag.objects.all())
    people = list(User.objects.filter(is_active=True).order_by("pk")[:12]) or [None]
    number = TrackingNumber.objects.filter(point_of_sale=pos[0]).first()
    now = timezone.now()
    through = LeadTask.tags.through
    missing = target - have
    log(f"inserting {missing} lead tasks")
    while missing > 0:
        size = min(CHUNK, missing)
        tasks = []
        for _i in range(size):
            received = now - timedelta(minutes=rng.randint(10, 90 * 24 * 60))
            status = rng.choice(statuses)
            acted = rng.random() < 0.8
            first = received + timedelta(minutes=rng.randint(1, 600)) if acted else None
            tasks.append(
                LeadTask(
                    point_of_sale=rng.choice(pos),
                    source=rng.choice(sources),
                    status=status,
                    last_name="Bench",
                    received_at=received,
                    created_at=received,
                    assigned_to=rng.choice(people) if acted else None,
                    first_action_at=first,
                    last_action_at=first,
                    handled_at=first if status.counts_as_handled else None,
                )
            )
        with transaction.atomic():
            created = LeadTask.objects.bulk_create(tasks)
            through.objects.bulk_create(
                through(leadtask_id=t.pk, leadtag_id=rng.choice(tags).pk)
                for t in created
                if rng.random() < 0.7
            )
            if number is not None:
                Call.objects.bulk_create(
                    Call(
                        source=sources[0],
                        provider_call_id=f"bench-{t.pk}",
                        tracking_number=number,
                        point_of_sale_id=number.point_of_sale_id,
                        caller="+33600000000",
                        started_at=t.received_at,
                        answered=rng.random() < 0.6,
                        task_id=t.pk,
                    )
                    for t in created
                    if rng.random() < 0.1
                )
        missing -= size
    with connection.cursor() as cursor:
        for table in ("leads_leadtask", "leads_leadtask_tags", "leads_call"):
            cursor.execute(f"ANALYZE {table}")


def _measure(users, query: str, log, notes: list[str]) -> list[float]:
    medians = []
    for user in users:
        client = Client()
        client.force_login(user)
        who = user.email.split("@")[0]
        for view in ("sources", "collaborateurs", "transformation"):
            result = time_request(client, f"/leads/statistiques/?vue={view}&{query}", runs=RUNS)
            medians.append(result["median"])
            line = (
                f"lead statistics `{view}` ({who}, {query or 'default period'}): median "
                f"{result['median']:.1f} ms, p95 {result['p95']:.1f} ms, "
                f"{result['queries']} queries"
            )
            log(line)
            notes.append(f"- {line}")
    return medians


def run(bench, *, scale: int, log) -> None:
    target = scale or 100_000
    _ensure_tasks(target, log)
    users = [
        u
        for u in (
            User.objects.filter(email=e).first()
            for e in ("chef-des-ventes@demo.openflex.test", "admin@demo.openflex.test")
        )
        if u is not None
    ]
    if not users:
        return
    today = timezone.localdate()
    quarter = f"date_from={(today - timedelta(days=89)).isoformat()}&date_to={today.isoformat()}"
    default = _measure(users, "", log, bench.notes)  # as it opens: the last 30 days
    worst = _measure(users, quarter, log, bench.notes)  # 90 days: every bench task
    tasks = LeadTask.objects.count()
    bench.add(
        "lead_stats_median_ms",
        max(default),
        "ms",
        baseline=300,
        note=f"worst median of the 3 statistics tables as they open (last 30 days), sales "
        f"manager and admin, at {tasks} tasks over 90 days; baseline = target",
    )
    bench.add(
        "lead_stats_90d_median_ms",
        max(worst),
        "ms",
        note=f"the same over 90 days (all {tasks} tasks in the period)",
    )
