"""The late-vehicles tile, list, PDF, emailed XLSX and "Gérer le statut" views (V-9)."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from openflex.notifications.models import OutboundEmail
from tests.accounts.factories import PhysicalSiteFactory, UserFactory
from tests.vehicles.factories import VehicleFactory, local_days_ago
from vehicles.models import StatusMaxStay, Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return PhysicalSiteFactory()


@pytest.fixture
def manager(site):
    return UserFactory(
        group_type="gestionnaire-parc",
        rights=["change_vehicle_configuration", "access_vn"],
        points_of_sale=[site.point_of_sale],
    )


@pytest.fixture
def late(statuses, site):
    """Three late vehicles (VO pré-entrée 40 d, VN entrée physique 30 d) and one on time."""
    for parc in ("VO", "VN"):
        StatusMaxStay.objects.create(
            status=statuses["pre_entree"], parc=parc, destination="particulier", max_days=30
        )
        StatusMaxStay.objects.create(
            status=statuses["entree_physique"], parc=parc, destination="particulier", max_days=10
        )
    vehicles = {
        "vo": VehicleFactory(
            status="pre_entree", parc="VO", physical_site=site, brand="Peugeot", model="208"
        ),
        "vn": VehicleFactory(
            status="entree_physique", parc="VN", physical_site=site, brand="Renault", model="Clio"
        ),
        "vo2": VehicleFactory(
            status="entree_physique", parc="VO", physical_site=site, brand="Dacia", model="Duster"
        ),
        "on_time": VehicleFactory(status="entree_physique", parc="VO", physical_site=site),
    }
    ages = {"vo": 40, "vn": 30, "vo2": 12, "on_time": 2}
    for key, days in ages.items():
        Vehicle.objects.filter(pk=vehicles[key].pk).update(status_changed_at=local_days_ago(days))
    return vehicles


def test_tile_counts_late_vehicles_for_fleet_managers_only(client, manager, late):
    client.force_login(manager)
    response = client.get("/accueil/tuiles/late-vehicles/")
    assert response.status_code == 200
    assert '<span class="tile-count">3</span>' in response.content.decode()
    assert 'hx-get="/accueil/tuiles/late-vehicles/"' in client.get("/").content.decode()
    salesperson = UserFactory(group_type="vendeur", points_of_sale=[manager.points_of_sale.first()])
    client.force_login(salesperson)
    assert "late-vehicles" not in client.get("/").content.decode()
    assert client.get("/accueil/tuiles/late-vehicles/").status_code == 403
    assert client.get("/vehicules/retards/").status_code == 403


def test_list_shows_late_vehicles_most_overdue_first_with_days_late(client, manager, late):
    client.force_login(manager)
    html = client.get("/vehicules/retards/").content.decode()
    assert "3 véhicules en retard" in html
    order = [html.index(f'/vehicules/{late[k].pk}/"') for k in ("vn", "vo", "vo2")]
    assert order == sorted(order)  # vn 20 days late, vo 10, vo2 2
    assert "20 j" in html
    assert f'/vehicules/{late["on_time"].pk}/"' not in html


def test_list_filters_reuse_the_stock_filters(client, manager, late):
    client.force_login(manager)
    response = client.get("/vehicules/retards/?parc=VO", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "2 véhicules en retard" in html
    html = client.get(f"/vehicules/retards/?q={late['vn'].vin[4:10]}").content.decode()
    assert "1 véhicule en retard" in html
    html = client.get("/vehicules/retards/?status=pre_entree").content.decode()
    assert "1 véhicule en retard" in html


def test_list_status_filter_offers_statuses_up_to_before_delivery(client, manager, late):
    client.force_login(manager)
    html = client.get("/vehicules/retards/").content.decode()
    assert 'value="stock_vente"' in html
    assert 'value="livraison"' not in html
    assert 'value="sortie"' not in html


def test_print_pdf_has_one_row_per_vehicle_with_days_late(client, manager, late):
    client.force_login(manager)
    response = client.get("/vehicules/retards/liste.pdf?parc=VO")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Véhicules en retard" in text
    assert str(late["vo"].pk) in text and str(late["vo2"].pk) in text
    assert late["vn"].vin not in text
    assert "10 j" in text and "2 j" in text


def test_email_the_list_with_xlsx_and_link(
    client, manager, late, django_capture_on_commit_callbacks
):
    colleague = UserFactory(points_of_sale=[manager.points_of_sale.first()])
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/vehicules/retards/envoyer/", {"recipients": [colleague.pk], "query": "parc=VO"}
        )
    assert response.status_code == 302
    assert len(callbacks) >= 1
    (message,) = mail.outbox
    assert message.to == [colleague.email]
    assert f"{settings.SITE_URL}/vehicules/retards/?parc=VO" in message.body
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "N° OpenFlex" and "Jours de retard" in rows[0]
    assert sorted(r[0] for r in rows[1:]) == sorted([late["vo"].pk, late["vo2"].pk])
    email = OutboundEmail.objects.get(kind="late_vehicles_list")
    assert email.status == "sent"
    assert (Path(settings.MEDIA_ROOT) / email.attachments[0]["path"]).exists()


def test_email_needs_a_recipient(client, manager, late):
    client.force_login(manager)
    response = client.post("/vehicules/retards/envoyer/", {"query": ""}, follow=True)
    assert "Choisissez au moins un destinataire" in response.content.decode()
    assert not mail.outbox


def test_manage_status_next_status_with_reason(client, manager, late):
    vehicle = late["vn"]
    client.force_login(manager)
    page = client.get(f"/vehicules/{vehicle.pk}/retard/")
    assert "Stock de vente" in page.content.decode()
    response = client.post(
        f"/vehicules/{vehicle.pk}/retard/",
        {"action": "status", "to": "stock_vente", "reason": "Contrôle terminé"},
    )
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.status == "stock_vente"
    assert vehicle.events.get(to_status="stock_vente").reason == "Contrôle terminé"


def test_manage_status_snooze(client, manager, late):
    vehicle = late["vo"]
    client.force_login(manager)
    until = timezone.localdate() + timedelta(days=10)
    response = client.post(
        f"/vehicules/{vehicle.pk}/retard/",
        {"action": "snooze", "until": until.isoformat(), "reason": "Attente carte grise"},
    )
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.delay_snoozed_until, vehicle.delay_reason) == (until, "Attente carte grise")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "snooze", "until": "2020-01-01", "reason": "x"}, "Choisissez une date future"),
        ({"action": "snooze", "until": "", "reason": "x"}, "Choisissez une date"),
        ({"action": "status", "to": "livraison"}, "Sélectionnez un choix valide"),
        ({"action": "status", "to": "stock_vente", "reason": "r" * 501}, "500 caractères"),
    ],
)
def test_manage_status_bad_input_says_why_and_changes_nothing(client, manager, late, data, message):
    vehicle = late["vn"]
    client.force_login(manager)
    response = client.post(f"/vehicules/{vehicle.pk}/retard/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if data.get("reason"):
        assert data["reason"][:50] in html  # what was typed is kept
    vehicle.refresh_from_db()
    assert vehicle.status == "entree_physique"
    assert vehicle.delay_snoozed_until is None


def test_vehicle_page_checkbox_stops_alerts(client, manager, late):
    vehicle = late["vo"]
    client.force_login(manager)
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    assert "Ne plus être alerté du retard de ce véhicule" in html
    assert "En retard de 10 j" in html
    client.post(f"/vehicules/{vehicle.pk}/alertes-retard/", {"off": "1"})
    vehicle.refresh_from_db()
    assert vehicle.delay_alerts_off
    assert "2 véhicules en retard" in client.get("/vehicules/retards/").content.decode()


def test_list_query_count_does_not_depend_on_rows(client, manager, late):
    from tests.lists import assert_list_queries

    client.force_login(manager)
    site = late["vo"].physical_site

    def add(n):
        for _ in range(n):
            v = VehicleFactory(status="pre_entree", parc="VO", physical_site=site)
            Vehicle.objects.filter(pk=v.pk).update(
                status_changed_at=timezone.now() - timedelta(days=50)
            )

    counts = assert_list_queries(client, "/vehicules/retards/", add, budget=15, few=0, many=15)
    assert "18 véhicules en retard" in counts.html


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x"])
def test_manage_status_never_redirects_outside(client, manager, late, target):
    vehicle = late["vn"]
    client.force_login(manager)
    response = client.post(
        f"/vehicules/{vehicle.pk}/retard/",
        {"action": "status", "to": "stock_vente", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/vehicules/retards/"


@pytest.mark.parametrize("sort", ["", "late", "-late", "status_since", "number"])
def test_the_list_without_any_maximum_stay_is_empty_not_an_error(client, manager, site, sort):
    """No maximum stay configured yet: nothing is late, whatever the sort (was a 500)."""
    VehicleFactory(status="pre_entree", physical_site=site)
    client.force_login(manager)
    response = client.get(f"/vehicules/retards/?sort={sort}")
    assert response.status_code == 200
    assert response.context["rows"] == []
