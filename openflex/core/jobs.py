"""Periodic jobs run by one worker at a time (X-1: safe to run twice or concurrently)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from .models import JobLock


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Hold the job's row lock for the transaction; yields False when another holds it.

    ::

        with job_lock("delay-scan") as acquired:
            if not acquired:
                return  # another worker is running it right now
    """
    JobLock.objects.get_or_create(name=name)
    with transaction.atomic():
        lock = JobLock.objects.select_for_update(skip_locked=True).filter(name=name).first()
        if lock is None:
            yield False
            return
        yield True
        lock.last_run_at = timezone.now()
        lock.save(update_fields=["last_run_at"])
