"""Periodic scans (beat; idempotent, concurrent-safe): expiry and reminders (S-3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from signatures.requests.models import (
    SignatureRequest,
    SignatureSettings,
)
from signatures.requests.services.core import (
    Kind,
    Status,
    _send_link,
)
from signatures.requests.services.lifecycle import signature_request_expire

# --- Periodic scans (beat; idempotent, concurrent-safe) ----------------------------------


def signature_requests_expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire the open requests whose stored expiry passed. Each is claimed with
    ``skip_locked`` and checked again under the lock: two runs expire it once."""
    now = now or timezone.now()
    due = list(
        SignatureRequest.objects.filter(status__in=SignatureRequest.OPEN, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            request = (
                SignatureRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status__in=SignatureRequest.OPEN, expires_at__lte=now)
                .first()
            )
            if request is None:
                continue
            signature_request_expire(request=request, now=now)
            done += 1
    return done


def signature_reminders_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send the reminders due (S-3): after N days, every M days, at most K, never after
    the expiry. Claimed row by row with ``skip_locked``: two workers send one reminder."""
    now = now or timezone.now()
    config = SignatureSettings.current()
    due = list(
        SignatureRequest.objects.filter(
            status=Status.PENDING, next_reminder_at__lte=now, expires_at__gt=now
        )
        .order_by("next_reminder_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        with transaction.atomic():
            request = (
                SignatureRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("point_of_sale__entity")
                .filter(pk=pk, status=Status.PENDING, next_reminder_at__lte=now)
                .first()
            )
            if request is None:
                continue
            _send_link(request, by=None, now=now, kind=Kind.REMINDER)
            request.reminders_sent += 1
            following = request.next_reminder_at + timedelta(days=config.reminder_every_days)
            if request.reminders_sent >= config.reminder_max or following >= request.expires_at:
                following = None
            request.next_reminder_at = following
            request.save(update_fields=["reminders_sent", "next_reminder_at"])
            sent += 1
    return sent
