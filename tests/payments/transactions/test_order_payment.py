"""P-2, P-3, P-4: a validated order with a card deposit gets its payment and the
"Paiement de l'acompte" email; what is missing is said on the order page; the payment
never conditions the order's validation."""

import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from opportunities.sales import services as sales
from opportunities.sales.models import Order
from payments.transactions.models import Payment, PaymentEvent
from payments.transactions.services import payment_reference
from tests.opportunities.sales.journey import reach

pytestmark = pytest.mark.django_db


def test_reference_format():
    """P-3: 00045_000061_20000026837_1."""
    assert (
        payment_reference(entity_code=45, pos_code=61, kind="acompte", document=26837, attempt=1)
        == "00045_000061_20000026837_1"
    )
    assert (
        payment_reference(entity_code=45, pos_code=61, kind="reservation", document=7, attempt=3)
        == "00045_000061_10000000007_3"
    )


def test_validation_creates_the_payment_and_sends_the_email(
    card_order, seller, manager, config, django_capture_on_commit_callbacks
):
    """P-4: amount, vehicle, reference, link; dealer's contact block and privacy link."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = reach(card_order, Order.Status.ORDERED, seller=seller, manager=manager)
    payment = Payment.objects.get(order=order)
    pos = order.point_of_sale
    assert payment.status == Payment.Status.SENT
    assert payment.kind == Payment.Kind.DEPOSIT
    assert payment.amount == Decimal("1000.00")
    assert payment.reference == f"{pos.entity.code:05d}_{pos.code:06d}_2{order.pk:010d}_1"
    assert payment.salesperson == seller
    assert payment.entity == pos.entity
    assert payment.email == order.opportunity.customer.email
    assert list(payment.events.values_list("kind", flat=True)) == ["link", "created"]
    sent = [m for m in mail.outbox if m.to == [payment.email]]
    assert len(sent) == 1
    message = sent[0]
    assert "Paiement de l'acompte" in message.subject
    body = message.body
    assert "1\xa0000,00" in body
    assert payment.reference in body
    assert order.vehicle.brand in body
    assert pos.name in body
    assert "/paiement/confidentialite/" in body
    link = re.search(r"https?://\S+/paiement/lien/\S+/", body).group(0)
    html = message.alternatives[0][0]
    assert link in html.replace("&amp;", "&")


def test_validation_without_configuration_creates_nothing_and_says_so(
    client, card_order, seller, manager
):
    """P-1: no configuration, no e-payment; the order page says so (and validation went
    through: the payment never conditions it)."""
    order = reach(card_order, Order.Status.ORDERED, seller=seller, manager=manager)
    assert order.status == Order.Status.ORDERED
    assert not Payment.objects.exists()
    client.force_login(seller)
    url = reverse("opportunities:order_detail", args=[order.pk]) + "?onglet=reglement"
    page = client.get(url).content.decode()
    assert "pas configuré au point de vente" in page


def test_missing_customer_fields_are_listed_and_block_only_the_payment(
    client, card_order, seller, manager, config
):
    """P-2: civility, last name, first name and email are required for the payment."""
    customer = card_order.opportunity.customer
    type(customer).objects.filter(pk=customer.pk).update(civility="", email="")
    order = reach(card_order, Order.Status.ORDERED, seller=seller, manager=manager)
    assert order.status == Order.Status.ORDERED
    assert not Payment.objects.exists()
    client.force_login(seller)
    url = reverse("opportunities:order_detail", args=[order.pk]) + "?onglet=reglement"
    page = client.get(url).content.decode()
    assert "Fiche client à compléter" in page
    assert "la civilité" in page and "l'email" in html.unescape(page)


@pytest.mark.parametrize(
    "change",
    [
        {"deposit_method": "cheque"},
        {"deposit_not_online": True},
        {"deposit_amount": Decimal("0")},
    ],
)
def test_no_payment_when_the_deposit_is_not_paid_online(
    draft_order, seller, manager, config, change
):
    values = {
        "balance_method": "virement",
        "deposit_amount": Decimal("1000.00"),
        "deposit_method": "carte",
        "deposit_not_online": False,
        **change,
    }
    if values["deposit_amount"] == 0:
        values["deposit_method"] = ""
    order = sales.order_payment_update(order=draft_order, by=seller, **values)
    reach(order, Order.Status.ORDERED, seller=seller, manager=manager)
    assert not Payment.objects.exists()


def test_order_page_shows_the_status_and_the_transactions(client, payment, seller):
    """P-6: "e-Paiement en attente", "Renvoyer le lien de e-paiement", the modal table."""
    client.force_login(seller)
    page = client.get(
        reverse("opportunities:order_detail", args=[payment.order_id])
    ).content.decode()
    assert "e-Paiement en attente" in page
    assert "Renvoyer le lien de e-paiement" in page
    assert "Effectuer un nouveau paiement" not in page
    assert "<dialog" in page and payment.reference in page
    assert "1\xa0000,00" in page


def test_vehicle_page_shows_the_status(client, payment, manager):
    client.force_login(manager)
    page = client.get(reverse("vehicles:detail", args=[payment.vehicle.number])).content.decode()
    assert "e-Paiement en attente" in page
    assert payment.reference in page


def test_events_are_written(payment):
    assert PaymentEvent.objects.filter(payment=payment, kind="created").count() == 1
