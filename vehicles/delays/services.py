"""Status delay alerts (V-9): snooze, switch off, next status, the periodic scan, the
late list sent by email."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openflex.accounts.models import User
from openflex.core.jobs import job_lock
from openflex.notifications.services import (
    NotificationDraft,
    email_send,
    notifications_create_many,
)
from openflex.outbox.services import effect_enqueue, effect_key

from .. import lifeline
from ..models import DelayNotice, Vehicle, VehicleEvent
from ..services.base import check_configuration_right, check_reason, lock
from ..services.events import vehicle_event_record
from ..services.lifeline import vehicle_status_change
from . import rows, selectors
from .filters import late_filter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@transaction.atomic
def vehicle_delay_snooze(*, vehicle: Vehicle, by, until, reason: str = "") -> Vehicle:
    """Switch the vehicle's delay alert off until ``until`` (a future date), with a reason."""
    check_configuration_right(by)
    reason = check_reason(reason)
    if until is None or until <= timezone.localdate():
        raise ValidationError({"until": _("Choisissez une date future.")})
    vehicle = lock(vehicle)
    vehicle.delay_snoozed_until, vehicle.delay_reason = until, reason
    vehicle.save(update_fields=["delay_snoozed_until", "delay_reason", "updated_at"])
    DelayNotice.objects.filter(vehicle=vehicle).delete()  # late again after it: notify again
    message = _("Alerte de retard coupée jusqu'au %s") % until.strftime("%d/%m/%Y")
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.ALERT,
        by=by,
        message=message + (f" — {reason}" if reason else ""),
        data={"until": until.isoformat(), "reason": reason},
    )
    return vehicle


@transaction.atomic
def vehicle_delay_alerts_set(*, vehicle: Vehicle, by, off: bool) -> Vehicle:
    """The vehicle page's checkbox "Ne plus être alerté du retard de ce véhicule"."""
    check_configuration_right(by)
    vehicle = lock(vehicle)
    if vehicle.delay_alerts_off != off:
        vehicle.delay_alerts_off = off
        vehicle.save(update_fields=["delay_alerts_off", "updated_at"])
        vehicle_event_record(
            vehicle=vehicle,
            kind=VehicleEvent.Kind.ALERT,
            by=by,
            message=_("Alertes de retard désactivées pour ce véhicule")
            if off
            else _("Alertes de retard réactivées pour ce véhicule"),
        )
    return vehicle


def vehicle_delay_next_status(*, vehicle: Vehicle, by, to: str, reason: str = "") -> Vehicle:
    """ "Gérer le statut": declare the next status; the reason of the delay goes with it."""
    moves = {m.status.code: m for m in lifeline.allowed_moves(vehicle)}
    if to in moves and moves[to].backward:
        raise ValidationError({"to": _("Choisissez un statut suivant.")})
    return vehicle_status_change(vehicle=vehicle, to=to, by=by, reason=reason)


DIGEST_MAX_ROWS = 100


def delay_scan(*, now=None) -> dict[str, int]:
    """Notify the fleet managers of the vehicles that became late since the last run.

    One in-app notification and one digest email per person. Set-based: newly late
    vehicles (late, without a notice for their current status stay) are read in one
    query and their notices written in bulk, under the job's lock, so that a second
    run, or a second worker at the same time, sends nothing twice.
    """
    now = now or timezone.now()
    with job_lock("vehicles-delay-scan") as acquired:
        if not acquired:
            return {"vehicles": 0, "recipients": 0}
        rules = selectors.delay_rules()
        if not rules:
            return {"vehicles": 0, "recipients": 0}
        notified = DelayNotice.objects.filter(
            vehicle=OuterRef("pk"), status_changed_at=OuterRef("status_changed_at")
        )
        newly_late = Vehicle.objects.filter(selectors.late_condition(rules, now)).exclude(
            Exists(notified)
        )
        claimed = list(
            newly_late.order_by("status_changed_at").values_list(
                "number",
                "point_of_sale_id",
                "brand",
                "model",
                "registration",
                "status",
                "status_changed_at",
            )
        )
        if not claimed:
            return {"vehicles": 0, "recipients": 0}
        _delay_notices_write(newly_late, now)

        by_pos: dict[int, list[tuple]] = {}
        for row in claimed:
            by_pos.setdefault(row[1], []).append(row)
        managers = (
            User.objects.filter(is_active=True, points_of_sale__in=list(by_pos))
            .filter(
                Q(user_permissions__codename="change_vehicle_configuration")
                | Q(groups__permissions__codename="change_vehicle_configuration")
            )
            .values_list("pk", "email", "first_name", "points_of_sale")
            .distinct()
        )
        per_user: dict[int, dict] = {}
        for pk, email, first_name, pos_id in managers:
            entry = per_user.setdefault(pk, {"email": email, "first_name": first_name, "rows": {}})
            for row in by_pos.get(pos_id, []):
                entry["rows"][row[0]] = row
        labels = lifeline.status_labels()
        url = reverse("vehicles:late_list")
        notifications = []
        for pk, entry in per_user.items():
            rows = sorted(entry["rows"].values(), key=lambda r: r[6])
            count = len(rows)
            title = ngettext(
                "%(n)s véhicule en retard dans son statut",
                "%(n)s véhicules en retard dans leur statut",
                count,
            ) % {"n": count}
            notifications.append((pk, title))
            email_send(
                to=entry["email"],
                kind="late_vehicles_digest",
                template="vehicles/late_digest",
                subject=title,
                context={
                    "first_name": entry["first_name"],
                    "count": count,
                    "vehicles": [
                        {
                            "number": r[0],
                            "name": f"{r[2]} {r[3]}",
                            "registration": r[4],
                            "status": labels.get(r[5], r[5]),
                            "since": r[6],
                        }
                        for r in rows[:DIGEST_MAX_ROWS]
                    ],
                    "more": max(0, count - DIGEST_MAX_ROWS),
                    "url": url,
                },
            )
        _notify_bulk(notifications, url)
    return {"vehicles": len(claimed), "recipients": len(per_user)}


