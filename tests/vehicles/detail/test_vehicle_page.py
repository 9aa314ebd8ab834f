"""The vehicle page and its forms (V-1..V-3, V-7, V-8, V-12, V-14), feeds and settings."""

import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import PriceChange, StatusMaxStay, Vehicle
from vehicles.services import vehicle_prices_update, vehicle_publication_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return PhysicalSiteFactory()


@pytest.fixture
def fleet(site):
    return UserFactory(
        group_type="gestionnaire-parc",
        rights=["change_vehicle_configuration", "access_vn"],
        points_of_sale=[site.point_of_sale],
    )


@pytest.fixture
def seller(site):
    return UserFactory(
        group_type="vendeur", rights=["access_vn"], points_of_sale=[site.point_of_sale]
    )


def test_page_shows_identity_lifeline_prices_history_and_publication(client, fleet, site):
    vehicle = VehicleFactory(physical_site=site, status="stock_vente", registration="GH-456-JK")
    vehicle_prices_update(vehicle=vehicle, by=fleet, selling_price=Decimal("18990"))
    vehicle_publication_refresh(vehicle=vehicle)
    client.force_login(fleet)
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    for text in [
        "GH-456-JK",
        vehicle.vin,
        "Ligne de vie",
        "Pré-entrée",
        "Stock de vente",
        "18\xa0990,00\xa0€",
        "Historique des prix",
        "Changement manuel",
        "Historique",
        "Publié sur les sites d&#x27;annonces",
        "Prix de vente renseigné",
        f"N° OpenFlex {vehicle.pk}",
    ]:
        assert text in html, text


def test_status_change_needs_the_configuration_right(client, seller, site):
    vehicle = VehicleFactory(physical_site=site, status="pre_entree")
    client.force_login(seller)
    response = client.post(f"/vehicules/{vehicle.pk}/statut/", {"to": "entree_physique"})
    assert response.status_code == 403
    vehicle.refresh_from_db()
    assert vehicle.status == "pre_entree"


def test_allowed_status_change_appears_in_the_history(client, fleet, site):
    vehicle = VehicleFactory(physical_site=site, status="pre_entree")
    client.force_login(fleet)
    response = client.post(
        f"/vehicules/{vehicle.pk}/statut/",
        {"to": "entree_physique", "reason": "Livré par transporteur"},
    )
    assert response.status_code == 302
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    assert "Pré-entrée → Entrée physique — Livré par transporteur" in html


