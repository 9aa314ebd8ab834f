"""P-5: two identical callbacks at the same moment for one payment make one transition
(the payment's row lock; the event's unique provider key as the last guard)."""

import threading

import pytest
from django.db import connections

from payments.transactions.models import Payment, PaymentEvent
from payments.transactions.services import payment_provider_message_receive
from tests.payments.transactions.conftest import sandbox_pay

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.xdist_group("concurrency"),
]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # the outcome is what the test checks
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_concurrent_callbacks_make_one_transition(payment):
    _url, params = sandbox_pay(payment, "pay")

    def receive():
        return payment_provider_message_receive(
            provider="sandbox", params=params, source="callback", ip="198.51.100.7"
        ).outcome

    outcomes = run_together(receive, receive)
    assert sorted(outcomes) == [("ok", "applied"), ("ok", "replay")], outcomes
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    assert (
        PaymentEvent.objects.filter(payment=payment, to_status="paye", from_status="envoye").count()
        == 1
    )
