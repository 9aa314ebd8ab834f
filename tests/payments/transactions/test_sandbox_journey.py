"""P-4 … P-6, P-9: the whole journey through the sandbox provider — validated order →
email → link page → hosted page → pay → signed callback → paid → confirmation email —
and the refused → new attempt, cancelled order → à rembourser → remboursé journeys."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from opportunities.sales import services as sales
from payments.transactions.models import Payment, PaymentEvent
from tests.payments.transactions.conftest import sandbox_pay

pytestmark = pytest.mark.django_db


def _callback(client, params):
    return client.post(reverse("payments:callback", kwargs={"provider": "sandbox"}), params)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_full_sandbox_journey(
    client, card_order, seller, manager, config, django_capture_on_commit_callbacks
):
    from opportunities.sales.models import Order
    from tests.opportunities.sales.journey import reach

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = reach(card_order, Order.Status.ORDERED, seller=seller, manager=manager)
    payment = Payment.objects.get(order=order)
    email = next(m for m in mail.outbox if m.to == [payment.email])
    link = re.search(r"https?://\S+/paiement/lien/\S+/", email.body).group(0)

    # The customer opens the link: a summary and a form to the hosted page (GET, sandbox).
    page = client.get(_path(link))
    assert page.status_code == 200
    body = page.content.decode()
    assert payment.reference in body and "Payer par carte bancaire" in body
    hosted = page.context["hosted_page"]
    assert hosted.fields["ORDERID"] == payment.reference
    assert hosted.fields["AMOUNT"] == "100000"  # cents
    assert hosted.fields["ACCEPTURL"].endswith("/paiement/retour/sandbox/accepte/")

    # The sandbox hosted page checks the SHA-IN signature and offers pay / refuse / cancel.
    sandbox = client.get(_path(hosted.url), hosted.fields)
    assert sandbox.status_code == 200
    assert "Simuler un refus" in sandbox.content.decode()
    decision = client.post(reverse("payments:sandbox_decide"), {**hosted.fields, "decision": "pay"})
    assert decision.status_code == 302
    assert "/paiement/retour/sandbox/accepte/?" in decision["Location"]

    # The server-to-server callback (queued in the outbox), then the confirmation email.
    from openflex.outbox.models import Effect

    effect = Effect.objects.get(kind="payments.sandbox_callback")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = _callback(client, effect.payload["params"])
    assert answer.status_code == 200 and answer.content == b"OK"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.paid_at is not None and payment.provider_payment_id
    confirmation = [m for m in mail.outbox if m.to == [payment.email]]
    assert len(confirmation) == 1 and "Confirmation de votre paiement" in confirmation[0].subject
    assert payment.reference in confirmation[0].body

    # The customer's return: verified, applied through the same path (a replay here).
    back = client.get(_path(decision["Location"]))
    assert back.status_code == 200
    assert "Merci, votre paiement est enregistré" in back.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.events.filter(kind=PaymentEvent.Kind.STATUS).count() == 0
    assert payment.events.filter(to_status="paye", from_status="envoye").count() == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.RETURN).get().data["replay"] is True

    # The order page shows "payé"; the link now says the payment is no longer pending.
    client.force_login(seller)
    detail = client.get(reverse("opportunities:order_detail", args=[order.pk])).content.decode()
    assert "e-Paiement payé" in detail
    client.logout()
    assert "n'est plus en attente" in html.unescape(client.get(_path(link)).content.decode())


def test_refused_then_a_new_attempt(client, payment, seller):
    """P-6: after a refusal, "Effectuer un nouveau paiement" makes attempt _2 with its own
    link; the first attempt's link stops working."""
    first_link = payment_link_of(payment)
    _url, params = sandbox_pay(payment, "refuse")
    assert _callback(client, params).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUSED

    client.force_login(seller)
    order_url = reverse("opportunities:order_detail", args=[payment.order_id])
    assert "Effectuer un nouveau paiement" in client.get(order_url).content.decode()
    mail.outbox.clear()
    response = client.post(
        reverse("payments:action", args=[payment.pk, "retry"]), {"next": order_url}
    )
    assert response.status_code == 302 and response["Location"] == order_url
    second = Payment.objects.exclude(pk=payment.pk).get(order_id=payment.order_id)
    assert second.reference == payment.reference[:-1] + "2"
    assert second.attempt == 2 and second.status == Payment.Status.SENT
    client.logout()
    assert client.get(_path(first_link)).status_code == 410
    assert client.get(_path(payment_link_of(second))).status_code == 200
    # A new attempt is offered on the latest attempt only.
    client.force_login(seller)
    again = client.post(reverse("payments:action", args=[payment.pk, "retry"]))
    assert again.status_code == 302
    assert Payment.objects.filter(order_id=payment.order_id).count() == 2


