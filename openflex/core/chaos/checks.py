"""What the harness checks once the system has settled: nothing lost, nothing twice.

The counting is pure (functions over plain rows, tested in ``tests/core``); ``gather``
reads the rows from the database and the sink and calls them.

- *lost*: an effect not done; an email not sent or never received by the sink; a
  validated order whose vehicle is not in livraison, or without its notification, email,
  vehicle event; a follow-up saved without its email; a trade-in request without its
  validators' notifications and emails; a neglected opportunity without its alert.
- *duplicates*: a row twice for one cause (notification, email, vehicle move, event); a
  message received under two Message-IDs; a resend that no crash explains.
- *resends*: a message received again under the same Message-ID, after a crash inside its
  SMTP exchange (its record then says attempts > 1): allowed, counted and explained.
- *5xx after commit*: an answer >= 500 although the action it carried was saved.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Findings:
    lost: Counter = field(default_factory=Counter)
    duplicates: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, bucket: str, what: str, count: int, example: str = "") -> None:
        if count <= 0:
            return
        getattr(self, bucket)[what] += count
        if example and len(self.examples) < 40:
            self.examples.append(f"{bucket} {what}: {example}")


def per_cause(findings: Findings, what: str, expected: dict, actual: Counter) -> None:
    """``expected[cause]`` rows should exist for each cause; fewer is lost, more twice."""
    for cause, wanted in expected.items():
        have = actual.get(cause, 0)
        findings.add("lost", what, max(0, wanted - have), f"{cause}: {have}/{wanted}")
        findings.add("duplicates", what, max(0, have - wanted), f"{cause}: {have}/{wanted}")


@dataclass(frozen=True)
class EmailRow:
    pk: int
    message_id: str
    status: str
    attempts: int
    token: str = ""


def email_findings(
    findings: Findings, rows: Iterable[EmailRow], received: Iterable, crashes: Iterable[float]
) -> dict:
    """Every email sent and received at least once; a resend keeps its Message-ID, follows
    a crash (a worker killed, a database backend terminated) and is counted by its
    record's attempts."""
    rows, received, crashes = list(rows), list(received), sorted(crashes)
    times: dict[str, list[float]] = {}
    for message in received:
        times.setdefault(message.message_id, []).append(message.at)
    by_id = {row.message_id: row for row in rows if row.message_id}
    for row in rows:
        if row.status != "sent":
            findings.add("lost", "email not sent", 1, f"email {row.pk} is {row.status}")
        elif row.message_id not in times:
            findings.add("lost", "email not received", 1, f"email {row.pk} {row.message_id}")
    resends, explained = 0, 0
    for message_id, at in times.items():
        if len(at) < 2:
            continue
        resends += len(at) - 1
        row = by_id.get(message_id)
        first, last = min(at), max(at)
        after_crash = any(first <= crash <= last for crash in crashes)
        if row is not None and row.attempts > 1 and after_crash:
            explained += len(at) - 1
        else:
            why = "no record" if row is None else f"attempts={row.attempts}, crash={after_crash}"
            findings.add("duplicates", "email resent unexplained", len(at) - 1, why)
    ids_per_token: dict[str, set] = {}
    for message in received:
        if message.token:
            ids_per_token.setdefault(
                f"{message.token} {message.subject} → {message.to}", set()
            ).add(message.message_id)
    for key, ids in ids_per_token.items():
        findings.add("duplicates", "email received under two Message-IDs", len(ids) - 1, key)
    return {"email_resends": resends, "email_resends_explained": explained}


def saved_by(response, saved_at: Iterable[float]) -> bool:
    """The request's own transaction saved its action: a saved row's time falls within
    the time the request took (a retry after it is another window)."""
    return any(response.at <= t <= response.at + response.seconds for t in saved_at)


def errors_after_commit(responses: Iterable, saved: dict[tuple[str, str], list[float]]) -> list:
    return [
        r for r in responses if r.status >= 500 and saved_by(r, saved.get((r.action, r.target), ()))
    ]


# --- reading the rows ------------------------------------------------------------------------


