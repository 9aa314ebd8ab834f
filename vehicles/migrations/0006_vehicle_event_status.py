"""One event model per aggregate (issue 11): the lifeline's log moves into VehicleEvent.

Each VehicleStatusChange becomes the history line of the same move: the status event
written beside it (same vehicle, same from → to, within a minute) gets its
``from_status`` / ``to_status``; the vehicle's creation event gets its first status; a
move without a history line (none is expected) gets one. Migration 0007 then drops
VehicleStatusChange. Reversing writes the status changes back from the events.
"""

from datetime import timedelta

from django.db import migrations, models

BATCH = 2000
NEAR = timedelta(minutes=1)


def _changes_by_vehicle(VehicleStatusChange, vehicle_ids):
    changes = {}
    for change in (
        VehicleStatusChange.objects.filter(vehicle_id__in=vehicle_ids)
        .order_by("at", "pk")
        .iterator(chunk_size=BATCH)
    ):
        changes.setdefault(change.vehicle_id, []).append(change)
    return changes


def status_changes_to_events(apps, schema_editor):
    VehicleStatusChange = apps.get_model("vehicles", "VehicleStatusChange")
    VehicleEvent = apps.get_model("vehicles", "VehicleEvent")
    vehicle_ids = list(
        VehicleStatusChange.objects.order_by("vehicle_id")
        .values_list("vehicle_id", flat=True)
        .distinct()
    )
    for start in range(0, len(vehicle_ids), BATCH):
        ids = vehicle_ids[start : start + BATCH]
        changes = _changes_by_vehicle(VehicleStatusChange, ids)
        candidates = {}
        for event in VehicleEvent.objects.filter(
            vehicle_id__in=ids, kind__in=["status", "created"]
        ).order_by("at", "pk"):
            candidates.setdefault(event.vehicle_id, []).append(event)
        updated, created = [], []
        for vehicle_id, vehicle_changes in changes.items():
            free = candidates.get(vehicle_id, [])
            for change in vehicle_changes:
                match = None
                for event in free:
                    if abs(event.at - change.at) > NEAR:
                        continue
                    data = event.data or {}
                    if (
                        change.from_status
                        and event.kind == "status"
                        and (data.get("from"), data.get("to"))
                        == (change.from_status, change.to_status)
                    ) or (not change.from_status and event.kind == "created"):
                        match = event
                        break
                if match is not None:
                    free.remove(match)
                    match.from_status, match.to_status = change.from_status, change.to_status
                    updated.append(match)
                else:
                    created.append(
                        VehicleEvent(
                            vehicle_id=vehicle_id,
                            kind="status" if change.from_status else "created",
                            message=(
                                f"Statut : {change.from_status} → {change.to_status}"
                                if change.from_status
                                else f"Statut : {change.to_status}"
                            )
                            + (f" — {change.reason}" if change.reason else ""),
                            data={
                                "from": change.from_status,
                                "to": change.to_status,
                                "reason": change.reason,
                            },
                            at=change.at,
                            by_id=change.by_id,
                            from_status=change.from_status,
                            to_status=change.to_status,
                        )
                    )
        VehicleEvent.objects.bulk_update(updated, ["from_status", "to_status"], batch_size=BATCH)
        VehicleEvent.objects.bulk_create(created, batch_size=BATCH)


def events_to_status_changes(apps, schema_editor):
    VehicleStatusChange = apps.get_model("vehicles", "VehicleStatusChange")
    VehicleEvent = apps.get_model("vehicles", "VehicleEvent")
    batch = []
    for event in (
        VehicleEvent.objects.exclude(to_status="").order_by("pk").iterator(chunk_size=BATCH)
    ):
        batch.append(
            VehicleStatusChange(
                vehicle_id=event.vehicle_id,
                from_status=event.from_status,
                to_status=event.to_status,
                at=event.at,
                by_id=event.by_id,
                reason=(event.data or {}).get("reason", "")[:500],
            )
        )
        if len(batch) == BATCH:
            VehicleStatusChange.objects.bulk_create(batch)
            batch = []
    VehicleStatusChange.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("vehicles", "0005_monthly_payment"),
    ]

    operations = [
        migrations.AddField(
            model_name="vehicleevent",
            name="from_status",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="vehicleevent",
            name="to_status",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddIndex(
            model_name="vehicleevent",
            index=models.Index(
                condition=models.Q(("to_status", ""), _negated=True),
                fields=["vehicle", "at"],
                name="vehicle_event_status",
            ),
        ),
        migrations.RunPython(status_changes_to_events, events_to_status_changes, elidable=True),
    ]
