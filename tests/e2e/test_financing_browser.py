"""Browser journey of V-13: from a validated VO offer, request financing, fill the form,
get the agreement in principle, and find "dossier transmis à la financière" in the order's
financing summary."""

from decimal import Decimal

import pytest

from openflex.accounts.models import PhysicalSite, User
from openflex.accounts.selectors import points_of_sale_for_user
from opportunities.customers.models import Customer
from opportunities.financing.models import FinancingRequest
from opportunities.sales import services
from opportunities.sales.models import Order
from tests.e2e.conftest import login, screenshot
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_financing_request_from_a_validated_offer_to_the_order(page, live_server, demo):
    seller = User.objects.get(email="vendeur@demo.openflex.test")
    home = points_of_sale_for_user(seller).order_by("name").first()
    vehicle = VehicleFactory(
        physical_site=PhysicalSite.objects.filter(point_of_sale=home).first(),
        status="stock_vente",
        parc="VO",
        brand="Renault",
        model="Captur",
        selling_price=Decimal("16990.00"),
    )
    customer = Customer.objects.create(
        kind=Customer.Kind.PERSON,
        civility="M.",
        last_name="Roussel",
        first_name="Hugo",
        email="hugo.roussel@example.test",
        mobile="0611223344",
        point_of_sale=home,
    )
    opportunity = services.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=home, by=seller
    )
    offer = services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
    offer = services.offer_validate(offer=offer, by=seller)

    login(page, live_server, "vendeur@demo.openflex.test")
    page.goto(f"{live_server.url}/offres/{offer.pk}/")
    page.get_by_role("link", name="Demander un financement").click()
    page.fill("#id_down_payment", "3000")
    page.get_by_label("Taux annuel").fill("5,5")
    page.get_by_label("Date de naissance").fill("1985-07-14")
    page.get_by_label("Situation professionnelle").select_option(index=1)
    page.get_by_label("Revenus mensuels nets").fill("3200")
    page.get_by_label("Charges mensuelles").fill("450")
    screenshot(page, "financing-request-form")
    page.get_by_role("button", name="Transmettre à la financière").click()
    page.locator("#financement").get_by_text("Accord de principe favorable").first.wait_for()
    request = FinancingRequest.objects.get(offer=offer)
    assert request.status == FinancingRequest.Status.FAVOURABLE
    assert request.provider_reference
    screenshot(page, "financing-offer-answer")

    # The order paid by financing shows the file in its summary.
    page.get_by_role("button", name="Passer la commande").click()
    page.wait_for_url("**/commandes/*/?onglet=reglement")
    page.get_by_label("Mode de règlement du solde").select_option("financement")
    page.get_by_role("button", name="Enregistrer le règlement").click()
    page.get_by_text("Règlement enregistré.").wait_for()
    order = Order.objects.get(offer=offer)
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    summary = page.locator("#financement")
    summary.get_by_text("Dossier transmis à la financière").wait_for()
    assert request.provider_reference in summary.inner_text()
    screenshot(page, "financing-order-summary")