def gather(*, dataset, responses, received, crashes, journey_orders) -> tuple[Findings, dict]:
    from django.db.models import Count

    from openflex.accounts.selectors import users_with_right
    from openflex.notifications.models import Notification, OutboundEmail
    from openflex.outbox.models import Effect
    from opportunities.sales.models import OpportunityEvent, Order, OrderEvent
    from opportunities.tradeins.models import TradeIn
    from opportunities.tradeins.selectors import tradein_validators_for
    from vehicles.models import StandardStatus, VehicleEvent

    from .sink import TOKEN

    findings = Findings()
    for effect in Effect.objects.exclude(status=Effect.Status.DONE):
        findings.add(
            "lost", "effect not done", 1, f"{effect.key} {effect.status} {effect.error[:120]}"
        )
    twice = Effect.objects.values("key").annotate(n=Count("pk")).filter(n__gt=1).count()
    findings.add("duplicates", "effect key twice", twice)

    emails = list(OutboundEmail.objects.values_list("pk", "message_id", "status", "attempts"))
    email_figures = email_findings(findings, [EmailRow(*row) for row in emails], received, crashes)

    # Batches: each subject once.
    subjects = Counter(
        OutboundEmail.objects.filter(kind="chaos_batch").values_list("subject", flat=True)
    )
    size = max(1, len(subjects) // max(1, len(dataset.batch_tokens)))
    per_cause(findings, "batch email", dict.fromkeys(subjects, 1), subjects)
    batch_counts = Counter(TOKEN.search(s).group(0) for s in subjects.elements())
    per_cause(findings, "batch", dict.fromkeys(dataset.batch_tokens, size), batch_counts)

    # Orders of the journeys: submitted → validators told; validated → vehicle moved once,
    # salesperson told once (notification and email).
    orders = Order.objects.filter(pk__in=journey_orders).select_related("vehicle")
    validators = users_with_right("validate_orders", points_of_sale=[dataset.pos_id]).count()
    submitted = [o for o in orders if o.status != Order.Status.DRAFT]
    validated = [o for o in orders if o.status in Order.VALIDATED]
    urls = {o.pk: f"/commandes/{o.pk}/" for o in orders}
    notified = Counter(
        Notification.objects.filter(kind__in=["order_to_validate", "order_decided"]).values_list(
            "kind", "url"
        )
    )
    per_cause(
        findings,
        "order_to_validate notification",
        {("order_to_validate", urls[o.pk]): validators for o in submitted},
        notified,
    )
    per_cause(
        findings,
        "order_decided notification",
        {("order_decided", urls[o.pk]): 1 for o in validated},
        notified,
    )
    decided = Counter(
        OutboundEmail.objects.filter(kind="order_decided").values_list("subject", flat=True)
    )
    per_cause(
        findings,
        "order_decided email",
        {f"Commande n° {o.pk} validée": 1 for o in validated},
        decided,
    )
    for order in validated:
        if order.vehicle.status != StandardStatus.DELIVERY:
            findings.add("lost", "vehicle move", 1, f"order {order.pk}: {order.vehicle.status}")
    moves = Counter(
        VehicleEvent.objects.filter(
            vehicle_id__in=[o.vehicle_id for o in validated], to_status=StandardStatus.DELIVERY
        ).values_list("vehicle_id", flat=True)
    )
    per_cause(findings, "vehicle event", {o.vehicle_id: 1 for o in validated}, moves)
    order_events = Counter(
        OrderEvent.objects.filter(order_id__in=[o.pk for o in orders]).values_list(
            "order_id", "kind"
        )
    )
    for kind, among in (("submit", submitted), ("validate", validated), ("vehicle", validated)):
        per_cause(
            findings,
            f"order {kind} event",
            {(o.pk, kind): 1 for o in among},
            Counter({k: v for k, v in order_events.items() if k[1] == kind}),
        )

    # Follow-ups: one event and one email per saved request.
    follow_tokens = {r.target for r in responses if r.action == "follow_up"}
    events = Counter()
    for message in OpportunityEvent.objects.filter(
        kind=OpportunityEvent.Kind.FOLLOW_UP, message__contains="CHAOS-"
    ).values_list("message", flat=True):
        events[TOKEN.search(message).group(0)] += 1
    follow_emails = Counter()
    for body in OutboundEmail.objects.filter(
        kind="opportunity_follow_up", body_text__contains="CHAOS-"
    ).values_list("body_text", flat=True):
        follow_emails[TOKEN.search(body).group(0)] += 1
    per_cause(findings, "follow-up event", dict.fromkeys(events, 1), events)
    per_cause(findings, "follow-up email", dict.fromkeys(events, 1), follow_emails)

    # Trade-in requests: each validator notified once, by notification and email.
    tradein_tokens = {r.target for r in responses if r.action == "tradein"}
    trade_ins = list(TradeIn.objects.filter(model__contains="CHAOS-"))
    per_cause(
        findings,
        "trade-in",
        {TOKEN.search(t.model).group(0): 1 for t in trade_ins},
        Counter(TOKEN.search(t.model).group(0) for t in trade_ins),
    )
    expected_notes, expected_mails = {}, {}
    for trade_in in trade_ins:
        url = f"/reprises/{trade_in.pk}/"
        validators = tradein_validators_for(trade_in).count()
        expected_notes[url] = validators
        expected_mails[TOKEN.search(trade_in.model).group(0)] = validators
    notes = Counter(
        Notification.objects.filter(kind="tradein_request").values_list("url", flat=True)
    )
    per_cause(findings, "trade-in notification", expected_notes, notes)
    mails = Counter()
    for subject in OutboundEmail.objects.filter(
        kind="tradein_request", subject__contains="CHAOS-"
    ).values_list("subject", flat=True):
        mails[TOKEN.search(subject).group(0)] += 1
    per_cause(findings, "trade-in email", expected_mails, mails)

    # Neglected opportunities: one alert each (notification and history line).
    from opportunities.sales.models import Opportunity

    neglected = list(
        Opportunity.objects.filter(neglect_notified_at__isnull=False).values_list("pk", flat=True)
    )
    alerts = Counter(
        Notification.objects.filter(kind="opportunity_neglected").values_list("url", flat=True)
    )
    per_cause(
        findings, "neglect notification", {f"/opportunites/{pk}/": 1 for pk in neglected}, alerts
    )
    alert_events = Counter(
        OpportunityEvent.objects.filter(kind=OpportunityEvent.Kind.ALERT).values_list(
            "opportunity_id", flat=True
        )
    )
    per_cause(findings, "neglect event", dict.fromkeys(neglected, 1), alert_events)

    # 5xx: which of them had nevertheless saved their action.
    saved: dict[tuple[str, str], list[float]] = {}
    for order_id, kind, at in OrderEvent.objects.filter(
        order_id__in=journey_orders, kind__in=["submit", "validate"]
    ).values_list("order_id", "kind", "at"):
        saved.setdefault((kind, str(order_id)), []).append(at.timestamp())
    for message, at in OpportunityEvent.objects.filter(
        kind=OpportunityEvent.Kind.FOLLOW_UP, message__contains="CHAOS-"
    ).values_list("message", "at"):
        saved.setdefault(("follow_up", TOKEN.search(message).group(0)), []).append(at.timestamp())
    for trade_in in trade_ins:
        key = ("tradein", TOKEN.search(trade_in.model).group(0))
        saved.setdefault(key, []).append(trade_in.created_at.timestamp())
    after_commit = errors_after_commit(responses, saved)
    figures = {
        **email_figures,
        "journey_orders": len(journey_orders),
        "orders_submitted": len(submitted),
        "orders_validated": len(validated),
        "follow_ups_asked": len(follow_tokens),
        "follow_ups_saved": len(events),
        "tradeins_asked": len(tradein_tokens),
        "tradeins_saved": len(trade_ins),
        "neglected_opportunities": len(neglected),
        "emails_recorded": len(emails),
        "emails_received": len(list(received)),
        "effects": Effect.objects.count(),
        "responses_5xx": [
            f"{r.scenario} {r.action} {r.target} → {r.status}"
            for r in responses
            if r.status >= 500 or r.status == 0
        ],
        "responses_5xx_after_commit": [
            f"{r.scenario} {r.action} {r.target} → {r.status}" for r in after_commit
        ],
    }
    return findings, figures
