"""Browser journey of issue #7 (V-11, V-12): a salesperson reserves a VO in pré-entrée from
a validated offer; another opportunity is refused an offer on it with a message naming
the reservation; the vehicle page shows the reservation and the vehicle unpublished."""

import pytest

# Registers the vehicle-page panel (also imported by opportunities/apps.py once wired).
import opportunities.reservations.panel  # noqa: F401
from openflex.accounts.models import User
from opportunities.reservations.models import Reservation
from opportunities.sales import services
from opportunities.sales.models import Offer, SalesSettings
from tests.e2e.conftest import login, screenshot
from tests.opportunities.factories import CustomerFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_reserve_refuse_a_second_opportunity_and_unpublish(page, live_server, demo):
    settings = SalesSettings.current()
    settings.preentry_reservation_enabled = True
    settings.save(update_fields=["preentry_reservation_enabled"])
    seller = User.objects.get(email="vendeur@demo.openflex.test")
    manager = User.objects.get(email="chef-des-ventes@demo.openflex.test")
    pos = seller.points_of_sale.filter(pk__in=manager.points_of_sale.values("pk")).first()
    vehicle = VehicleFactory(
        physical_site=pos.physical_sites.first(),
        status="pre_entree",
        parc="VO",
        destination="particulier",
        brand="Peugeot",
        model="3008",
    )
    opportunity = services.opportunity_create(
        customer=CustomerFactory(point_of_sale=pos, last_name="Réservant"),
        salesperson=seller,
        point_of_sale=pos,
        by=seller,
    )
    offer = services.offer_validate(
        offer=services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller),
        by=seller,
    )
    rival = services.opportunity_create(
        customer=CustomerFactory(point_of_sale=pos, last_name="Concurrent"),
        salesperson=manager,
        point_of_sale=pos,
        by=manager,
    )

    # The salesperson reserves from the validated offer.
    login(page, live_server, seller.email)
    page.goto(f"{live_server.url}/offres/{offer.pk}/")
    screenshot(page, "reservation-offer-before")
    page.get_by_role("button", name="Réserver").click()
    page.wait_for_url(f"**/offres/{offer.pk}/")
    page.get_by_text("Véhicule réservé pour une durée illimitée").first.wait_for()
    screenshot(page, "reservation-offer-reserved")
    assert Reservation.objects.filter(offer=offer, status="active").exists()

    # Another opportunity cannot make an offer on the vehicle.
    page.context.clear_cookies()
    login(page, live_server, manager.email)
    page.goto(f"{live_server.url}/opportunites/{rival.pk}/")
    page.get_by_text("Faire une nouvelle offre").click()
    page.fill("#id_offre-vehicle", str(vehicle.pk))
    page.get_by_role("button", name="Créer l'offre").click()
    refusal = page.get_by_text(f"Véhicule réservé par l'opportunité n° {opportunity.pk}")
    refusal.first.wait_for()
    assert seller.get_full_name() in refusal.first.inner_text()
    screenshot(page, "reservation-refused-second-opportunity")
    assert not Offer.objects.filter(opportunity=rival).exists()

    # The vehicle page: the reservation, and the vehicle not published because of it.
    page.goto(f"{live_server.url}/vehicules/{vehicle.pk}/")
    page.get_by_role("heading", name="Réservation").wait_for()
    body = page.locator("main").inner_text()
    assert "Réservé pour une durée illimitée" in body
    assert f"n° {opportunity.pk}" in body
    assert "Non publié" in body
    criterion = page.locator("ul.criteria li", has_text="Non réservé sans limite de durée")
    assert criterion.get_attribute("class") == "ko"
    assert page.get_by_text("Annuler la réservation").first.is_visible()
    screenshot(page, "reservation-vehicle-page")
