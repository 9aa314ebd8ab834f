"""Browser journey of issue #5: customer → opportunity → offer with a delivery pack →
validated offer → order → manager's validation → delivered (O-1 … O-6, O-10, V-10)."""

import re
from decimal import Decimal

import pytest

from openflex.accounts.models import PhysicalSite, User
from openflex.accounts.selectors import points_of_sale_for_user
from opportunities.customers.models import Customer
from opportunities.products.models import PackElement, Product
from opportunities.sales.models import Offer, Opportunity, Order
from tests.e2e.conftest import login, screenshot, wait_for_tiles
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _euros(text: str) -> Decimal:
    digits = re.sub(r"[^\d,−-]", "", text).replace(",", ".").replace("−", "-")
    return Decimal(digits)


def test_from_a_new_customer_to_a_delivered_order(page, live_server, demo):
    # A car of the salesperson's default point of sale (another's would wait for a transfer).
    seller = User.objects.get(email="vendeur@demo.openflex.test")
    home = points_of_sale_for_user(seller).order_by("name").first()
    vehicle = VehicleFactory(
        physical_site=PhysicalSite.objects.filter(point_of_sale=home).first(),
        status="stock_vente",
        brand="Peugeot",
        model="2008",
        selling_price=Decimal("18490.00"),
    )
    pack = Product.objects.create(
        kind=Product.Kind.PACK,
        name="Pack Sérénité E2E",
        price=Decimal("9990.00"),  # dearer than every demo pack: pre-selected
        brands=[vehicle.brand],
    )
    PackElement.objects.create(pack=pack, label="Plein de carburant", price=Decimal("90.00"))
    PackElement.objects.create(pack=pack, label="Tapis de sol", price=Decimal("60.00"))

    # The salesperson creates the customer …
    login(page, live_server, "vendeur@demo.openflex.test")
    page.goto(f"{live_server.url}/clients/nouveau/")
    page.fill("#id_last_name", "Lefèvre")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Email").fill("ines.lefevre@example.test")
    page.get_by_label("Mobile").fill("06 98 76 54 32")
    screenshot(page, "sales-customer-form")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/clients/*/")
    customer = Customer.objects.get(email="ines.lefevre@example.test")

    # … an opportunity for her …
    page.get_by_role("link", name="Nouvelle opportunité").click()
    page.get_by_role("button", name="Créer l'opportunité").click()
    page.wait_for_url("**/opportunites/*/")
    opportunity = Opportunity.objects.get(customer=customer)

    # … and an offer on the vehicle: the dearest compatible pack is proposed.
    page.get_by_text("Faire une nouvelle offre").click()
    page.fill("#id_offre-vehicle", str(vehicle.pk))
    page.get_by_role("button", name="Créer l'offre").click()
    page.wait_for_url("**/offres/*/")
    offer = Offer.objects.get(opportunity=opportunity)
    assert page.locator("#id_pack_choice").input_value() == str(pack.pk)
    total = _euros(page.locator("[data-total=ttc]").inner_text())
    assert total == vehicle.selling_price + Decimal("150.00")

    # Keeping only part of the pack recomputes the totals on the server (HTMX).
    page.get_by_label("Tapis de sol").uncheck()
    page.wait_for_function(
        "(expected) => document.querySelector('[data-total=ttc]').textContent.replace(/\\D/g, '')"
        " === expected",
        arg=str(int((vehicle.selling_price + Decimal("90.00")) * 100)),
    )
    page.get_by_role("button", name="+ Avantage client").click()
    page.locator("#line-1-label").fill("Remise fidélité")
    page.locator("#line-1-amount").fill("500")
    page.locator("#line-1-amount").press("Tab")
    expected = vehicle.selling_price + Decimal("90.00") - Decimal("500.00")
    page.wait_for_function(
        "(expected) => document.querySelector('[data-total=ttc]').textContent.replace(/\\D/g, '')"
        " === expected",
        arg=str(int(expected * 100)),
    )
    screenshot(page, "sales-offer-builder")
    page.get_by_role("button", name="Enregistrer l'offre").click()
    page.get_by_text("Offre enregistrée.").wait_for()
    offer.refresh_from_db()
    assert offer.lines.filter(kind="remise", amount=Decimal("500.00")).exists()

    # The customer accepts; the order follows, with its payment tab.
    page.get_by_role("button", name="Valider l'offre").click()
    page.get_by_text("Offre validée").first.wait_for()
    page.get_by_role("button", name="Passer la commande").click()
    page.wait_for_url("**/commandes/*/?onglet=reglement")
    order = Order.objects.get(offer=offer)
    assert page.get_by_role("button", name="Valider la commande").is_disabled()
    page.get_by_label("Mode de règlement du solde").select_option("especes")
    page.get_by_role("button", name="Enregistrer le règlement").click()
    page.get_by_text("ne peut pas dépasser 1").first.wait_for()  # cash limit (O-6)
    screenshot(page, "sales-order-cash-limit")
    page.get_by_label("Mode de règlement du solde").select_option("virement")
    page.get_by_label("Montant de l'acompte").fill("1000")
    page.get_by_label("Mode de règlement de l'acompte").select_option("cheque")
    page.get_by_role("button", name="Enregistrer le règlement").click()
    page.get_by_text("Règlement enregistré.").wait_for()
    page.get_by_role("button", name="Valider la commande").click()
    page.get_by_text("Commande envoyée pour validation").wait_for()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_VALIDATION
    screenshot(page, "sales-order-sent")

    # The sales manager validates it from the home tile's list.
    page.context.clear_cookies()
    login(page, live_server, "chef-des-ventes@demo.openflex.test")
    wait_for_tiles(page)
    screenshot(page, "sales-manager-home")
    page.locator("a[data-tile=orders-to-validate]").click()
    page.wait_for_url("**/commandes/?vue=a_valider")
    row = page.locator(f"#order-{order.pk}")
    row.get_by_role("button", name="Valider").click()
    page.get_by_text("Commande validée.").wait_for()
    assert Order.objects.get(pk=order.pk).status == Order.Status.ORDERED
    vehicle.refresh_from_db()
    assert vehicle.status == "livraison"

    # Prepared, then declared delivered: the vehicle leaves the stock.
    page.goto(f"{live_server.url}/commandes/?vue=a_preparer")
    page.locator(f"#order-{order.pk}").get_by_role("button", name="Prêt à livrer").click()
    page.get_by_text("Commande prête à livrer.").wait_for()
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    page.get_by_role("button", name="Déclarer livré").click()
    page.get_by_text("Commande livrée").first.wait_for()
    screenshot(page, "sales-order-delivered")
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED
    vehicle.refresh_from_db()
    assert vehicle.status == "sortie"
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.WON
