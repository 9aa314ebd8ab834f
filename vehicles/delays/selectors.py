"""Status delay alerts (V-9): which vehicles are late, computed as one query; who to send
the list to.

A vehicle is late when it has stayed in its status longer than the maximum stay set for
(that status, its parc, its destination), unless its alerts are off or snoozed until a
future date. Statuses from livraison on are never late (they have no maximum stay by
construction: only statuses before livraison are considered).

The maximum stays form a small table; they become one condition per (status, parc,
destination), OR-ed into the vehicle query: set-based, portable (SQLite and PostgreSQL),
and served by the (status, …) and status_changed_at indexes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.utils import timezone

from openflex.accounts.models import User
from openflex.accounts.selectors import points_of_sale_for_user

from .. import lifeline
from ..models import StatusMaxStay, Vehicle


@dataclass(frozen=True)
class Rule:
    status: str
    parc: str
    destination: str
    max_days: int


def delay_rules() -> list[Rule]:
    before_delivery = lifeline.before_delivery_status_codes()
    return [
        Rule(code, parc, destination, days)
        for code, parc, destination, days in StatusMaxStay.objects.filter(
            status__code__in=before_delivery, status__is_active=True
        ).values_list("status__code", "parc", "destination", "max_days")
    ]


def _rule_q(rule: Rule) -> Q:
    return Q(status=rule.status, parc=rule.parc, destination=rule.destination)


def late_condition(rules: list[Rule], now: datetime) -> Q:
    """The vehicles that are late at ``now`` (alerts on, not snoozed)."""
    if not rules:
        return Q(pk__in=[])
    overdue = Q()
    for rule in rules:
        overdue |= _rule_q(rule) & Q(status_changed_at__lt=now - timedelta(days=rule.max_days))
    today = timezone.localdate(now)
    return (
        overdue
        & Q(delay_alerts_off=False)
        & (Q(delay_snoozed_until__isnull=True) | Q(delay_snoozed_until__lt=today))
    )


def late_vehicles(queryset: QuerySet[Vehicle], *, rules=None, now=None) -> QuerySet[Vehicle]:
    """``queryset`` restricted to late vehicles, annotated with ``late_since`` (sortable)."""
    rules = delay_rules() if rules is None else rules
    now = now or timezone.now()
    if not rules:
        # Nothing is late; the annotation stays so that the list can still sort on it.
        return queryset.none().annotate(late_since=Value(None, output_field=DateTimeField()))
    late_since = Case(
        *[
            When(_rule_q(rule), then=F("status_changed_at") + Value(timedelta(days=rule.max_days)))
            for rule in rules
        ],
        output_field=DateTimeField(),
    )
    return queryset.filter(late_condition(rules, now)).annotate(late_since=late_since)


def days_late(late_since: datetime | None, now=None) -> int | None:
    if late_since is None:
        return None
    now = now or timezone.now()
    return max(0, (timezone.localdate(now) - timezone.localtime(late_since).date()).days)


def max_days_for(rules: list[Rule], vehicle) -> int | None:
    for rule in rules:
        if (rule.status, rule.parc, rule.destination) == (
            vehicle.status,
            vehicle.parc,
            vehicle.destination,
        ):
            return rule.max_days
    return None


def colleagues_for(user) -> QuerySet[User]:
    """Active users of the user's points of sale, the user excepted (the list's recipients)."""
    pos = points_of_sale_for_user(user).values("pk")
    return (
        User.objects.filter(is_active=True, points_of_sale__in=pos)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("last_name", "first_name")
    )
