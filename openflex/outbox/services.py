"""Writes of the outbox: record an effect, run it, sweep what is left (X-1).

``effect_enqueue`` is called inside the transaction of the change; after the commit a
best-effort dispatch hands the effect to the broker (a broker outage is logged, never
a 500); ``effects_sweep`` (beat, every minute) runs whatever is due, including effects
whose worker died while running them. Handlers run outside any transaction, so a crash
can make an effect run again: each handler is idempotent (emails keep their Message-ID).
"""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import KombuError

from .models import Effect
from .registry import backoff, kind_get

logger = logging.getLogger(__name__)

# An effect "running" for longer than this was abandoned by a dead worker (the longest
# task is capped at 5 minutes by CELERY_TASK_TIME_LIMIT). ``settings.OUTBOX_LEASE``
# overrides it (the chaos harness shortens it with the time limits).
LEASE = timedelta(minutes=10)
MAX_ERROR = 2000
# Writes that record what a side effect did are tried this many times (see below).
RECORD_ATTEMPTS = 3


def _lease() -> timedelta:
    return getattr(settings, "OUTBOX_LEASE", LEASE)


def record_after_effect(write: Callable[[], Any]) -> Any:
    """Record what a side effect did, once it happened (an email accepted by the SMTP
    server, a provider's answer), even if the database connection died meanwhile.

    The exchange leaves the connection idle: PostgreSQL may have restarted or terminated
    the backend before the write, which would then fail and leave the effect to be done
    a second time. Outside a transaction, the write is tried again on a new connection;
    ``write`` must be idempotent (a commit may have happened before the connection died).
    """
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            return write()
        except (OperationalError, InterfaceError) as exc:
            if attempt == RECORD_ATTEMPTS or connection.in_atomic_block:
                raise
            logger.warning("database connection lost while recording an effect: %s", exc)
            connection.close()
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def effect_key(*parts) -> str:
    """A key for an effect whose cause is one transaction (the row exists only if it
    commits): the cause's name and ids, plus a unique suffix."""
    return ":".join([*(str(p) for p in parts), uuid.uuid4().hex])[:200]


def effect_enqueue(*, kind: str, key: str, payload: dict | None = None) -> None:
    """Record a side effect in the caller's transaction; the same key is one effect."""
    kind_get(kind)  # an unknown kind is a programming error: fail before anything is saved
    Effect.objects.bulk_create(
        [Effect(kind=kind, key=key[:200], payload=payload or {})], ignore_conflicts=True
    )
    transaction.on_commit(partial(effect_dispatch, key=key[:200]), robust=True)


def effect_dispatch(*, key: str) -> bool:
    """Hand an effect to the broker; when it does not answer, the sweep will run it."""
    from .tasks import effect_run_task

    try:
        effect_run_task.delay(key)
    except (KombuError, OSError) as exc:
        logger.warning("broker unavailable, effect %s left to the sweep: %s", key, exc)
        return False
    return True


def _claim(key: str, now) -> Effect | None:
    with transaction.atomic():
        effect = Effect.objects.select_for_update(skip_locked=True).filter(key=key).first()
        if effect is None:
            return None  # another worker holds it
        due = (effect.status == Effect.Status.PENDING and effect.available_at <= now) or (
            effect.status == Effect.Status.RUNNING and effect.started_at < now - _lease()
        )
        if not due:
            return None
        effect.start()
        effect.attempts += 1
        effect.started_at = now
        effect.save(update_fields=["status", "attempts", "started_at"])
    return effect


def effect_run(*, key: str) -> str | None:
    """Run one effect if it is due. Returns its status afterwards, None if not claimed."""
    now = timezone.now()
    effect = _claim(key, now)
    if effect is None:
        return None
    kind = kind_get(effect.kind)
    try:
        if kind.atomic:
            with transaction.atomic():
                kind.handler(effect.payload)
                return _record_success(effect.pk)
        kind.handler(effect.payload)
    except Exception as exc:  # recorded on the row: the effect is retried, then failed
        logger.warning("effect %s attempt %s failed: %s", key, effect.attempts, exc)
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
        return record_after_effect(lambda: _record_failure(effect.pk, kind, error))
    return record_after_effect(lambda: _record_success_atomic(effect.pk))


def _record_success_atomic(pk: int) -> str:
    with transaction.atomic():
        return _record_success(pk, again=True)


def _record_success(pk: int, *, again: bool = False) -> str:
    """Mark done. In the transaction of an atomic handler, an effect already done (by a
    worker that took it back after the lease) raises, so that its work rolls back; after
    a non-atomic handler (``again``), done already means recorded before a lost
    connection."""
    effect = Effect.objects.select_for_update().get(pk=pk)
    if again and effect.status == Effect.Status.DONE:
        return effect.status
    effect.succeed()
    effect.done_at = timezone.now()
    effect.error = ""
    effect.save(update_fields=["status", "done_at", "error"])
    return effect.status


def _record_failure(pk: int, kind, error: str) -> str:
    with transaction.atomic():
        effect = Effect.objects.select_for_update().get(pk=pk)
        if effect.status != Effect.Status.RUNNING:  # recorded before a lost connection
            return effect.status
        effect.error = error
        if effect.attempts >= kind.max_attempts:
            effect.fail()
            if kind.on_failure is not None:
                kind.on_failure(effect.payload, error)
        else:
            effect.postpone()
            effect.available_at = timezone.now() + backoff(effect.attempts)
        effect.save(update_fields=["status", "error", "available_at"])
    return effect.status


def effect_requeue(*, key: str) -> bool:
    """An administrator asks again for a failed effect (e.g. "Renvoyer" on an email)."""
    with transaction.atomic():
        effect = Effect.objects.select_for_update().filter(key=key).first()
        if effect is None or effect.status != Effect.Status.FAILED:
            return False
        effect.requeue()
        effect.attempts = 0
        effect.available_at = timezone.now()
        effect.save(update_fields=["status", "attempts", "available_at"])
        transaction.on_commit(partial(effect_dispatch, key=key), robust=True)
    return True


def effects_due(*, now=None, limit: int = 500) -> list[str]:
    now = now or timezone.now()
    return list(
        Effect.objects.filter(
            Q(status=Effect.Status.PENDING, available_at__lte=now)
            | Q(status=Effect.Status.RUNNING, started_at__lt=now - _lease())
        )
        .order_by("available_at", "pk")
        .values_list("key", flat=True)[:limit]
    )


def effects_sweep(*, budget_seconds: float = 50.0, limit: int = 500) -> int:
    """Run the due effects in this process until the time budget is spent (beat)."""
    deadline = time.monotonic() + budget_seconds
    done = 0
    for key in effects_due(limit=limit):
        if time.monotonic() > deadline:
            break
        if effect_run(key=key) is not None:
            done += 1
    return done


# Done effects are kept a week for the record (what was sent, when), then forgotten:
# their payloads may carry personal data (an email address typed in a reset form).
KEEP_DONE = timedelta(days=7)


def effects_purge(*, now=None) -> int:
    """Delete the effects done more than a week ago (beat, every night). Failed ones stay
    until an administrator looks at them."""
    cutoff = (now or timezone.now()) - KEEP_DONE
    deleted, _ = Effect.objects.filter(status=Effect.Status.DONE, done_at__lt=cutoff).delete()
    return deleted
