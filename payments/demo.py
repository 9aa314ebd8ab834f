"""Demo data of the e-payment (``manage.py seed_demo``), idempotent.

1. ``seed_configuration``: the sandbox provider configured at every demo point of sale
   (PAY-CORE), so that the whole journey runs on one machine (P-9).
2. Payments in every status on demo orders and the e-reservation vehicle: added below by
   the e-payments board (PAY-BOARD) as ``seed_payments`` / ``seed_ereservation``.
"""

from decimal import Decimal

from openflex.accounts.models import PointOfSale
from payments.transactions.models import Payment, PaymentConfiguration, Provider

# Demo passphrases of the sandbox merchant accounts (test data, not secrets).
DEMO_SHA_IN = "openflex-demo-sha-in-%s"
DEMO_SHA_OUT = "openflex-demo-sha-out-%s"


def seed_configuration(*, log=print) -> int:
    """The sandbox at every point of sale that has no e-payment configuration yet."""
    created = 0
    configured = set(PaymentConfiguration.objects.values_list("point_of_sale_id", flat=True))
    for pos in PointOfSale.objects.exclude(pk__in=configured).order_by("code"):
        PaymentConfiguration.objects.create(
            point_of_sale=pos,
            provider=Provider.SANDBOX,
            pspid=f"OPENFLEX{pos.code}",
            sha_in=DEMO_SHA_IN % pos.code,
            sha_out=DEMO_SHA_OUT % pos.code,
        )
        created += 1
    if created:
        log(f"payments: sandbox e-payment configured at {created} points of sale")
    return created


def seed(*, scale: int = 0, log=print) -> None:
    seed_configuration(log=log)
    seed_payments(log=log)
    seed_ereservation(log=log)
    if scale:
        seed_bulk_payments(scale=scale, log=log)


# --- PAY-BOARD: payments in every status, the e-reservation vehicle, bulk rows -------------
# Rows are inserted in their final status, as a data import would (the journeys themselves
# go through the services in the tests): nothing changes state here.

DEMO_POS_CODES = (61, 62, 63, 64)
DEMO_EVENT = "Paiement de démonstration"


def _demo_payment(*, kind, pos, vehicle, document, status, when, contact, **links):
    from openflex.core import tokens
    from payments.transactions.services.core import payment_reference

    pending = status == Payment.Status.SENT
    captured = status in (
        Payment.Status.AUTHORISED,
        Payment.Status.PAID,
        Payment.Status.TO_REFUND,
        Payment.Status.REFUNDED,
    )
    return Payment(
        kind=kind,
        vehicle=vehicle,
        point_of_sale=pos,
        entity_id=pos.entity_id,
        amount=links.pop("amount"),
        provider=Provider.SANDBOX,
        document_number=document,
        attempt=1,
        reference=payment_reference(
            entity_code=pos.entity.code, pos_code=pos.code, kind=kind, document=document, attempt=1
        ),
        status=status,
        link_nonce=tokens.link_nonce_new() if pending else "",
        link_sent_at=when,
        provider_payment_id=str(3_000_000_000 + document) if captured else "",
        status_changed_at=when,
        paid_at=when if captured else None,
        to_refund_since=when if status == Payment.Status.TO_REFUND else None,
        refunded_at=when if status == Payment.Status.REFUNDED else None,
        created_at=when,
        **contact,
        **links,
    )


def seed_payments(*, log=print) -> int:
    """One e-payment in each status on the demo orders (deposits of 1 000 €), so that the
    list, its filters and the two tiles have something to show."""
    from datetime import timedelta

    from django.utils import timezone

    from opportunities.sales.models import Order
    from payments.transactions.models import PaymentEvent

    if Payment.objects.filter(events__message=DEMO_EVENT).exists():
        return 0
    orders = list(
        Order.objects.filter(point_of_sale__code__in=DEMO_POS_CODES, payments__isnull=True)
        .select_related("opportunity__customer", "point_of_sale__entity", "vehicle")
        .order_by("pk")[: len(Payment.Status.values)]
    )
    now = timezone.now()
    made = []
    for n, (order, status) in enumerate(zip(orders, Payment.Status.values, strict=False)):
        customer = order.opportunity.customer
        contact = {
            "civility": customer.civility,
            "first_name": customer.first_name,
            "last_name": customer.last_name or customer.display_name[:80],
            "email": customer.email or f"client{customer.pk}@demo.openflex.test",
            "mobile": customer.mobile,
        }
        made.append(
            _demo_payment(
                kind=Payment.Kind.DEPOSIT,
                pos=order.point_of_sale,
                vehicle=order.vehicle,
                document=order.pk,
                status=status,
                when=now - timedelta(days=n, hours=2),
                contact=contact,
                amount=order.deposit_amount if order.deposit_amount > 0 else Decimal("1000.00"),
                order=order,
                customer=customer,
                salesperson_id=order.opportunity.salesperson_id,
            )
        )
    Payment.objects.bulk_create(made)
    PaymentEvent.objects.bulk_create(
        PaymentEvent(
            payment=p, kind=PaymentEvent.Kind.CREATED, to_status=p.status, message=DEMO_EVENT
        )
        for p in made
    )
    if made:
        log(f"payments: {len(made)} demo e-payments, one per status")
    return len(made)


