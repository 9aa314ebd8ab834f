"""Demo leads (``seed_demo``): sources and their categories, the API key ``demo-lead-key``
of the "Site web Horizon" source (default point of sale: Horizon Lyon Gerland, so that a
payload without ``point_of_sale`` lands there), lifetime settings and assignments, and
about 150 tasks over the last 90 days in every status and state — some taken, handled,
converted into opportunities, some "en souffrance", a few fresh ones with reminders to
come. Written through the services (histories are the real ones); only the dates of the
actions are moved back afterwards. Idempotent: nothing is added when the demo tasks exist.

    curl -X POST http://127.0.0.1:8000/api/leads/ -H "Authorization: Bearer demo-lead-key" \\
         -H "Content-Type: application/json" -d '{"external_id": "A-1", "last_name": "Durand"}'
"""

import random
from datetime import timedelta

from django.utils import timezone

from leads.calls import demo as calls_demo
from leads.inbox import services as inbox
from leads.inbox.conversion import lead_task_convert
from leads.inbox.models import (
    LeadAssignment,
    LeadSettings,
    LeadStatus,
    LeadTag,
    LeadTask,
    LeadTaskEvent,
)
from leads.inbox.phones import phone_normalise
from leads.intake import services as intake
from leads.intake.models import ApiKey, LeadSource, LeadSourceCategory
from openflex.accounts.demo import demo_email
from openflex.accounts.models import PointOfSale, User

DEMO_KEY = "demo-lead-key"  # noqa: S105 — demo data only, documented in the README
MARKER = "demo-"  # external ids of the demo tasks
SOURCES = [
    # name, category code, default point of sale code
    ("Site web Horizon", "site-web", 61),
    ("LeBonCoin", "portail", None),
    ("La Centrale", "portail", None),
    ("Partenaire Flottes Pro", "partenaire", None),
    ("Campagne Printemps", "campagne", None),
    ("Standard téléphonique", "telephone", None),
]
FIRST = ["Camille", "Lucas", "Emma", "Hugo", "Léa", "Louis", "Chloé", "Nathan", "Manon", "Jules"]
LAST = [
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
]
MESSAGES = [
    "Bonjour, ce véhicule est-il toujours disponible ?",
    "Je souhaite un essai samedi matin.",
    "Quel serait le montant de la reprise de ma 208 ?",
    "Pouvez-vous me faire une offre de financement sur 48 mois ?",
    "Rendez-vous atelier pour la révision des 60 000 km.",
    "Besoin de trois utilitaires pour ma société.",
]


def _sources() -> dict[str, LeadSource]:
    inbox.lead_reference_ensure()
    sources = {}
    for name, category, pos_code in SOURCES:
        source, _created = LeadSource.objects.get_or_create(
            name=name,
            defaults={
                "category": LeadSourceCategory.objects.get(code=category),
                "default_point_of_sale": PointOfSale.objects.filter(code=pos_code).first()
                if pos_code
                else None,
            },
        )
        sources[name] = source
    website = sources["Site web Horizon"]
    if not ApiKey.objects.filter(key_hash=intake.api_key_hash(DEMO_KEY)).exists():
        intake.api_key_create(source=website, by=None, label="Démo", raw=DEMO_KEY)
    return sources


def _settings_and_assignments(users: dict[str, User]) -> list[PointOfSale]:
    points = list(PointOfSale.objects.filter(code__in=[61, 62, 63]).order_by("code"))
    for pos, (lifetime, count) in zip(points, [(240, 2), (120, 1), (480, 1)], strict=False):
        LeadSettings.objects.get_or_create(
            point_of_sale=pos,
            defaults={"lifetime_minutes": lifetime, "reminders_enabled": True,
                      "reminder_count": count},
        )  # fmt: skip
    types = {t.code: t for t in LeadTag.objects.filter(group=LeadTag.Group.TYPE)}
    plan = [("vendeur", ["vo", "vd"]), ("chef-des-ventes", ["vn", "vo"]), ("secretaire", ["apv"])]
    for pos in points[:2]:
        for kind, codes in plan:
            user = users.get(kind)
            if user is None:
                continue
            for code in codes:
                LeadAssignment.objects.get_or_create(
                    point_of_sale=pos, lead_type=types[code], user=user
                )
    return points


def _mobile(rng) -> str:
    while True:
        number = "0" + rng.choice("67") + "".join(str(rng.randint(0, 9)) for _ in range(8))
        try:
            return phone_normalise(number)
        except ValueError:
            continue