def _delay_notices_write(newly_late, now) -> None:
    """One INSERT … SELECT (upsert) of the notices, whatever the number of vehicles."""
    select_sql, params = (
        newly_late.order_by().values("number", "status_changed_at").query.sql_with_params()
    )
    table = connection.ops.quote_name(DelayNotice._meta.db_table)
    # "WHERE 1 = 1" lets SQLite parse an upsert whose source is a SELECT.
    sql = (
        f"INSERT INTO {table} (vehicle_id, status_changed_at, notified_at) "  # noqa: S608 — compiled by the ORM, values bound
        f"SELECT newly_late.number, newly_late.status_changed_at, %s "
        f"FROM ({select_sql}) AS newly_late WHERE 1 = 1 "
        "ON CONFLICT (vehicle_id) DO UPDATE SET "
        "status_changed_at = excluded.status_changed_at, notified_at = excluded.notified_at"
    )
    now_param = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [now_param, *params])


def _notify_bulk(notifications: list[tuple[int, str]], url: str) -> None:
    notifications_create_many(
        drafts=[
            NotificationDraft(recipient_id=pk, kind="late_vehicles", title=title, url=url)
            for pk, title in notifications
        ]
    )


LATE_LIST_EFFECT = "vehicles.late_list_send"


def late_list_send_request(*, sender_id: int, recipient_ids: list[int], query: str) -> None:
    """ "Envoyer par email" (V-9): the XLSX is built and sent by the outbox, after commit."""
    effect_enqueue(
        kind=LATE_LIST_EFFECT,
        key=effect_key("late-list", sender_id),
        payload={"sender_id": sender_id, "recipient_ids": recipient_ids, "query": query},
    )


@transaction.atomic
def late_list_send(*, sender_id: int, recipient_ids: list[int], query: str) -> int:
    """Build the XLSX of the filtered list once and email it to each recipient."""
    sender = User.objects.get(pk=sender_id)
    filterset, rules, labels = late_filter(sender, QueryDict(query))
    relative = Path("exports") / f"vehicules-en-retard-{uuid.uuid4().hex}.xlsx"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fileobj:
        count = rows.write_late_xlsx(
            rows.late_rows(filterset.qs, rules=rules, labels=labels), fileobj
        )
    link = f"{settings.SITE_URL}{reverse('vehicles:late_list')}?{query}"
    sent = 0
    for recipient in User.objects.filter(pk__in=recipient_ids, is_active=True):
        email_send(
            to=recipient.email,
            recipient=recipient,
            kind="late_vehicles_list",
            template="vehicles/late_list",
            subject=_("Véhicules en retard : liste envoyée par %s") % sender.get_full_name(),
            context={"sender": sender, "count": count, "link": link, "recipient": recipient},
            attachments=[
                {
                    "filename": f"vehicules-en-retard-{timezone.localdate():%Y%m%d}.xlsx",
                    "path": str(relative),
                    "mimetype": XLSX,
                }
            ],
        )
        sent += 1
    return sent
