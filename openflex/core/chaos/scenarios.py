"""The harness's data and its three scenarios: worker kills, a broker outage, terminated
database backends. The harness writes its data through the services (as the product
would); the scripted users go through gunicorn over HTTP.
"""

import contextlib
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .user import HttpUser

PASSWORD = "openflex-demo"  # noqa: S105 — the demo data's documented password
DOMAIN = "demo.openflex.test"


def token() -> str:
    return f"CHAOS-{secrets.token_hex(6)}"


@dataclass
class Dataset:
    pos_id: int
    orders: list[int]  # draft orders, paid, of the salesperson: submitted then validated
    follow_ups: list[int]  # open opportunities that the salesperson follows up by email
    neglect: list[int]  # open opportunities that the harness ages, batch by batch
    late: list[int]  # vehicles that the harness makes late, batch by batch
    batch_tokens: list[str] = field(default_factory=list)


def _vehicles(*, pos_code: int, count: int, first: int) -> list[int]:
    """``count`` vehicles in stock de vente, priced, in the point of sale, since yesterday."""
    from openflex.accounts.models import PhysicalSite
    from vehicles.demo import build_vehicle
    from vehicles.models import Parc, StandardStatus, Vehicle

    sites = list(
        PhysicalSite.objects.select_related("point_of_sale").filter(point_of_sale__code=pos_code)
    )
    rng = random.Random(first)
    now = timezone.now()
    made, n = [], first
    while len(made) < count:
        n += 1
        vehicle = build_vehicle(rng, sites, now, n)
        if vehicle.status != StandardStatus.SALES_STOCK or vehicle.parc != Parc.VO:
            continue
        vehicle.status_changed_at = now - timedelta(days=1)
        vehicle.internal_number = f"CHAOS-{n:06d}"
        made.append(vehicle)
    return [v.pk for v in Vehicle.objects.bulk_create(made)]


def _customer(i: int, pos, by):
    from opportunities.customers import services as customers
    from opportunities.customers.models import Customer

    return customers.customer_create(
        by=by,
        point_of_sale=pos,
        kind=Customer.Kind.PERSON,
        civility="M.",
        last_name=f"Chaos{i:04d}",
        first_name="Client",
        email=f"client{i:04d}@chaos.exemple.fr",
        mobile=f"06 90 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}",
        address="1 rue du Test",
        postcode="69007",
        city="Lyon",
    )


def prepare(*, orders: int, follow_ups: int, neglect: int, late: int, log) -> Dataset:
    """The scripted users' material, at Gerland (61), through the services."""
    from openflex.accounts.models import PointOfSale, User
    from opportunities.sales import services as sales
    from opportunities.sales.models import PaymentMethod
    from vehicles.models import Vehicle

    seller = User.objects.get(email=f"vendeur@{DOMAIN}")
    pos = PointOfSale.objects.get(code=61)
    vehicles = Vehicle.objects.in_bulk(_vehicles(pos_code=61, count=orders, first=900_000))
    late_ids = _vehicles(pos_code=62, count=late, first=950_000)
    order_ids, follow_up_ids, neglect_ids = [], [], []
    for i, vehicle in enumerate(vehicles.values()):
        with transaction.atomic():
            opportunity = sales.opportunity_create(
                customer=_customer(i, pos, seller),
                salesperson=seller,
                point_of_sale=pos,
                by=seller,
                title="Chaos",
            )
            offer = sales.offer_create(vehicle=vehicle, by=seller, opportunity=opportunity)
            offer = sales.offer_validate(offer=offer, by=seller)
            order = sales.order_create(offer=offer, by=seller)
            sales.order_payment_update(
                order=order,
                by=seller,
                balance_method=PaymentMethod.TRANSFER,
                deposit_amount=Decimal("1000.00"),
                deposit_method=PaymentMethod.CHEQUE,
                deposit_not_online=True,
                delivery_date=(timezone.now() + timedelta(days=21)).date(),
            )
            order_ids.append(order.pk)
    for i in range(orders, orders + follow_ups + neglect):
        opportunity = sales.opportunity_create(
            customer=_customer(i, pos, seller), salesperson=seller, point_of_sale=pos, by=seller
        )
        (follow_up_ids if len(follow_up_ids) < follow_ups else neglect_ids).append(opportunity.pk)
    log(
        f"  prepared {len(order_ids)} draft orders, {len(follow_up_ids)} opportunities to "
        f"follow up, {len(neglect_ids)} to neglect, {len(late_ids)} vehicles to make late"
    )
    return Dataset(pos.pk, order_ids, follow_up_ids, neglect_ids, late_ids)