def seed(*, scale: int = 0, log=print) -> None:
    calls_demo.seed(scale=scale, log=log)  # tracking numbers and calls (leads/calls/demo.py)
    users = {
        kind: u
        for kind in ("vendeur", "chef-des-ventes", "directeur", "secretaire", "admin")
        if (u := User.objects.filter(email=demo_email(kind)).first()) is not None
    }
    sources = _sources()
    points = _settings_and_assignments(users)
    if not points or "vendeur" not in users:
        log("  leads: no demo organisation, skipped")
        return
    if LeadTask.objects.filter(external_id__startswith=MARKER).exists():
        log("  leads: demo tasks already there")
        return
    rng = random.Random(16)  # noqa: S311 — demo data
    now = timezone.now()
    tags = {t.code: t for t in LeadTag.objects.all()}
    statuses = {s.code: s for s in LeadStatus.objects.all()}
    workers = [users[k] for k in ("vendeur", "chef-des-ventes", "directeur") if k in users]
    source_list = list(sources.values())
    created = converted = 0
    for i in range(150):
        pos = points[0] if i % 3 else points[1] if i % 2 else points[-1]
        age_minutes = rng.randint(0, 90 * 24 * 60) if i >= 6 else rng.randint(2, 50)
        received = now - timedelta(minutes=age_minutes)
        lead_type = rng.choice(["vn", "vo", "vo", "vd", "apv"])
        task_tags = [tags[lead_type], tags[rng.choice(["particulier", "particulier",
                                                      "professionnel"])]]  # fmt: skip
        if lead_type != "apv":
            task_tags.append(tags["vu" if rng.random() < 0.2 else "vp"])
        first, last = rng.choice(FIRST), rng.choice(LAST)
        task = inbox.lead_task_create(
            point_of_sale=pos,
            source=rng.choice(source_list),
            external_id=f"{MARKER}{i}",
            tags=task_tags,
            received_at=received,
            message=rng.choice(MESSAGES),
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}{i}@exemple.org".replace("é", "e"),
            mobile=_mobile(rng),
        )
        created += 1
        if i < 6:  # fresh: reminders to come
            continue
        fate = rng.random()
        if fate < 0.12:  # nobody took it: en souffrance (or simply old)
            continue
        user = rng.choice([u for u in workers if pos.pk in set(u.points_of_sale.values_list(
            "pk", flat=True))] or workers)  # fmt: skip
        reaction = timedelta(minutes=rng.choice([3, 8, 15, 30, 45, 90, 180, 600]))
        inbox.lead_task_take(task=task, by=user)
        if fate < 0.3:
            pass  # taken, still Nouveau
        elif fate < 0.5:
            inbox.lead_task_status_change(task=task, by=user, status=statuses["suivi"])
        elif fate < 0.62:
            inbox.lead_task_status_change(task=task, by=user, status=statuses["rendez-vous"])
        elif fate < 0.8:
            inbox.lead_task_status_change(task=task, by=user, status=statuses["sans-suite"])
            inbox.lead_task_finish(task=task, by=user)
        elif fate < 0.9 and converted < 12 and lead_type != "apv":
            try:
                lead_task_convert(task=task, by=user, new_customer=True)
                converted += 1
            except Exception as exc:  # noqa: BLE001 — a demo conversion that fails is skipped
                log(f"  leads: conversion of task {task.pk} skipped ({exc})")
        else:
            inbox.lead_task_finish(task=task, by=user)
        acted = min(received + reaction, now)
        LeadTask.objects.filter(pk=task.pk).update(first_action_at=acted, last_action_at=acted)
        LeadTask.objects.filter(pk=task.pk, handled_at__isnull=False).update(handled_at=acted)
        LeadTaskEvent.objects.filter(task=task).exclude(kind=LeadTaskEvent.Kind.CREATED).update(
            at=acted
        )
    LeadTaskEvent.objects.filter(
        task__external_id__startswith=MARKER, kind=LeadTaskEvent.Kind.CREATED
    ).update(at=timezone.now())  # corrected below per task
    for task in LeadTask.objects.filter(external_id__startswith=MARKER).only("pk", "received_at"):
        task.events.filter(kind=LeadTaskEvent.Kind.CREATED).update(at=task.received_at)
    inbox.lead_reminders_scan()  # the old unhandled ones: en souffrance now
    log(f"  leads: {created} tasks, {converted} converted, key {DEMO_KEY}")
