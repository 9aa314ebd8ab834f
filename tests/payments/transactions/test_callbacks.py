"""P-5: the provider's callbacks and the customer's returns are verified; bad input gets
the right answer and changes nothing; every message is kept raw on the payment's log."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse

from payments.providers import ogone
from payments.transactions.models import Payment, PaymentEvent
from tests.payments.transactions.conftest import SHA_OUT, sandbox_pay

pytestmark = pytest.mark.django_db

CALLBACK = "/payments/providers/sandbox/callback/"


def _signed(params: dict) -> dict:
    params = {k: v for k, v in params.items() if k != "SHASIGN"}
    return {**params, "SHASIGN": ogone.sha_out(params, SHA_OUT, "sha256")}


def _snapshot(payment):
    payment = Payment.objects.get(pk=payment.pk)
    return payment.status, payment.provider_payment_id, payment.status_changed_at


def test_callback_url_is_the_documented_one():
    assert reverse("payments:callback", kwargs={"provider": "sandbox"}) == CALLBACK


def test_tampered_signature_answers_400_logs_raw_and_changes_nothing(client, payment, caplog):
    _url, params = sandbox_pay(payment)
    before = _snapshot(payment)
    tampered = {**params, "STATUS": "9", "AMOUNT": params["AMOUNT"], "PAYID": "999"}
    with caplog.at_level(logging.WARNING, logger="payments.provider"):
        response = client.post(CALLBACK, tampered, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 400
    assert _snapshot(payment) == before
    event = payment.events.get(kind=PaymentEvent.Kind.REJECTED)
    assert event.data["params"]["PAYID"] == "999" and event.data["reason"] == "bad_signature"
    assert event.source_ip == "203.0.113.9"
    assert "bad signature" in caplog.text and "999" in caplog.text


def test_missing_signature_is_refused(client, payment):
    _url, params = sandbox_pay(payment)
    params.pop("SHASIGN")
    assert client.post(CALLBACK, params).status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SENT


def test_replay_changes_nothing_the_second_time(client, payment):
    _url, params = sandbox_pay(payment)
    assert client.post(CALLBACK, params).status_code == 200
    after_first = _snapshot(payment)
    assert client.post(CALLBACK, params).status_code == 200
    assert _snapshot(payment) == after_first
    assert payment.events.filter(to_status="paye", from_status="envoye").count() == 1
    replay = payment.events.filter(kind="callback", data__replay=True)
    assert replay.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"AMOUNT": "999.00"},
        {"CURRENCY": "USD"},
        {"AMOUNT": ""},
        {"AMOUNT": "abc"},
        {"CURRENCY": ""},
    ],
)
def test_a_different_amount_or_currency_is_refused(client, payment, change):
    _url, params = sandbox_pay(payment)
    response = client.post(CALLBACK, _signed({**params, **change}))
    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SENT
    assert payment.events.get(kind="rejected").data["reason"] == "amount_mismatch"


def test_unknown_reference_answers_404_and_is_logged(client, payment, caplog):
    _url, params = sandbox_pay(payment)
    with caplog.at_level(logging.WARNING, logger="payments.provider"):
        response = client.post(CALLBACK, _signed({**params, "ORDERID": "00001_000001_2_1"}))
    assert response.status_code == 404
    assert "unknown reference" in caplog.text and "00001_000001_2_1" in caplog.text
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SENT


def test_unknown_provider_answers_404(client, payment):
    _url, params = sandbox_pay(payment)
    url = reverse("payments:callback", kwargs={"provider": "paypal"})
    assert client.post(url, params).status_code == 404


def test_callback_is_post_only_and_csrf_exempt(payment):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    _url, params = sandbox_pay(payment)
    assert strict.get(CALLBACK, params).status_code == 405
    assert strict.post(CALLBACK, params).status_code == 200


def test_out_of_order_callbacks_do_not_undo_the_payment(client, payment):
    """A late "waiting" (41/51/91) or "refused" after "paid" changes nothing."""
    _url, paid = sandbox_pay(payment)
    assert client.post(CALLBACK, paid).status_code == 200
    for status in ("51", "91", "2", "1"):
        late = _signed({**paid, "STATUS": status})
        assert client.post(CALLBACK, late).status_code == 200
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    assert payment.events.filter(kind="callback").count() == 5


def test_waiting_then_authorised_then_paid(client, payment):
    """Callbacks in the provider's order move the payment on; each is kept raw."""
    _url, paid = sandbox_pay(payment)
    for status, expected in (("51", "envoye"), ("5", "autorise"), ("9", "paye")):
        assert client.post(CALLBACK, _signed({**paid, "STATUS": status})).status_code == 200
        assert Payment.objects.get(pk=payment.pk).status == expected
    logged = list(payment.events.filter(kind="callback").order_by("at", "pk"))
    assert [e.data["params"]["STATUS"] for e in logged] == ["51", "5", "9"]
    assert all(e.data["signature"] for e in logged)


