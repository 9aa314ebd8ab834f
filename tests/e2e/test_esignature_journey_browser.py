"""Browser journey of issue #15 from the order (S-4, S-1, S-6, S-8): the manager presses
"Valider et envoyer pour e-signature" → the customer opens the email's link on a phone
(375 px, no horizontal scroll) → asks for the code → reads it from the SMS outbox →
signs → downloads the sealed order form; the order is then validated and its deposit's
e-payment link sent; the S-8 list shows the order waiting for its e-payment. Screenshots
at 1366 px and 375 px."""

import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from opportunities.sales import services as sales
from opportunities.sales.models import Order
from payments.models import Payment
from signatures.models import SignatureRequest
from signatures.sealing.services import pdf_verify
from signatures.sms.models import SmsMessage
from tests.accounts.factories import PASSWORD, PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.e2e.conftest import login, screenshot
from tests.opportunities.factories import CustomerFactory
from tests.payments.factories import PaymentConfigurationFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(30_000)
    return context


def _verify(data: bytes):
    """pyHanko's validation runs its own event loop: not in this thread, where Playwright's
    sync API keeps one running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(pdf_verify, data).result()


def _ready_order():
    pos = PointOfSaleFactory(phone="04 72 00 00 00", email="lyon@concession.test", city="Lyon")
    PaymentConfigurationFactory(point_of_sale=pos)  # e-payment offered here (P-1)
    manager = UserFactory(
        group_type="chef-des-ventes",
        points_of_sale=[pos],
        rights=["access_vn", "validate_orders"],
        email="chef.e2e@example.test",
    )
    site = PhysicalSiteFactory(point_of_sale=pos)
    car = VehicleFactory(
        physical_site=site,
        status="stock_vente",
        brand="Peugeot",
        model="3008",
        selling_price=Decimal("24900.00"),
    )
    customer = CustomerFactory(
        point_of_sale=pos, email="ines.lefevre@example.test", mobile="06 98 76 54 32"
    )
    opportunity = sales.opportunity_create(
        customer=customer, salesperson=manager, point_of_sale=pos, by=manager
    )
    offer = sales.offer_validate(
        offer=sales.offer_create(opportunity=opportunity, vehicle=car, by=manager), by=manager
    )
    order = sales.order_create(offer=offer, by=manager)
    order = sales.order_payment_update(
        order=order,
        by=manager,
        balance_method="virement",
        deposit_amount=Decimal("1500.00"),
        deposit_method="carte",
        deposit_not_online=False,
    )
    return manager, order


def test_from_the_order_to_a_sealed_pdf_signed_on_a_phone(browser, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    manager, order = _ready_order()
    order_url = f"{live_server.url}/commandes/{order.pk}/"

    # The manager sends the order form for e-signature (desktop).
    staff = _context(browser, DESKTOP).new_page()
    login(staff, live_server, manager.email, PASSWORD)
    staff.goto(order_url)
    mail.outbox.clear()
    staff.get_by_role("button", name="Valider et envoyer pour e-signature").click()
    staff.get_by_text("Bon de commande envoyé au client pour e-signature").wait_for()
    staff.locator("#esignature").get_by_text("En attente", exact=True).wait_for()
    screenshot(staff, "esign-journey-1-order-sent-1366")
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_SIGNATURE

    # The customer opens the email's link on a phone.
    body = next(m.body for m in mail.outbox if "ines.lefevre@example.test" in m.to)
    link = re.search(r"(http\S+/e-signature/\S+/)", body).group(1)
    assert link.startswith(live_server.url)
    phone = _context(browser, PHONE).new_page()
    phone.goto(link)
    phone.get_by_role("heading", name="Documents à signer").wait_for()
    assert phone.get_by_text(f"Bon de commande n° {order.pk}").first.is_visible()
    assert manager.get_full_name() not in phone.content()  # nothing of the staff
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "esign-journey-2-documents-375")

    phone.get_by_role("button", name="Signer — recevoir le code par SMS").click()
    phone.get_by_label("Code reçu par SMS").wait_for()
    request = SignatureRequest.objects.get(order=order)
    sms = SmsMessage.objects.filter(reference=f"signature_request:{request.pk}").latest("pk")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    phone.get_by_label("Code reçu par SMS").fill(code)
    screenshot(phone, "esign-journey-3-code-375")
    phone.get_by_role("button", name="Valider ma signature").click()
    phone.get_by_role("heading", name="Documents signés").wait_for()
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "esign-journey-4-signed-375")

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name=re.compile("Télécharger « Bon de commande")).click()
    path = Path(tmp_path) / "bon-de-commande-signe.pdf"
    download_info.value.save_as(path)
    verification = _verify(path.read_bytes())
    assert verification.sealed and verification.intact
    assert verification.request_id == request.pk

    # The order proceeds as a validated one: the deposit's e-payment link is sent.
    order.refresh_from_db()
    assert order.status == Order.Status.ORDERED
    assert Payment.objects.filter(order=order, status=Payment.Status.SENT).exists()
    staff.goto(order_url)
    staff.locator("#esignature").get_by_text("signé et scellé").wait_for()
    with staff.expect_download() as staff_download:
        staff.locator("#esignature").get_by_role("link", name=re.compile("Bon de commande")).click()
    staff_download.value.save_as(Path(tmp_path) / "staff.pdf")
    assert _verify((Path(tmp_path) / "staff.pdf").read_bytes()).intact
    screenshot(staff, "esign-journey-5-order-signed-1366")

    # S-8: the order waits for its e-payment; the list lets staff correct and resend.
    staff.goto(f"{live_server.url}/signatures/relances/?vue=epaiement")
    staff.locator(f"#order-{order.pk}").wait_for()
    screenshot(staff, "esign-journey-6-resend-list-1366")
    small = _context(browser, PHONE).new_page()
    login(small, live_server, manager.email, PASSWORD)
    small.goto(f"{live_server.url}/signatures/relances/?vue=epaiement")
    small.locator(f"#order-{order.pk}").wait_for()
    assert small.evaluate(NO_OVERFLOW)
    screenshot(small, "esign-journey-7-resend-list-375")
    small.get_by_role("button", name="Renvoyer le e-paiement").click()
    small.get_by_text("nouveau lien de e-paiement envoyé").wait_for()
    screenshot(small, "esign-journey-8-resent-375")


def test_a_dry_trade_in_offer_waiting_for_its_signature_on_a_phone(browser, live_server):
    """S-4 at 375 px: "Envoyer pour e-signature" on the offer of reprise, then "Dupliquer"
    asks for the confirmation that the e-signature will be cancelled."""
    from opportunities.tradeins import services as tradeins
    from signatures.models import SignatureRequest as Request

    manager, order = _ready_order()
    validator = UserFactory(
        group_type="valideur-reprises",
        points_of_sale=[order.point_of_sale],
        rights=["validate_tradeins"],
    )
    trade_in = tradeins.tradein_create(
        opportunity=order.opportunity,
        by=manager,
        kind="seche",
        brand="Renault",
        model="Mégane",
        energy="essence",
        vin="VF1RFB00X63528417",
        mileage=58400,
        proposed_value=Decimal("11200.00"),
    )
    tradeins.tradein_validate(trade_in=trade_in, by=validator)
    offer = tradeins.tradein_offer_create(trade_in=trade_in, by=manager)

    page = _context(browser, PHONE).new_page()
    login(page, live_server, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/offres/{offer.pk}/")
    page.get_by_role("button", name="Envoyer pour e-signature").click()
    page.get_by_text("l'offre attend la signature").wait_for()
    assert Request.objects.filter(offer=offer, status=Request.Status.PENDING).exists()
    page.get_by_text("Dupliquer…").click()
    page.locator("details[open]").get_by_text("la e-signature sera annulée").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "esign-tradein-offer-confirm-375")
    page.get_by_role("button", name="Confirmer : Dupliquer").click()
    page.wait_for_url(re.compile(r".*/offres/\d+/$"))
    assert Request.objects.get(offer=offer).status == Request.Status.DELETED
