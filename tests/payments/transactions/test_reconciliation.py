"""P-5: a lost callback never leaves a paid deposit shown as pending — the periodic job
asks the provider (the sandbox answers) about payments still *envoyé* after the delay and
applies the answer through the callback's path."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from openflex.outbox.models import Effect
from payments.transactions.models import Payment
from payments.transactions.services import payment_reconcile, payments_reconcile_due
from payments.transactions.tasks import payments_reconcile_task
from tests.payments.transactions.conftest import sandbox_pay

pytestmark = pytest.mark.django_db


def _age(payment, minutes: int) -> None:
    Payment.objects.filter(pk=payment.pk).update(
        link_sent_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_the_job_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["payments-reconcile"]
    assert entry["task"] == payments_reconcile_task.name


def test_a_lost_callback_is_caught_up(payment, django_capture_on_commit_callbacks):
    sandbox_pay(payment, "pay")  # the customer paid; the callback never arrives
    Effect.objects.filter(kind="payments.sandbox_callback").delete()
    _age(payment, 45)
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile_due() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    event = payment.events.get(to_status="paye")
    assert event.kind == "reconciliation" and event.data["params"]["STATUS"] == "9"
    assert payment.reconciled_at is not None


def test_recent_payments_are_not_asked_and_a_claim_is_not_repeated(payment):
    _age(payment, 5)
    assert payments_reconcile_due() == 0
    _age(payment, 45)
    assert payments_reconcile_due() == 1
    assert payments_reconcile_due() == 0  # stamped: not asked again within the delay
    assert Effect.objects.filter(kind="payments.reconcile").count() == 1


def test_nothing_known_by_the_provider_leaves_it_pending(payment):
    _age(payment, 45)
    assert payment_reconcile(payment_id=payment.pk) == "unknown"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SENT
    assert payment.events.filter(kind="reconciliation").count() == 1


def test_reconciliation_after_the_callback_changes_nothing(client, payment):
    _url, params = sandbox_pay(payment, "refuse")
    client.post("/payments/providers/sandbox/callback/", params)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUSED
    assert payment_reconcile(payment_id=payment.pk) == "skipped"


def test_ingenico_query_reads_the_directlink_answer(payment):
    """The real adapter's status query (DirectLink querydirect.asp XML answer)."""
    from payments.providers.ingenico import IngenicoProvider

    xml = (
        b'<?xml version="1.0"?><ncresponse orderID="%s" PAYID="3014726" STATUS="9" '
        b'amount="1000" currency="EUR" NCERROR="0" ACCEPTANCE="test123"/>'
        % payment.reference.encode()
    )
    result = IngenicoProvider().parse_xml(xml, payment.reference)
    assert result.outcome == "paid" and result.provider_payment_id == "3014726"
    assert str(result.amount) == "1000"