@pytest.mark.parametrize(
    ("status", "data", "message"),
    [
        ("pre_entree", {"to": "livraison"}, "Sélectionnez un choix valide"),
        ("stock_vente", {"to": "entree_physique"}, "Indiquez le motif"),
        ("pre_entree", {"to": "entree_physique", "reason": "x" * 501}, "500 caractères"),
    ],
)
def test_refused_status_change_says_why_and_changes_nothing(
    client, fleet, site, status, data, message
):
    vehicle = VehicleFactory(physical_site=site, status=status)
    client.force_login(fleet)
    response = client.post(f"/vehicules/{vehicle.pk}/statut/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    vehicle.refresh_from_db()
    assert vehicle.status == status


def test_negative_price_is_refused_next_to_the_field(client, fleet, site):
    vehicle = VehicleFactory(physical_site=site)
    client.force_login(fleet)
    response = client.post(
        f"/vehicules/{vehicle.pk}/prix/", {"selling_price": "-10", "staff_price": "9000"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le prix ne peut pas être négatif." in html
    assert 'value="9000"' in html  # what was typed is kept
    vehicle.refresh_from_db()
    assert vehicle.selling_price == Decimal("15000.00") and vehicle.staff_price is None
    assert not PriceChange.objects.exists()


@pytest.mark.parametrize(
    "vin",
    [
        "VF1ABCDEFGH12345",
        "VF1ABCDEFGH1234567",
        "VF1IBCDEFGH123456",
        "VF1OBCDEFGH123456",
        "VF1QBCDEFGH123456",
    ],
)
def test_create_refuses_an_invalid_vin_and_keeps_the_input(client, fleet, site, vin):
    client.force_login(fleet)
    response = client.post(
        "/vehicules/nouveau/",
        {
            "parc": "VO",
            "genre": "VP",
            "destination": "particulier",
            "brand": "Renault",
            "model": "Zoé",
            "energy": "electrique",
            "vin": vin,
            "mileage": "12000",
            "point_of_sale": site.point_of_sale_id,
            "physical_site": site.pk,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "17 caractères, sans les lettres I, O et Q" in html
    assert 'value="Zoé"' in html
    assert not Vehicle.objects.exists()


def test_create_a_vehicle(client, fleet, site):
    client.force_login(fleet)
    response = client.post(
        "/vehicules/nouveau/",
        {
            "parc": "VN",
            "genre": "VP",
            "destination": "particulier",
            "brand": "Renault",
            "model": "Austral",
            "energy": "hybride",
            "vin": "vf1rhn00012345678",
            "mileage": "0",
            "point_of_sale": site.point_of_sale_id,
            "physical_site": site.pk,
            "selling_price": "38900",
            "catalogue_price": "41000",
        },
    )
    vehicle = Vehicle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/vehicules/{vehicle.pk}/"
    assert vehicle.vin == "VF1RHN00012345678"
    assert vehicle.catalogue_price == Decimal("41000.00")
    assert vehicle.events.filter(kind="created").exists()


def test_creating_vehicles_needs_the_configuration_right(client, seller):
    client.force_login(seller)
    assert client.get("/vehicules/nouveau/").status_code == 403


def test_price_updates_to_validate_for_managers(client, seller, site):
    vehicle = VehicleFactory(physical_site=site)
    admin = UserFactory(group_type="admin", rights=["access_vn"])
    client.force_login(seller)
    client.post(f"/vehicules/{vehicle.pk}/prix/", {"selling_price": "14200"})
    change = PriceChange.objects.get()
    assert change.status == "a_valider"
    assert client.get("/vehicules/prix-a-valider/").status_code == 403
    client.force_login(admin)
    tile = client.get("/accueil/tuiles/price-updates-to-validate/").content.decode()
    assert '<span class="tile-count">1</span>' in tile
    assert "14\xa0200,00\xa0€" in client.get("/vehicules/prix-a-valider/").content.decode()
    client.post(f"/vehicules/prix/{change.pk}/decision/", {"action": "refuse", "reason": "Non"})
    vehicle.refresh_from_db()
    assert vehicle.selling_price == Decimal("15000.00")


def test_transfer_from_the_page_decided_by_the_transfer_manager(client, seller, site):
    manager = UserFactory(
        group_type="chef-des-ventes",
        rights=["validate_transfers"],
        points_of_sale=[site.point_of_sale],
    )
    site.point_of_sale.transfer_manager = manager
    site.point_of_sale.save()
    destination = PointOfSaleFactory()
    vehicle = VehicleFactory(physical_site=site)
    client.force_login(seller)
    client.post(f"/vehicules/{vehicle.pk}/transfert/", {"to_point_of_sale": destination.pk})
    transfer = vehicle.transfers.get()
    html = client.get("/vehicules/transferts/?statut=a_valider").content.decode()
    assert "Rejeter" not in html  # the seller does not decide
    response = client.post(f"/vehicules/transferts/{transfer.pk}/decision/", {"action": "approve"})
    assert response.status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == "a_valider"
    client.force_login(manager)
    response = client.post(
        f"/vehicules/transferts/{transfer.pk}/decision/", {"action": "reject"}, follow=True
    )
    assert "Indiquez le motif du rejet" in response.content.decode()
    client.post(f"/vehicules/transferts/{transfer.pk}/decision/", {"action": "approve"})
    vehicle.refresh_from_db()
    assert vehicle.point_of_sale == destination


def test_feeds_list_exactly_the_published_vehicles(client, site):
    published = VehicleFactory(physical_site=site, status="stock_vente", brand="Peugeot & Cie")
    vehicle_publication_refresh(vehicle=published)
    VehicleFactory(physical_site=site, status="entree_physique")
    xml = b"".join(client.get("/feeds/stock.xml").streaming_content)
    root = ET.fromstring(xml)  # noqa: S314 — our own feed
    assert [v.get("reference") for v in root.findall("vehicle")] == [str(published.pk)]
    assert root.find("vehicle/brand").text == "Peugeot & Cie"
    data = json.loads(b"".join(client.get("/feeds/stock.json").streaming_content))
    assert [v["reference"] for v in data["vehicles"]] == [published.pk]
    assert data["vehicles"][0]["price"] == "15000.00"


def test_settings_are_for_administrators(client, fleet):
    client.force_login(fleet)
    assert client.get("/parametres/vehicules/").status_code == 403


def test_custom_status_added_in_settings_shows_on_the_lifeline(client, site):
    admin = UserFactory(group_type="admin", rights=["access_vn", "change_vehicle_configuration"])
    client.force_login(admin)
    from vehicles.models import LifelineStatus

    after = LifelineStatus.objects.get(code="entree_physique")
    response = client.post(
        "/parametres/vehicules/", {"action": "add", "label": "Contrôle qualité", "after": after.pk}
    )
    assert response.status_code == 302
    vehicle = VehicleFactory(physical_site=site)
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    line = html[html.index('class="lifeline"') :]
    assert line.index("Entrée physique") < line.index("Contrôle qualité")
    assert line.index("Contrôle qualité") < line.index("Stock de vente")


def test_max_stay_grid_refuses_bad_values(client):
    admin = UserFactory(group_type="admin")
    client.force_login(admin)
    from vehicles.models import LifelineStatus

    status = LifelineStatus.objects.get(code="pre_entree")
    response = client.post(
        "/parametres/vehicules/durees/",
        {
            f"stay-{status.pk}-VO-particulier": "abc",
            f"stay-{status.pk}-VN-particulier": "12",
        },
    )
    assert response.status_code == 400
    assert "Nombre de jours entre 1 et 3650" in response.content.decode()
    assert not StatusMaxStay.objects.exists()
    client.post("/parametres/vehicules/durees/", {f"stay-{status.pk}-VN-particulier": "12"})
    assert StatusMaxStay.objects.get().max_days == 12


def test_settings_reorder_with_a_bad_status_id_is_a_404(client):
    client.force_login(UserFactory(group_type="admin"))
    response = client.post("/parametres/vehicules/", {"action": "up", "status": "abc"})
    assert response.status_code == 404


def test_transfer_list_query_count_does_not_grow_with_rows(client, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vehicles.services import transfer_request

    validator = UserFactory(
        group_type="directeur", rights=["validate_transfers"], points_of_sale=[site.point_of_sale]
    )
    client.force_login(validator)

    def add(n):
        for _ in range(n):
            transfer_request(
                vehicle=VehicleFactory(physical_site=site),
                to_point_of_sale=PointOfSaleFactory(),
                by=validator,
            )

    add(2)
    client.get("/vehicules/transferts/")
    with CaptureQueriesContext(connection) as few:
        html = client.get("/vehicules/transferts/?statut=a_valider").content.decode()
    assert html.count('value="approve"') == 2
    add(8)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/vehicules/transferts/?statut=a_valider").content.decode()
    assert html.count('value="approve"') == 10
    assert len(many) == len(few)


def test_price_changes_list_query_count_does_not_grow_with_rows(client, seller, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = UserFactory(group_type="admin", rights=["access_vn"])

    def add(n):
        for i in range(n):
            vehicle_prices_update(
                vehicle=VehicleFactory(physical_site=site),
                by=seller,
                selling_price=Decimal(9000 + i),
            )

    add(2)
    client.force_login(admin)
    client.get("/vehicules/prix-a-valider/")
    with CaptureQueriesContext(connection) as few:
        client.get("/vehicules/prix-a-valider/")
    add(8)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/vehicules/prix-a-valider/").content.decode()
    assert html.count('value="validate"') == 10
    assert len(many) == len(few)


def test_publication_criteria_show_which_fail(client, fleet, site):
    """V-12: each eligibility criterion with its state; a vehicle not in sales stock fails."""
    vehicle = VehicleFactory(physical_site=site, status="entree_physique")
    client.force_login(fleet)
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    criteria = html[html.index('<ul class="criteria">') :]
    criteria = criteria[: criteria.index("</ul>")]
    assert '<li class="ko"><span aria-hidden="true">✘</span> En stock de vente' in criteria
    assert '<li class="ok"><span aria-hidden="true">✔</span> Prix de vente renseigné' in criteria
    assert "Non publié" in html


def test_history_shows_price_and_status_changes_with_who(client, fleet, site):
    """V-3: the timeline lists what happened, who did it, newest first."""
    vehicle = VehicleFactory(physical_site=site, status="pre_entree")
    client.force_login(fleet)
    client.post(f"/vehicules/{vehicle.pk}/statut/", {"to": "entree_physique"})
    client.post(f"/vehicules/{vehicle.pk}/prix/", {"selling_price": "16500"})
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    timeline = html[html.index('<ol class="timeline">') :]
    price = timeline.index("Prix de vente : 15\xa0000,00\xa0€ → 16\xa0500,00\xa0€")
    status = timeline.index("Statut : Pré-entrée → Entrée physique")
    assert price < status  # newest first
    assert fleet.get_full_name() in timeline


def test_a_price_decision_needs_a_manager_and_validation_keeps_the_price(client, seller, site):
    """V-8: a salesperson cannot decide (403, unchanged); a sales manager validates."""
    vehicle = VehicleFactory(physical_site=site)
    client.force_login(seller)
    client.post(f"/vehicules/{vehicle.pk}/prix/", {"selling_price": "14200"})
    change = PriceChange.objects.get()
    response = client.post(f"/vehicules/prix/{change.pk}/decision/", {"action": "validate"})
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == "a_valider"
    manager = UserFactory(
        group_type="chef-des-ventes", rights=["access_vn"], points_of_sale=[site.point_of_sale]
    )
    client.force_login(manager)
    client.post(f"/vehicules/prix/{change.pk}/decision/", {"action": "validate"})
    change.refresh_from_db()
    vehicle.refresh_from_db()
    assert change.status == "validee" and change.decided_by == manager
    assert vehicle.selling_price == Decimal("14200.00")
    assert "14\xa0200,00\xa0€" not in client.get("/vehicules/prix-a-valider/").content.decode()


def test_a_price_decision_without_an_action_changes_nothing(client, seller, site):
    """V-8: only 'validate' and 'refuse' decide; a missing action no longer refuses."""
    vehicle = VehicleFactory(physical_site=site)
    client.force_login(seller)
    client.post(f"/vehicules/{vehicle.pk}/prix/", {"selling_price": "14200"})
    change = PriceChange.objects.get()
    client.force_login(UserFactory(group_type="admin", rights=["access_vn"]))
    response = client.post(f"/vehicules/prix/{change.pk}/decision/", {}, follow=True)
    assert "Choisissez de valider ou de refuser." in response.content.decode()
    change.refresh_from_db()
    vehicle.refresh_from_db()
    assert change.status == "a_valider" and vehicle.selling_price == Decimal("14200.00")


@pytest.fixture
def transfer_setup(site, seller):
    manager = UserFactory(
        group_type="chef-des-ventes",
        rights=["validate_transfers", "access_vn"],
        points_of_sale=[site.point_of_sale],
    )
    site.point_of_sale.transfer_manager = manager
    site.point_of_sale.save()
    other = UserFactory(
        group_type="directeur",
        rights=["validate_transfers", "access_vn"],
        points_of_sale=[site.point_of_sale],
    )
    destination = PointOfSaleFactory()
    vehicle = VehicleFactory(physical_site=site)
    from vehicles.services import transfer_request

    transfer = transfer_request(vehicle=vehicle, to_point_of_sale=destination, by=seller)
    return {"manager": manager, "other": other, "vehicle": vehicle, "transfer": transfer}


def test_only_the_transfer_manager_sees_the_decision_on_the_vehicle_page(
    client, seller, transfer_setup
):
    """V-14: the transfer manager of the vehicle's point of sale decides; a director of the
    same point of sale with the right does not (the manager is named) — 403 on POST."""
    vehicle, transfer = transfer_setup["vehicle"], transfer_setup["transfer"]
    for user in (seller, transfer_setup["other"]):
        client.force_login(user)
        html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
        assert "en attente d'approbation" in html
        assert "Valider le transfert" not in html
        response = client.post(
            f"/vehicules/transferts/{transfer.pk}/decision/", {"action": "approve"}
        )
        assert response.status_code == 403
    client.force_login(transfer_setup["manager"])
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    assert "Valider le transfert" in html and 'value="reject"' in html
    transfer.refresh_from_db()
    vehicle.refresh_from_db()
    assert transfer.status == "a_valider" and vehicle.point_of_sale == transfer.from_point_of_sale


def test_reject_without_a_reason_from_the_vehicle_page(client, transfer_setup):
    """V-14: rejecting needs a reason — message, nothing changed, back on the vehicle."""
    vehicle, transfer = transfer_setup["vehicle"], transfer_setup["transfer"]
    client.force_login(transfer_setup["manager"])
    response = client.post(
        f"/vehicules/transferts/{transfer.pk}/decision/",
        {"action": "reject", "reason": "", "next": "vehicle"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/vehicules/{vehicle.pk}/"
    assert "Indiquez le motif du rejet." in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "a_valider"
    client.post(
        f"/vehicules/transferts/{transfer.pk}/decision/",
        {"action": "reject", "reason": "Vendu ici", "next": "vehicle"},
    )
    transfer.refresh_from_db()
    vehicle.refresh_from_db()
    assert transfer.status == "rejete" and vehicle.point_of_sale == transfer.from_point_of_sale
    html = client.get(f"/vehicules/{vehicle.pk}/").content.decode()
    assert "Transfert rejeté : Vendu ici" in html


def test_approval_moves_the_vehicle_and_its_history_says_so(client, transfer_setup):
    """V-14: approval moves the vehicle to the new point of sale; the manager of the old one
    no longer sees it and lands on the transfers list."""
    vehicle, transfer = transfer_setup["vehicle"], transfer_setup["transfer"]
    client.force_login(transfer_setup["manager"])
    response = client.post(
        f"/vehicules/transferts/{transfer.pk}/decision/",
        {"action": "approve", "next": "vehicle"},
    )
    assert response["Location"] == "/vehicules/transferts/?statut=a_valider"
    vehicle.refresh_from_db()
    assert vehicle.point_of_sale == transfer.to_point_of_sale
    assert vehicle.events.filter(kind="transfer", message__startswith="Transfert validé").exists()
    assert client.get(f"/vehicules/{vehicle.pk}/").status_code == 404


def test_a_transfer_decision_without_an_action_changes_nothing(client, transfer_setup):
    """V-14: a POST without 'approve' or 'reject' no longer counts as a rejection."""
    transfer = transfer_setup["transfer"]
    client.force_login(transfer_setup["manager"])
    response = client.post(
        f"/vehicules/transferts/{transfer.pk}/decision/", {"reason": "x"}, follow=True
    )
    assert "Choisissez de valider ou de rejeter." in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "a_valider"


@pytest.mark.parametrize("value", ["abc", "0", "-3", "3651"])
def test_max_stay_out_of_range_is_refused(client, value):
    """V-9 settings: a maximum stay is 1 to 3650 days; nothing saved otherwise."""
    client.force_login(UserFactory(group_type="admin"))
    from vehicles.models import LifelineStatus

    status = LifelineStatus.objects.get(code="entree_physique")
    response = client.post(
        "/parametres/vehicules/durees/", {f"stay-{status.pk}-VD-professionnel": value}
    )
    assert response.status_code == 400
    assert "Nombre de jours entre 1 et 3650" in response.content.decode()
    assert "rien n&#x27;a été enregistré" in response.content.decode()
    assert not StatusMaxStay.objects.exists()


def test_vehicle_page_outside_scope_is_a_404(client, fleet):
    """V-1 scope: another point of sale's vehicle does not exist for this user."""
    other = VehicleFactory()
    client.force_login(fleet)
    assert client.get(f"/vehicules/{other.pk}/").status_code == 404
    response = client.post(f"/vehicules/{other.pk}/statut/", {"to": "entree_physique"})
    assert response.status_code == 404
