"""P-5: "Rembourser via le prestataire" — where the provider can refund (the sandbox; the
Ingenico adapter with a DirectLink API user), the refund is asked through the outbox and
the provider's answer (STATUS 8) makes the payment *remboursé* through the callback's path."""

import pytest
from django.urls import reverse

from opportunities.sales import services as sales
from payments.providers.ingenico import IngenicoProvider
from payments.transactions.models import Payment, PaymentEvent
from tests.payments.transactions.conftest import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def to_refund(client, payment, manager):
    _url, params = sandbox_pay(payment, "pay")
    assert client.post("/payments/providers/sandbox/callback/", params).status_code == 200
    sales.order_cancel(order=payment.order, by=manager, reason="Le client renonce")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    return payment


def test_refund_through_the_sandbox(
    client, to_refund, secretary, django_capture_on_commit_callbacks
):
    client.force_login(secretary)
    order_url = reverse("opportunities:order_detail", args=[to_refund.order_id])
    assert "Rembourser via le prestataire" in client.get(order_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("payments:action", args=[to_refund.pk, "provider_refund"]), {"next": order_url}
        )
    assert response.status_code == 302
    to_refund.refresh_from_db()
    assert to_refund.status == Payment.Status.REFUNDED
    event = to_refund.events.get(to_status="rembourse")
    assert event.kind == PaymentEvent.Kind.REFUND and event.data["params"]["STATUS"] == "8"


def test_refund_refused_to_a_salesperson_and_before_the_money_is_owed(client, payment, seller):
    client.force_login(seller)
    response = client.post(reverse("payments:action", args=[payment.pk, "provider_refund"]))
    assert response.status_code == 403


def test_refund_refused_without_an_api_user(client, to_refund, secretary):
    config = to_refund.point_of_sale.payment_configuration
    config.provider = "ingenico"
    config.save()
    Payment.objects.filter(pk=to_refund.pk).update(provider="ingenico")
    client.force_login(secretary)
    order_url = reverse("opportunities:order_detail", args=[to_refund.order_id])
    assert "Rembourser via le prestataire" not in client.get(order_url).content.decode()
    client.post(reverse("payments:action", args=[to_refund.pk, "provider_refund"]))
    assert Payment.objects.get(pk=to_refund.pk).status == Payment.Status.TO_REFUND


def test_ingenico_refund_request(to_refund, monkeypatch):
    """DirectLink maintenance: OPERATION=RFS with the PAYID and amount, SHA-IN signed."""
    from payments.providers import ogone

    config = to_refund.point_of_sale.payment_configuration
    config.api_user, config.api_password = "API", "api-password"
    sent = {}

    def fake_post(self, url, data):
        sent.update(url=url, data=data)
        return (
            b'<ncresponse orderID="%s" PAYID="%s" STATUS="8" amount="1000" currency="EUR" '
            b'NCERROR="0"/>'
            % (to_refund.reference.encode(), to_refund.provider_payment_id.encode())
        )

    monkeypatch.setattr(IngenicoProvider, "_post", fake_post)
    result = IngenicoProvider().refund(payment=to_refund, config=config)
    assert sent["url"].endswith("/ncol/test/maintenancedirect.asp")
    data = sent["data"]
    assert data["OPERATION"] == "RFS" and data["PAYID"] == to_refund.provider_payment_id
    assert data["AMOUNT"] == "100000"
    unsigned = {k: v for k, v in data.items() if k != "SHASIGN"}
    assert data["SHASIGN"] == ogone.sha_in(unsigned, config.sha_in, config.hash_algorithm)
    assert result.outcome == "refunded"