def seed_ereservation(*, log=print) -> None:
    """The group's e-reservation switched on (48 h, 300 €): every published vehicle of a
    configured point of sale is open to it (its public page, ``/annonces/N/``); one of
    Lyon's is already "Réservé par un client" by a demo internet user."""
    from datetime import timedelta

    from django.utils import timezone

    from payments.ereservations.models import EReservation, EReservationSettings
    from vehicles.models import ReservationKind, Vehicle
    from vehicles.services import vehicle_reservation_set

    settings = EReservationSettings.current()
    if settings.updated_at is None:
        EReservationSettings.objects.filter(pk=settings.pk).update(
            enabled=True, duration_hours=48, amount=Decimal("300.00"), updated_at=timezone.now()
        )
    if EReservation.objects.exists():
        return
    free = Vehicle.objects.filter(
        point_of_sale__code=61, is_published=True, reservation_kind="", orders__isnull=True
    ).order_by("pk")
    open_one, held = free[:1].first(), free[1:2].first()
    if held is None:
        log("payments: no published vehicle at Lyon, e-reservation demo skipped")
        return
    now = timezone.now()
    pos = held.point_of_sale
    payment = _demo_payment(
        kind=Payment.Kind.RESERVATION,
        pos=pos,
        vehicle=held,
        document=held.pk,
        status=Payment.Status.PAID,
        when=now - timedelta(hours=3),
        contact={
            "civility": "Mme",
            "first_name": "Julie",
            "last_name": "Internaute",
            "email": "julie.internaute@demo.openflex.test",
            "mobile": "+33612345678",
        },
        amount=Decimal("300.00"),
    )
    payment.save()
    reservation = EReservation.objects.create(
        payment=payment,
        vehicle=held,
        starts_at=payment.paid_at,
        ends_at=payment.paid_at + timedelta(hours=48),
    )
    vehicle_reservation_set(
        vehicle=held,
        kind=ReservationKind.CUSTOMER,
        ends_at=reservation.ends_at,
        message="Réservé par un client (e-réservation de démonstration)",
    )
    log(
        f"payments: e-reservation on, vehicle {held.pk} reserved by a client; "
        f"open to e-reservation: /annonces/{open_one.pk if open_one else held.pk}/"
    )


def seed_bulk_payments(*, scale: int, log=print) -> int:
    """``scale`` e-payments for the list's benchmark: deposits of the bulk orders and
    e-reservations of the bulk vehicles, spread over statuses, points of sale and a year;
    nothing if already there (bulk rows carry the 99 attempt)."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from payments.transactions.services.core import payment_reference
    from vehicles.models import Vehicle

    existing = Payment.objects.filter(attempt=99).count()
    count = scale - existing
    if count <= 0:
        log(f"payments: bulk e-payments already seeded for scale {scale}")
        return 0
    rng = random.Random(scale + existing)  # noqa: S311 — demo data
    now = timezone.now()
    pos_by_pk = {p.pk: p for p in PointOfSale.objects.select_related("entity")}
    taken = set(
        Payment.objects.filter(attempt=99).values_list(
            "kind", "document_number", "point_of_sale_id"
        )
    )
    statuses = Payment.Status.values
    weights = [
        30,
        5,
        30,
        8,
        8,
        10,
        6,
        3,
    ]  # envoyé, autorisé, payé, annulé, refusé, à remb., remb., erreur
    rows = (
        Vehicle.objects.filter(point_of_sale__isnull=False)
        .values_list("pk", "point_of_sale_id")
        .order_by("pk")
        .iterator(chunk_size=5000)
    )
    batch, made = [], 0
    for vehicle_id, pos_id in rows:
        if made >= count:
            break
        key = ("reservation", vehicle_id, pos_id)
        if key in taken:
            continue
        pos = pos_by_pk[pos_id]
        status = rng.choices(statuses, weights)[0]
        when = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        captured = status in ("autorise", "paye", "a_rembourser", "rembourse")
        batch.append(
            Payment(
                kind="reservation",
                vehicle_id=vehicle_id,
                point_of_sale_id=pos_id,
                entity_id=pos.entity_id,
                civility="M." if vehicle_id % 2 else "Mme",
                first_name="Client",
                last_name=f"Bulk{vehicle_id}",
                email=f"bulk{vehicle_id}@clients.demo.openflex.test",
                mobile="+33600000000",
                amount=Decimal("300.00"),
                provider=Provider.SANDBOX,
                document_number=vehicle_id,
                attempt=99,
                reference=payment_reference(
                    entity_code=pos.entity.code,
                    pos_code=pos.code,
                    kind="reservation",
                    document=vehicle_id,
                    attempt=99,
                ),
                status=status,
                link_sent_at=when,
                status_changed_at=when,
                paid_at=when if captured else None,
                to_refund_since=when if status == "a_rembourser" else None,
                created_at=when,
            )
        )
        made += 1
        if len(batch) >= 5000:
            Payment.objects.bulk_create(batch)
            batch = []
    if batch:
        Payment.objects.bulk_create(batch)
    log(f"payments: {made} bulk e-payments (scale {scale})")
    return made
