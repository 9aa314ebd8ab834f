"""Browser journey of issue #14 (P-4 … P-6, P-9): a validated order with a card deposit →
the "Paiement de l'acompte" email → its link (on a phone) → the sandbox hosted page → pay
→ the customer's return page → the signed callback through the outbox → the order page
shows "e-Paiement payé". Customer pages are checked at 375 px (no horizontal scroll)."""

import re
import time
from decimal import Decimal

import pytest
from django.core import mail

from openflex.accounts.models import User
from opportunities.sales import services
from payments.transactions.models import Payment
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import login, screenshot
from tests.opportunities.factories import CustomerFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _validated_card_order(seller, manager, pos):
    vehicle = VehicleFactory(
        physical_site=pos.physical_sites.first(),
        status="stock_vente",
        brand="Peugeot",
        model="3008",
        selling_price=Decimal("18500.00"),
    )
    opportunity = services.opportunity_create(
        customer=CustomerFactory(
            point_of_sale=pos, last_name="Payeur", email="payeur@example.test"
        ),
        salesperson=seller,
        point_of_sale=pos,
        by=seller,
    )
    offer = services.offer_validate(
        offer=services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller),
        by=seller,
    )
    order = services.order_create(offer=offer, by=seller)
    order = services.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("1500.00"),
        deposit_method="carte",
        deposit_not_online=False,
    )
    services.order_submit(order=order, by=manager)  # the manager's right validates at once
    return order


def test_deposit_paid_online_through_the_sandbox(browser, page, live_server, demo, settings):
    settings.SITE_URL = live_server.url  # links, return URLs and the sandbox callback
    seller = User.objects.get(email="vendeur@demo.openflex.test")
    manager = User.objects.get(email="chef-des-ventes@demo.openflex.test")
    pos = seller.points_of_sale.filter(pk__in=manager.points_of_sale.values("pk")).first()
    mail.outbox.clear()
    order = _validated_card_order(seller, manager, pos)
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.SENT

    # The salesperson's order page: the e-payment is pending.
    login(page, live_server, seller.email)
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    page.get_by_text("e-Paiement en attente").first.wait_for()
    page.get_by_role("button", name="Voir la transaction").click()
    page.get_by_role("dialog").get_by_text(payment.reference).wait_for()
    screenshot(page, "payment-order-pending-transactions")
    page.get_by_role("dialog").get_by_role("button", name="Fermer").click()
    screenshot(page, "payment-order-pending")

    # The customer's email and its link, opened on a phone.
    email = next(m for m in mail.outbox if m.to == ["payeur@example.test"])
    assert "Paiement de l'acompte" in email.subject
    link = re.search(r"https?://\S+/paiement/lien/\S+/", email.body).group(0)
    phone = browser.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris")
    phone.set_default_timeout(10_000)
    customer = phone.new_page()
    customer.goto(link)
    customer.get_by_role("heading", name="Paiement de l'acompte").wait_for()
    assert payment.reference in customer.locator("main").inner_text()
    assert customer.evaluate(NO_OVERFLOW)
    assert_accessible(customer, "payment link")
    screenshot(customer, "phone-payment-link")

    # The sandbox hosted page, then "Payer".
    customer.get_by_role("button", name="Payer par carte bancaire").click()
    customer.get_by_role("heading", name="Paiement sécurisé").wait_for()
    assert customer.evaluate(NO_OVERFLOW)
    assert_accessible(customer, "sandbox page")
    screenshot(customer, "phone-payment-sandbox")
    customer.get_by_role("button", name="Payer", exact=True).click()
    customer.get_by_role("heading", name="Merci, votre paiement est enregistré").wait_for()
    assert customer.evaluate(NO_OVERFLOW)
    assert_accessible(customer, "return page")
    screenshot(customer, "phone-payment-return")
    phone.close()

    # The signed server-to-server callback went through the outbox to the live server.
    for _ in range(50):
        if Payment.objects.get(pk=payment.pk).events.filter(kind="callback").exists():
            break
        time.sleep(0.1)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.events.filter(kind="callback").exists()
    assert any(m.to == ["payeur@example.test"] and "Confirmation" in m.subject for m in mail.outbox)

    # The order page now shows "payé".
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    page.get_by_text("e-Paiement payé").first.wait_for()
    assert_accessible(page, "order page with its e-payment")
    screenshot(page, "payment-order-paid")


def test_configuration_screens(browser, live_server, demo):
    """P-1: the administrator's screen, at 1366 px and 375 px; secrets never shown back."""
    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(10_000)
        page = context.new_page()
        login(page, live_server, "admin@demo.openflex.test")
        page.goto(f"{live_server.url}/parametres/")
        page.locator("main a[href='/parametres/e-paiement/']").click()
        page.get_by_role("heading", name="Parcours de vente digitalisé — e-paiement").wait_for()
        assert "se termine par" in page.locator("main").inner_text()
        assert "openflex-demo-sha" not in page.content()
        assert page.evaluate(NO_OVERFLOW)
        assert_accessible(page, f"{name} payment settings")
        screenshot(page, f"{name}-settings-payments")
        page.get_by_role("link", name="Modifier").first.click()
        page.get_by_label("Identifiant marchand (PSPID)").wait_for()
        assert "openflex-demo-sha" not in page.content()
        assert page.evaluate(NO_OVERFLOW)
        assert_accessible(page, f"{name} payment settings form")
        screenshot(page, f"{name}-settings-payment")
        context.close()
