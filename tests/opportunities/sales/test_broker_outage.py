"""A broker outage never turns a saved action into a 500 (X-1, issue 12).

The broker is made unreachable the way Redis fails (kombu's OperationalError when a task is
published). Before the outbox, every action that enqueued on commit answered 500 although
its data was saved, and the vehicle of a validated order never moved.
"""

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from openflex.notifications.models import OutboundEmail
from openflex.outbox.models import Effect
from openflex.outbox.services import effects_sweep
from openflex.outbox.tasks import effect_run_task
from opportunities.sales.models import Order
from vehicles.models import StandardStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(effect_run_task, "delay", refuse)


def test_a_follow_up_is_saved_answered_and_sent_once_the_broker_is_back(
    client, seller, opportunity, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(seller)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/opportunites/{opportunity.pk}/relance/",
            {"message": "Bonjour, avez-vous pu réfléchir à notre offre ?"},
        )
    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind="opportunity_follow_up")
    assert email.status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []
    assert effects_sweep() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_validation_moves_the_vehicle_even_with_the_broker_down(
    client, manager, pending_order, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/commandes/{pending_order.pk}/action/validate/")
    assert response.status_code == 302
    pending_order.refresh_from_db()
    assert pending_order.status == Order.Status.ORDERED
    pending_order.vehicle.refresh_from_db()
    assert pending_order.vehicle.status == StandardStatus.DELIVERY  # in the same transaction
    # The salesperson's email waits for the broker in the outbox; nothing is lost.
    waiting = Effect.objects.filter(status=Effect.Status.PENDING).count()
    assert waiting >= 1
    effects_sweep()
    assert not Effect.objects.exclude(status=Effect.Status.DONE).exists()
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