# --- scenario 1: worker kills ---------------------------------------------------------------


def email_batch(*, size: int) -> str:
    """``size`` emails in one transaction, each with the batch's token in its subject."""
    from openflex.notifications.services import email_send

    mark = token()
    with transaction.atomic():
        for i in range(size):
            email_send(
                to=f"destinataire{i:03d}@chaos.exemple.fr",
                subject=f"Lot {mark} n° {i:03d}",
                template="opportunities/follow_up",
                context={
                    "customer": None,
                    "message": f"{mark} message {i}",
                    "salesperson": None,
                    "point_of_sale": None,
                },
                kind="chaos_batch",
            )
    return mark


def periodic_work(dataset: Dataset, *, step: int, per_step: int) -> None:
    """Age a slice of opportunities past the neglect delay and of vehicles past their
    maximum stay, then ask for both scans (beat asks too: they must not collide)."""
    from opportunities.sales.models import Opportunity, SalesSettings
    from opportunities.sales.tasks import opportunities_neglect_scan_task
    from vehicles.models import Vehicle
    from vehicles.tasks import delay_scan_task

    days = SalesSettings.current().neglect_days + 1
    opportunities = dataset.neglect[step * per_step : (step + 1) * per_step]
    vehicles = dataset.late[step * per_step : (step + 1) * per_step]
    Opportunity.objects.filter(pk__in=opportunities).update(
        created_at=F("created_at") - timedelta(days=days)
    )
    Vehicle.objects.filter(pk__in=vehicles).update(
        status_changed_at=timezone.now() - timedelta(days=400)
    )
    for task in (opportunities_neglect_scan_task, delay_scan_task):
        with contextlib.suppress(Exception):  # beat asks again in a few seconds
            task.delay()