def test_refused_then_paid_on_the_same_page(client, payment):
    """The customer may try again on the provider's page (same ORDERID, new PAYID)."""
    _url, refused = sandbox_pay(payment, "refuse")
    client.post(CALLBACK, refused)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUSED
    _url, paid = sandbox_pay(payment, "pay")
    client.post(CALLBACK, paid)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID


def test_return_with_a_bad_signature_is_refused_and_shows_no_payment_data(client, payment):
    url, _params = sandbox_pay(payment)
    path = url.split("127.0.0.1:8000", 1)[1].replace("STATUS=9", "STATUS=5")
    response = client.get(path)
    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SENT
    assert payment.email not in response.content.decode()


@pytest.mark.parametrize(
    "decision,title", [("refuse", "Paiement refusé"), ("cancel", "Paiement annulé")]
)
def test_return_pages(client, payment, decision, title):
    url, _params = sandbox_pay(payment, decision)
    response = client.get(url.split("127.0.0.1:8000", 1)[1])
    assert response.status_code == 200
    assert title in response.content.decode()
    assert payment.events.filter(kind="return").exists()


def test_sandbox_page_refuses_a_request_with_a_bad_sha_in(client, payment):
    from payments.transactions.services.checkout import payment_checkout

    page = payment_checkout(payment=payment, config=payment.point_of_sale.payment_configuration)
    fields = {**page.fields, "AMOUNT": "1"}
    response = client.get(reverse("payments:sandbox_page"), fields)
    assert response.status_code == 400
    assert "SHA-IN" in response.content.decode()
    refused = client.post(reverse("payments:sandbox_decide"), {**fields, "decision": "pay"})
    assert refused.status_code == 400


def test_link_states(client, payment, monkeypatch):
    """X-3: expired → 410 with the dealer's contact; tampered → 404 without any data."""
    from payments.transactions.services import links, payment_link_url

    url = payment_link_url(payment).split("127.0.0.1:8000", 1)[1]
    tampered = client.get(url[:-3] + "xx/")
    assert tampered.status_code == 404
    body = tampered.content.decode()
    assert "Lien de paiement invalide" in body and payment.point_of_sale.name not in body

    monkeypatch.setattr(links, "link_max_age", lambda: timedelta(seconds=-1))
    expired = client.get(url)
    assert expired.status_code == 410
    body = expired.content.decode()
    assert "Ce lien a expiré" in body and payment.point_of_sale.name in body
    assert payment.last_name not in body and payment.reference not in body


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ORDERID": ""},
        {"orderid": "x" * 5000, "SHASIGN": "zz"},
        {"ORDERID": "00045_000061_2_1", "AMOUNT": "1e999999", "SHASIGN": "A"},
    ],
)
def test_hostile_callbacks_never_fail(client, payment, params):
    response = client.post(CALLBACK, params)
    assert response.status_code in (400, 404)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SENT


def test_hostile_returns_never_fail(client, payment):
    for path in (
        "/paiement/retour/sandbox/accepte/",
        "/paiement/retour/sandbox/accepte/?ORDERID=%00&AMOUNT=NaN",
        "/paiement/retour/inconnu/accepte/?ORDERID=" + payment.reference,
        "/paiement/lien/%00%01/",
        "/paiement/lien/1.abc:def:ghi/",
    ):
        assert client.get(path).status_code in (400, 404), path