def test_retry_is_refused_while_pending(client, payment, seller):
    client.force_login(seller)
    client.post(reverse("payments:action", args=[payment.pk, "retry"]))
    assert Payment.objects.filter(order_id=payment.order_id).count() == 1


def test_cancelled_order_then_refunded(client, payment, manager, secretary, seller):
    """P-5: a paid deposit of a cancelled order is "à rembourser" (dated); "Marquer comme
    remboursé" is an explicit action of the allowed users (not the salesperson)."""
    _url, params = sandbox_pay(payment, "pay")
    assert _callback(client, params).status_code == 200
    sales.order_cancel(order=payment.order, by=manager, reason="Le client renonce")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    assert payment.to_refund_since is not None

    client.force_login(seller)
    refused = client.post(reverse("payments:action", args=[payment.pk, "refunded"]))
    assert refused.status_code == 403
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND

    client.force_login(secretary)
    done = client.post(reverse("payments:action", args=[payment.pk, "refunded"]))
    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunded_by == secretary and payment.refunded_at is not None


def test_cancelled_order_cancels_a_pending_payment_and_a_late_payment_is_owed_back(
    client, payment, manager
):
    """Decision: a pending payment of a cancelled order is cancelled (its link dies); if the
    customer was already on the provider's page and pays, the money is owed back at once."""
    link = payment_link_of(payment)
    page = client.get(_path(link)).context["hosted_page"]  # the customer opened the page
    sales.order_cancel(order=payment.order, by=manager, reason="Le client renonce")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert client.get(_path(link)).status_code == 410

    from openflex.outbox.models import Effect
    from payments.providers.services import sandbox_decide

    sandbox_decide(params=page.fields, decision="pay")
    params = Effect.objects.get(kind="payments.sandbox_callback").payload["params"]
    assert _callback(client, params).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND


def test_resend_keeps_the_payment_and_kills_the_old_link(client, payment, seller):
    old = payment_link_of(payment)
    client.force_login(seller)
    mail.outbox.clear()
    response = client.post(reverse("payments:action", args=[payment.pk, "resend"]))
    assert response.status_code == 302
    assert Payment.objects.filter(order_id=payment.order_id).count() == 1
    payment.refresh_from_db()
    client.logout()
    stale = client.get(_path(old))
    assert stale.status_code == 410
    text = html.unescape(stale.content.decode())
    assert "n'est plus valable" in text
    assert payment.point_of_sale.name in text  # the dealer's contact
    assert payment.last_name not in text and payment.reference not in text
    assert client.get(_path(payment_link_of(payment))).status_code == 200
    assert payment.events.filter(kind="link").count() == 2


def test_resend_with_a_corrected_email(payment, seller):
    """S-8 (requested by the e-signature helper): the corrected contact replaces the
    payment's snapshot before the email goes out."""
    from openflex.notifications.models import OutboundEmail
    from payments.transactions.services import payment_link_resend

    payment_link_resend(payment=payment, by=seller, email="nouveau@example.test")
    payment.refresh_from_db()
    assert payment.email == "nouveau@example.test"
    assert OutboundEmail.objects.filter(to="nouveau@example.test", kind="payment_request").exists()


def test_an_action_on_another_points_of_sale_payment_is_404(client, payment):
    from tests.accounts.factories import PointOfSaleFactory, UserFactory

    other = UserFactory(group_type="chef-des-ventes", points_of_sale=[PointOfSaleFactory()])
    client.force_login(other)
    response = client.post(reverse("payments:action", args=[payment.pk, "resend"]))
    assert response.status_code == 404


def payment_link_of(payment) -> str:
    from payments.transactions.services import payment_link_url

    payment.refresh_from_db()
    return payment_link_url(payment)
