"""A real Celery worker against Redis delivers emails and runs periodic jobs (ORG-6, X-1).

The worker runs in a thread of this process (``celery.contrib.testing``), so it shares
the locmem email outbox; it consumes a queue of its own so that another test run on
the same Redis cannot take its messages.
"""

import time
import uuid
from datetime import timedelta

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.conf import settings
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from openflex.celery import app
from openflex.notifications.models import OutboundEmail
from openflex.notifications.services import email_send
from openflex.outbox.models import Effect
from openflex.outbox.tasks import effects_sweep_task
from tests.accounts.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.xdist_group("celery"),
]


def _close_worker_connections(**kwargs):
    # The worker thread opens its own database connection: close it after each task so
    # that the test database can be flushed and dropped.
    connections.close_all()


@pytest.fixture
def worker():
    queue = f"openflex-test-{uuid.uuid4().hex[:12]}"
    saved = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_url": app.conf.broker_url,
        "task_routes": app.conf.task_routes,
    }
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    app.conf.task_routes = {"*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    signals.task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
        ) as running:
            yield running
    finally:
        signals.task_postrun.disconnect(_close_worker_connections)
        for key, value in saved.items():
            setattr(app.conf, key, value)
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
        with app.connection_for_write() as conn:  # leave nothing behind on Redis
            conn.default_channel.queue_delete(queue)


def _wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _sent(pk: int) -> bool:
    return OutboundEmail.objects.filter(pk=pk, status=OutboundEmail.Status.SENT).exists()


DELIVER = "openflex.outbox.tasks.effect_run_task"
SWEEP = "openflex.outbox.tasks.effects_sweep_task"


def _runs(task_name: str) -> int:
    """How many times the worker thread ran the task (not an eager call)."""
    return worker_state.total_count.get(task_name, 0)


def test_worker_delivers_an_email_sent_in_a_transaction(worker):
    runs = _runs(DELIVER)
    user = UserFactory(email="worker@example.test")
    with transaction.atomic():
        record = email_send(
            to=user.email,
            recipient=user,
            kind="password_changed",
            template="accounts/password_changed",
            subject="Votre mot de passe OpenFlex a été modifié",
            context={"user": user, "when": timezone.now()},
        )
        # Nothing is enqueued before the commit: the worker would not find the row.
        time.sleep(0.3)
        assert mail.outbox == []
    assert _wait_for(lambda: _sent(record.pk)), OutboundEmail.objects.get(pk=record.pk).error
    record.refresh_from_db()
    assert record.sent_at is not None and record.attempts == 1
    assert [m.to for m in mail.outbox] == [["worker@example.test"]]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert _runs(DELIVER) == runs + 1


def test_worker_runs_the_sweep_that_delivers_what_the_broker_lost(worker):
    """X-1: an email whose dispatch never reached the broker is sent by the periodic sweep."""
    user = UserFactory()
    with transaction.atomic():
        lost = email_send(
            to=user.email,
            recipient=user,
            kind="password_changed",
            template="accounts/password_changed",
            subject="Resté en file",
            context={"user": user, "when": timezone.now()},
        )
        # The broker message of this effect is lost: no dispatch after the commit.
        transaction.get_connection().run_on_commit = []
    later = OutboundEmail.objects.create(
        to=user.email, kind="test", subject="Plus tard", body_text="x\n", body_html="<p>x</p>"
    )
    Effect.objects.create(
        kind="email.deliver",
        key=f"email:{later.pk}",
        payload={"email_id": later.pk},
        available_at=timezone.now() + timedelta(hours=1),  # in its backoff: not due yet
    )
    time.sleep(0.3)
    assert mail.outbox == []
    runs = _runs(SWEEP)
    effects_sweep_task.delay()
    assert _wait_for(lambda: _sent(lost.pk)), OutboundEmail.objects.get(pk=lost.pk).error
    assert [m.subject for m in mail.outbox] == ["Resté en file"]
    later.refresh_from_db()
    assert later.status == OutboundEmail.Status.QUEUED
    assert _runs(SWEEP) == runs + 1
