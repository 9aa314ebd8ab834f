"""S-3, X-1: expiry and reminders are stored dates applied by idempotent periodic scans
(two runs, or two workers, act once). A frozen clock (``now=``)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from openflex.notifications.models import OutboundEmail
from signatures.requests import services
from signatures.requests.models import SignatureRequest, SignatureSettings
from signatures.signals import signature_status_changed
from tests.signatures.factories import make_request
from tests.vehicles.factories import local_days_ago

pytestmark = pytest.mark.django_db
S = SignatureRequest.Status


@pytest.fixture
def schedule():
    SignatureSettings.objects.update_or_create(
        pk=1,
        defaults={
            "expiry_days": 10,
            "reminder_after_days": 2,
            "reminder_every_days": 3,
            "reminder_max": 2,
        },
    )


def _reminders(request) -> int:
    return OutboundEmail.objects.filter(kind="signature_reminder", to=request.email).count()


def test_reminders_after_n_days_every_m_days_at_most_k(schedule):
    t0 = local_days_ago(0)
    request = make_request(now=t0)
    assert request.next_reminder_at == t0 + timedelta(days=2)
    assert services.signature_reminders_send_due(now=t0 + timedelta(days=1)) == 0
    assert services.signature_reminders_send_due(now=t0 + timedelta(days=2)) == 1
    # The same moment again: nothing more (idempotent).
    assert services.signature_reminders_send_due(now=t0 + timedelta(days=2)) == 0
    assert services.signature_reminders_send_due(now=t0 + timedelta(days=4)) == 0
    assert services.signature_reminders_send_due(now=t0 + timedelta(days=5)) == 1
    # At most two.
    assert services.signature_reminders_send_due(now=t0 + timedelta(days=8)) == 0
    request.refresh_from_db()
    assert request.reminders_sent == 2 and request.next_reminder_at is None
    assert _reminders(request) == 2
    assert request.events.filter(kind="reminder").count() == 2


def test_no_reminder_for_a_signed_request(schedule):
    t0 = local_days_ago(0)
    request = make_request(now=t0)
    services.signature_request_refuse(request=request, client=services.Client(), now=t0)
    assert services.signature_reminders_send_due(now=t0 + timedelta(days=3)) == 0


def test_expiry_scan_is_idempotent(schedule):
    t0 = local_days_ago(0)
    request = make_request(now=t0)
    changes = []

    def listener(sender, request, from_status, to_status, **kwargs):
        changes.append(to_status)

    signature_status_changed.connect(listener)
    try:
        assert (
            services.signature_requests_expire_due(now=request.expires_at - timedelta(seconds=1))
            == 0
        )
        assert services.signature_requests_expire_due(now=request.expires_at) == 1
        assert services.signature_requests_expire_due(now=request.expires_at) == 0
        assert (
            services.signature_requests_expire_due(now=request.expires_at + timedelta(days=1)) == 0
        )
    finally:
        signature_status_changed.disconnect(listener)
    request.refresh_from_db()
    assert request.status == S.EXPIRED and changes == [S.EXPIRED]


def test_an_en_erreur_request_expires_too(schedule):
    t0 = local_days_ago(0)
    request = make_request(now=t0)
    services.signature_request_fail(request=request, error="SMTP")
    assert services.signature_requests_expire_due(now=request.expires_at) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_send_one_reminder(schedule):
    """Two scans at the same moment in two connections: one reminder."""
    t0 = local_days_ago(0)
    request = make_request(now=t0)
    due = t0 + timedelta(days=2)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(services.signature_reminders_send_due(now=due))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [0, 1]
    assert _reminders(request) == 1


def test_the_scans_are_in_the_beat_schedule():
    from django.conf import settings

    from openflex.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in (
        "signatures.requests.tasks.signatures_expire_task",
        "signatures.requests.tasks.signatures_remind_task",
    ):
        assert name in tasks
        assert name in app.tasks
