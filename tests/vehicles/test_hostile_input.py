"""Hostile or odd input found in review: a message, never a 500 (X-4), and rules kept."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.delays import selectors as delays
from vehicles.delays.services import vehicle_delay_snooze
from vehicles.models import Auction, StatusMaxStay, Vehicle
from vehicles.services import (
    transfer_request,
    vehicle_publication_refresh,
    vehicle_status_change,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return PhysicalSiteFactory()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(group_type="admin", rights=["access_vn"]))
    return client


@pytest.mark.parametrize("url", ["/vehicules/?saved=²", "/vehicules/export.xlsx?saved=²"])
def test_a_unicode_digit_as_saved_search_id_is_ignored(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "data",
    [{"action": "up", "status": "²"}],
)
def test_settings_reorder_with_a_unicode_digit_is_a_404(admin_client, data):
    assert admin_client.post("/parametres/vehicules/", data).status_code == 404


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_max_stay_with_odd_numbers_is_a_message(admin_client, statuses, value):
    status = statuses["pre_entree"]
    response = admin_client.post(
        "/parametres/vehicules/durees/", {f"stay-{status.pk}-VO-particulier": value}
    )
    assert response.status_code == 400
    assert "Nombre de jours entre 1 et 3650" in response.content.decode()
    assert not StatusMaxStay.objects.exists()


def test_auction_dates_far_away_are_refused_and_the_page_keeps_working(client, site):
    fleet = UserFactory(
        group_type="gestionnaire-parc",
        rights=["change_vehicle_configuration", "access_vn"],
        points_of_sale=[site.point_of_sale],
    )
    vehicle = VehicleFactory(physical_site=site)
    client.force_login(fleet)
    response = client.post(
        f"/vehicules/{vehicle.pk}/enchere/",
        {
            "starts_at": "0001-01-01T00:00",
            "ends_at": "9999-12-31T23:59",
            "reserve_price": "1",
        },
    )
    assert response.status_code == 400
    assert "Choisissez une date entre hier et dans deux ans." in response.content.decode()
    assert not Auction.objects.exists()
    assert client.get(f"/vehicules/{vehicle.pk}/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/parametres/comptes/?q=a%00b&type=%00", "/parametres/emails/?q=%00"]
)
def test_nul_bytes_in_admin_searches(client, url):
    client.force_login(UserFactory(group_type="admin", rights=["manage_accounts"]))
    assert client.get(url).status_code == 200


def test_control_characters_do_not_break_the_xml_feed(client, site):
    vehicle = VehicleFactory(physical_site=site, status="stock_vente", version="1.5 dCi\x0b110")
    vehicle_publication_refresh(vehicle=vehicle)
    root = ET.fromstring(b"".join(client.get("/feeds/stock.xml").streaming_content))  # noqa: S314
    assert root.find("vehicle/version").text == "1.5 dCi110"


def test_a_snooze_ends_with_the_status_stay(site, statuses):
    fleet = UserFactory(group_type="gestionnaire-parc", rights=["change_vehicle_configuration"])
    for code in ("pre_entree", "entree_physique"):
        StatusMaxStay.objects.create(
            status=statuses[code], parc="VO", destination="particulier", max_days=2
        )
    vehicle = VehicleFactory(physical_site=site, status="pre_entree")
    vehicle_delay_snooze(
        vehicle=vehicle,
        by=fleet,
        until=timezone.localdate() + timedelta(days=365),
        reason="Attente pièces",
    )
    vehicle_status_change(vehicle=vehicle, to="entree_physique", by=fleet, reason="Pièces reçues")
    Vehicle.objects.filter(pk=vehicle.pk).update(
        status_changed_at=timezone.now() - timedelta(days=10)
    )
    vehicle.refresh_from_db()
    assert (vehicle.delay_snoozed_until, vehicle.delay_reason) == (None, "")
    assert vehicle.pk in delays.late_vehicles(Vehicle.objects.all()).values_list(
        "number", flat=True
    )


def test_transfers_tile_counts_what_the_user_may_decide(client, site):
    """Without a transfer manager, a holder of the right on that point of sale decides."""
    validator = UserFactory(
        group_type="gestionnaire-parc",
        rights=["validate_transfers"],
        points_of_sale=[site.point_of_sale],
    )
    outsider = UserFactory(group_type="gestionnaire-parc", rights=["validate_transfers"])
    transfer_request(
        vehicle=VehicleFactory(physical_site=site),
        to_point_of_sale=PointOfSaleFactory(),
        by=validator,
    )
    client.force_login(validator)
    assert (
        '<span class="tile-count">1</span>'
        in client.get("/accueil/tuiles/transfers-to-validate/").content.decode()
    )
    client.force_login(outsider)
    assert (
        '<span class="tile-count">0</span>'
        in client.get("/accueil/tuiles/transfers-to-validate/").content.decode()
    )
