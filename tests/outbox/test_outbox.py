"""The transactional outbox (X-1): nothing lost, nothing twice, no 500 after the commit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from openflex.notifications.models import OutboundEmail
from openflex.outbox import services
from openflex.outbox.models import Effect
from openflex.outbox.registry import _kinds, effect_kind
from openflex.outbox.tasks import effect_run_task
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []
FAILURES: list[tuple[dict, str]] = []


@pytest.fixture(autouse=True)
def test_kinds():
    """Two kinds of effects for these tests: one that records its calls, one that fails."""
    CALLS.clear()
    FAILURES.clear()
    effect_kind("test.record")(CALLS.append)

    def broken(payload):
        raise ConnectionError("provider down")

    effect_kind("test.broken", max_attempts=3, on_failure=lambda p, e: FAILURES.append((p, e)))(
        broken
    )
    yield
    _kinds.pop("test.record")
    _kinds.pop("test.broken")


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(effect_run_task, "delay", refuse)


def _due_now(key):
    Effect.objects.filter(key=key).update(available_at=timezone.now())


def test_an_effect_exists_only_if_its_transaction_commits(django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.effect_enqueue(kind="test.record", key="rolled-back", payload={"n": 1})
        raise RuntimeError("the change is refused")
    assert not Effect.objects.filter(key="rolled-back").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.effect_enqueue(kind="test.record", key="kept", payload={"n": 2})
    assert CALLS == [{"n": 2}]
    effect = Effect.objects.get(key="kept")
    assert (effect.status, effect.attempts, effect.error) == (Effect.Status.DONE, 1, "")
    assert effect.done_at is not None


def test_the_same_key_is_one_effect_run_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.effect_enqueue(kind="test.record", key="once", payload={"n": 1})
        services.effect_enqueue(kind="test.record", key="once", payload={"n": 1})
    services.effect_run(key="once")
    services.effects_sweep()
    assert Effect.objects.filter(key="once").count() == 1
    assert CALLS == [{"n": 1}]


def test_an_unknown_kind_is_refused_before_anything_is_saved():
    with pytest.raises(LookupError):
        services.effect_enqueue(kind="test.nobody", key="x")
    assert not Effect.objects.exists()


def test_a_broker_outage_delays_the_effect_and_the_sweep_delivers_it(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        services.effect_enqueue(kind="test.record", key="outage", payload={"n": 3})
    assert CALLS == []
    assert Effect.objects.get(key="outage").status == Effect.Status.PENDING
    assert "broker unavailable" in caplog.text
    assert services.effects_sweep() == 1
    assert CALLS == [{"n": 3}]
    assert Effect.objects.get(key="outage").status == Effect.Status.DONE


def test_failures_are_retried_with_backoff_then_failed_once():
    services.effect_enqueue(kind="test.broken", key="broken", payload={"id": 7})
    for attempt in (1, 2):
        assert services.effect_run(key="broken") == Effect.Status.PENDING
        effect = Effect.objects.get(key="broken")
        assert effect.attempts == attempt
        assert "ConnectionError: provider down" in effect.error
        assert effect.available_at > timezone.now()
        assert services.effect_run(key="broken") is None  # not due during its backoff
        _due_now("broken")
    assert services.effect_run(key="broken") == Effect.Status.FAILED
    assert FAILURES == [({"id": 7}, "ConnectionError: provider down")]
    assert services.effects_sweep() == 0
    assert services.effect_requeue(key="broken") is True
    effect = Effect.objects.get(key="broken")
    assert (effect.status, effect.attempts) == (Effect.Status.PENDING, 0)


def test_an_effect_left_running_by_a_dead_worker_is_taken_back_after_its_lease():
    services.effect_enqueue(kind="test.record", key="orphan", payload={"n": 4})
    effect = Effect.objects.get(key="orphan")
    effect.start()
    effect.attempts = 1
    effect.started_at = timezone.now() - timedelta(minutes=1)
    effect.save(update_fields=["status", "attempts", "started_at"])
    assert services.effects_sweep() == 0  # a live worker may still be on it
    Effect.objects.filter(key="orphan").update(
        started_at=timezone.now() - services.LEASE - timedelta(seconds=1)
    )
    assert services.effects_sweep() == 1
    effect.refresh_from_db()
    assert (effect.status, effect.attempts) == (Effect.Status.DONE, 2)  # the true count
    assert CALLS == [{"n": 4}]


def test_status_is_protected():
    services.effect_enqueue(kind="test.record", key="p")
    effect = Effect.objects.get(key="p")
    with pytest.raises(AttributeError):
        effect.status = Effect.Status.DONE


def test_password_reset_answers_normally_when_the_broker_is_down(
    client, broker_down, django_capture_on_commit_callbacks
):
    """The request that saved its data never answers 500 (X-1): the email waits."""
    user = UserFactory(email="oubli@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mot-de-passe-oublie/", {"email": user.email})
    assert response.status_code == 302
    (waiting,) = Effect.objects.filter(status=Effect.Status.PENDING)
    assert waiting.kind == "accounts.password_reset"
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []
    services.effects_sweep()  # the lookup, then the email (its own effect)
    services.effects_sweep()
    email = OutboundEmail.objects.get(to=user.email)
    assert email.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_done_effects_are_forgotten_after_a_week_failed_ones_stay():
    services.effect_enqueue(kind="test.record", key="old-done")
    services.effect_enqueue(kind="test.record", key="recent-done")
    services.effect_enqueue(kind="test.broken", key="old-failed")
    services.effect_run(key="old-done")
    services.effect_run(key="recent-done")
    for _ in range(3):
        _due_now("old-failed")
        services.effect_run(key="old-failed")
    long_ago = timezone.now() - timedelta(days=8)
    Effect.objects.filter(key__in=["old-done", "old-failed"]).update(
        done_at=long_ago, created_at=long_ago
    )
    assert services.effects_purge() == 1
    assert set(Effect.objects.values_list("key", flat=True)) == {"recent-done", "old-failed"}
