"""The pages of the pre-entry reservation (V-11): the offer button, the vehicle panel, the
manager's cancellation, the switch, the Gestion filters of both lists and the export."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from opportunities.reservations import services as reservations
from opportunities.reservations.models import Reservation
from opportunities.sales import services
from opportunities.sales.models import SalesSettings
from tests.accounts.factories import UserFactory, admin_user
from tests.lists import assert_list_queries
from tests.opportunities.factories import OpportunityFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.services import vehicle_reservation_set

pytestmark = pytest.mark.django_db


def test_the_validated_offer_shows_reserver_and_reserves(
    client, switch_on, reserving_offer, seller
):
    client.force_login(seller)
    url = reverse("opportunities:offer_detail", args=[reserving_offer.pk])
    page = client.get(url).content.decode()
    action = reverse("opportunities:offer_reserve", args=[reserving_offer.pk])
    assert f'action="{action}"' in page and ">Réserver</button>" in page

    response = client.post(action, follow=True)
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert "Véhicule réservé pour une durée illimitée" in page
    assert "Réservé pour une durée illimitée" in page  # the badge replaces the button
    assert f'action="{action}"' not in page
    assert Reservation.objects.filter(offer=reserving_offer, status="active").count() == 1


def test_no_button_when_the_switch_is_off(client, reserving_offer, seller):
    client.force_login(seller)
    page = client.get(reverse("opportunities:offer_detail", args=[reserving_offer.pk]))
    assert ">Réserver</button>" not in page.content.decode()
    response = client.post(
        reverse("opportunities:offer_reserve", args=[reserving_offer.pk]), follow=True
    )
    assert "n&#x27;est pas activée" in response.content.decode()
    assert not Reservation.objects.exists()


def test_a_stranger_gets_404(client, switch_on, reserving_offer, pos):
    from tests.accounts.factories import PointOfSaleFactory

    stranger = UserFactory(group_type="vendeur", points_of_sale=[PointOfSaleFactory()])
    client.force_login(stranger)
    response = client.post(reverse("opportunities:offer_reserve", args=[reserving_offer.pk]))
    assert response.status_code == 404


def test_the_vehicle_panel_shows_the_reservation_and_the_manager_cancels_it(
    client, switch_on, reserving_offer, seller, manager, preentry_car
):
    reservation = reservations.reservation_create(offer=reserving_offer, by=seller)
    vehicle_url = reverse("vehicles:detail", args=[preentry_car.pk])
    end_url = reverse("opportunities:vehicle_reservation_end", args=[preentry_car.pk])

    client.force_login(seller)
    page = client.get(vehicle_url).content.decode()
    assert "Réservé pour une durée illimitée" in page
    assert "illimitée (tant que le véhicule est en pré-entrée)" in page
    assert f"n° {reserving_offer.opportunity_id}" in page
    assert seller.get_full_name() in page
    assert "Non réservé sans limite de durée" in page  # the eligibility criterion
    assert end_url not in page
    assert client.post(end_url, {"reservation": reservation.pk, "reason": "x"}).status_code == 403

    client.force_login(manager)
    page = client.get(vehicle_url).content.decode()
    assert "Annuler la réservation" in page and end_url in page
    client.post(end_url, {"reservation": reservation.pk, "reason": ""})
    reservation.refresh_from_db()
    assert reservation.status == "active"  # the reason is mandatory
    response = client.post(
        end_url, {"reservation": reservation.pk, "reason": "Client injoignable"}, follow=True
    )
    assert "Réservation annulée." in response.content.decode()
    reservation.refresh_from_db()
    assert (reservation.status, reservation.end_reason) == ("terminee", "Client injoignable")
    assert "Ce véhicule n'est pas réservé." in response.content.decode()


def test_the_switch_screen_is_for_administrators(client, seller):
    url = reverse("opportunities:reservation_settings")
    client.force_login(seller)
    assert client.get(url).status_code in (302, 403)
    admin = admin_user()
    client.force_login(admin)
    assert client.get(url).status_code == 200
    client.post(url, {"enabled": "on"})
    assert SalesSettings.current().preentry_reservation_enabled
    client.post(url, {})
    assert not SalesSettings.current().preentry_reservation_enabled
    assert "Réservation des VO en pré-entrée" in client.get("/parametres/").content.decode()


# --- The Gestion filters ----------------------------------------------------------------


@pytest.fixture
def three_reserved(site):
    vehicles = {}
    for kind in ("48h", "illimitee", "client", ""):
        vehicle = VehicleFactory(physical_site=site)
        if kind:
            vehicle_reservation_set(vehicle=vehicle, kind=kind)
        vehicles[kind] = vehicle
    return vehicles


def test_the_vehicle_list_filters_in_the_gestion_section(client, manager, three_reserved):
    client.force_login(manager)
    page = client.get(reverse("vehicles:list")).content.decode()
    gestion = page[page.index("Gestion") :]
    for label in (
        "Réservé pour 48h",
        "Réservé pour une durée illimitée",
        "Réservé par un client",
    ):
        assert label in gestion
    for kind in ("48h", "illimitee", "client"):
        page = client.get(reverse("vehicles:list"), {"reservation": kind}).content.decode()
        assert f"/vehicules/{three_reserved[kind].pk}/" in page
        others = [v for k, v in three_reserved.items() if k != kind]
        assert all(f"/vehicules/{v.pk}/" not in page for v in others)


def test_the_opportunity_list_filters_in_the_gestion_section(
    client, manager, pos, seller, three_reserved
):
    opportunities = {}
    for kind, vehicle in three_reserved.items():
        opportunity = OpportunityFactory(customer__point_of_sale=pos, point_of_sale=pos)
        services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
        opportunities[kind] = opportunity
    client.force_login(manager)
    url = reverse("opportunities:index")
    page = client.get(url).content.decode()
    gestion = page[page.index("<legend>Gestion</legend>") :]
    assert "Réservé pour 48h" in gestion and "Réservé par un client" in gestion
    for kind in ("48h", "illimitee", "client"):
        page = client.get(url, {"reservation": kind}).content.decode()
        assert f"/opportunites/{opportunities[kind].pk}/" in page
        others = [o for k, o in opportunities.items() if k != kind]
        assert all(f"/opportunites/{o.pk}/" not in page for o in others)
    page = client.get(url, {"reservation": ["48h", "client"]}).content.decode()
    assert f"/opportunites/{opportunities['48h'].pk}/" in page
    assert f"/opportunites/{opportunities['client'].pk}/" in page


def test_the_opportunity_list_filter_keeps_the_query_count(client, manager, pos, seller, site):
    client.force_login(manager)
    url = reverse("opportunities:index") + "?reservation=illimitee&reservation=48h"

    def add(n):
        for _ in range(n):
            vehicle = VehicleFactory(physical_site=site)
            vehicle_reservation_set(vehicle=vehicle, kind="illimitee")
            opportunity = OpportunityFactory(customer__point_of_sale=pos, point_of_sale=pos)
            services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)

    counts = assert_list_queries(client, url, add, budget=9, few=2, many=10)
    assert counts.html.count("badge-opp-en_cours") == 10


def test_the_export_columns_say_kind_and_end(client, manager, switch_on, reserving_offer, seller):
    from django.utils import timezone

    from vehicles.services import vehicle_status_change

    reservations.reservation_create(offer=reserving_offer, by=seller)
    cut = VehicleFactory(physical_site=reserving_offer.vehicle.physical_site, status="pre_entree")
    offer = services.offer_validate(
        offer=services.offer_create(
            opportunity=reserving_offer.opportunity, vehicle=cut, by=seller
        ),
        by=seller,
    )
    reservations.reservation_create(offer=offer, by=seller)
    vehicle_status_change(vehicle=cut, to="entree_physique", by=None, check_rights=False)
    ends_at = Reservation.objects.get(offer=offer).ends_at
    client.force_login(manager)

    response = client.get("/vehicules/export.xlsx?cols=number")
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("N° OpenFlex", "Genre", "Réservation", "Fin de réservation")
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[reserving_offer.vehicle_id][2:4] == (
        "Réservé pour une durée illimitée",
        "illimitée",
    )
    assert by_number[cut.pk][2:4] == (
        "Réservé pour 48h",
        timezone.localtime(ends_at).strftime("%d/%m/%Y %H:%M"),
    )