def worker_kills(ctx, *, kills: int, batches: int, batch_size: int) -> dict:
    """Kill the worker (SIGKILL) ``kills`` times while it delivers batches of emails and
    runs the scans; half of the kills wait for an SMTP exchange under way."""
    stack, sink, dataset, log = ctx.stack, ctx.sink, ctx.dataset, ctx.log
    rng = random.Random(kills * 7919 + batches)
    every = max(1, kills // max(batches, 1))
    kills_in_smtp, done_batches, started = 0, 0, time.monotonic()
    for i in range(kills):
        if not stack.alive("worker"):
            stack.worker_start()
        if i % every == 0 and done_batches < batches:
            dataset.batch_tokens.append(email_batch(size=batch_size))
            periodic_work(dataset, step=done_batches, per_step=max(1, len(dataset.neglect) // 10))
            done_batches += 1
        time.sleep(rng.uniform(0.2, 1.5))
        if i % 2 == 0:  # wait (a little) for a message between DATA and the "250"
            deadline = time.monotonic() + 3
            while sink.replying == 0 and time.monotonic() < deadline:
                time.sleep(0.002)
        in_smtp = sink.busy()
        kills_in_smtp += in_smtp
        stack.worker_kill()
        ctx.crash_times.append(time.time())
        log(f"  kill {i + 1}/{kills}{' (inside an SMTP exchange)' if in_smtp else ''}")
        stack.beat_ensure()
        stack.worker_start()
    while done_batches < batches:  # fewer kills than batches: the rest without kills
        dataset.batch_tokens.append(email_batch(size=batch_size))
        done_batches += 1
    return {
        "kills": kills,
        "kills_inside_smtp": kills_in_smtp,
        "email_batches": done_batches,
        "emails_enqueued": done_batches * batch_size,
        "seconds": round(time.monotonic() - started, 1),
    }


# --- scenarios 2 and 3: a scripted user while the broker or the database fail -----------------


class Journey(threading.Thread):
    """The salesperson submits orders and follows customers up, sometimes asks for a
    trade-in estimate; the sales manager validates the orders. A 5xx is retried once,
    as a person would."""

    def __init__(self, ctx, scenario: str, pause: float = 0.3):
        super().__init__(daemon=True, name=f"journey-{scenario}")
        self.ctx, self.scenario, self.pause = ctx, scenario, pause
        self.stopping = threading.Event()
        base = ctx.stack.base_url
        self.seller = HttpUser(base, f"vendeur@{DOMAIN}", PASSWORD, ctx.responses, scenario)
        self.manager = HttpUser(
            base, f"chef-des-ventes@{DOMAIN}", PASSWORD, ctx.responses, scenario
        )
        self.actions = 0
        self.error = ""

    def _act(self, user: HttpUser, action: str, target: str, path: str, data=None) -> int:
        status = user.act(action, target, path, data)
        self.actions += 1
        if status >= 500 or status == 0:
            time.sleep(1)
            status = user.act(action, target, path, data)
            self.actions += 1
        time.sleep(self.pause)
        return status

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 — reported by the harness
            self.error = f"{type(exc).__name__}: {exc}"

    def _run(self) -> None:
        ctx, dataset = self.ctx, self.ctx.dataset
        for user in (self.seller, self.manager):
            for _attempt in range(5):
                if user.login():
                    break
                time.sleep(1)
        n = 0
        while not self.stopping.is_set() and dataset.orders:
            order = dataset.orders.pop(0)
            ctx.journey_orders.append(order)
            self._act(self.seller, "submit", str(order), f"/commandes/{order}/action/submit/", {})
            self._act(
                self.manager, "validate", str(order), f"/commandes/{order}/action/validate/", {}
            )
            opportunity = dataset.follow_ups[n % len(dataset.follow_ups)]
            mark = token()
            self._act(
                self.seller,
                "follow_up",
                mark,
                f"/opportunites/{opportunity}/relance/",
                {"message": f"{mark} Bonjour, avez-vous pu réfléchir à notre proposition ?"},
            )
            if n % 3 == 0:
                mark = token()
                self._act(
                    self.seller,
                    "tradein",
                    mark,
                    "/reprises/demande/",
                    {
                        "point_of_sale": dataset.pos_id,
                        "destination": "particulier",
                        "brand": "Renault",
                        "model": f"Clio {mark}",
                        "energy": "essence",
                        "mileage": "68000",
                        "estimate": "7900",
                        "requested_value": "8500",
                        "proposed_value": "7200",
                    },
                )
            n += 1


def broker_outage(ctx, *, seconds: float) -> dict:
    """Redis disappears (SIGKILL) for ``seconds`` while the users work, then comes back
    from its append-only file."""
    journey = Journey(ctx, "broker_outage")
    started = time.monotonic()
    journey.start()
    time.sleep(3)
    ctx.stack.redis_kill()
    ctx.log(f"  Redis stopped for {seconds:.0f} s")
    time.sleep(seconds)
    ctx.stack.redis_start()
    ctx.log("  Redis back")
    time.sleep(8)
    journey.stopping.set()
    journey.join(120)
    ctx.stack.beat_ensure()
    if not ctx.stack.alive("worker"):
        ctx.log("  the worker had stopped during the outage: restarted")
        ctx.worker_deaths += 1
        ctx.stack.worker_start()
    return {
        "outage_seconds": seconds,
        "requests": journey.actions,
        "journey_error": journey.error,
        "seconds": round(time.monotonic() - started, 1),
    }


def terminate_backends() -> int:
    """``pg_terminate_backend`` on every backend of the harness's database but its own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def backends_terminated(ctx, *, sweeps: int) -> dict:
    journey = Journey(ctx, "backends_terminated")
    started = time.monotonic()
    journey.start()
    terminated = []
    for _sweep in range(sweeps):
        time.sleep(3)
        terminated.append(terminate_backends())
        ctx.crash_times.append(time.time())
        ctx.log(f"  terminated {terminated[-1]} PostgreSQL backends")
    time.sleep(5)
    journey.stopping.set()
    journey.join(120)
    return {
        "sweeps": sweeps,
        "backends_terminated": terminated,
        "requests": journey.actions,
        "journey_error": journey.error,
        "seconds": round(time.monotonic() - started, 1),
    }
