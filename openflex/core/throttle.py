"""Rate limits counted in the database: they hold across web processes and with the
SQLite of ``make run`` (no cache server needed).

One row per (scope, key) holds the timestamps of the hits within the window (a sliding
window, exact); the row is locked while it is read and written, so concurrent requests
are counted one after the other.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes

from .models import Throttle


def _key(scope: str, value: str) -> str:
    return hmac.new(
        force_bytes(settings.SECRET_KEY), f"{scope}:{value}".encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def throttle_hit(*, scope: str, value: str, limit: int, window: timedelta) -> bool:
    """Count one hit of ``value`` if fewer than ``limit`` were counted within ``window``.

    Returns False, and counts nothing, when the limit is reached."""
    now = timezone.now()
    key = _key(scope, value)
    Throttle.objects.bulk_create(
        [Throttle(scope=scope, key=key, expires_at=now + window)], ignore_conflicts=True
    )
    row = Throttle.objects.select_for_update().get(scope=scope, key=key)
    start = (now - window).timestamp()
    hits = [t for t in row.hits if t > start]
    allowed = len(hits) < limit
    if allowed:
        hits.append(now.timestamp())
    row.hits = hits
    last = datetime.fromtimestamp(max(hits), tz=UTC) if hits else now
    row.expires_at = last + window
    row.save(update_fields=["hits", "expires_at"])
    return allowed


def throttles_purge() -> int:
    """Forget the rows whose last hit left the window (beat, nightly)."""
    deleted, _detail = Throttle.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
