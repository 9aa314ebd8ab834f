"""The VAT regime of a vehicle (issue 13): set at stock entry, editable by the fleet
manager, shown on the vehicle page, exported in the stock XLSX."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from tests.accounts.factories import PhysicalSiteFactory, UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Parc, VatRegime, Vehicle
from vehicles.services import vehicle_create, vehicle_update

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


def _create(site, by, **fields):
    data = {
        "genre": "VP",
        "brand": "Peugeot",
        "model": "208",
        "energy": "essence",
        "vin": "VF3ABCDEFGH123456",
        "physical_site": site,
        "point_of_sale": site.point_of_sale,
    }
    return vehicle_create(by=by, **{**data, **fields})


@pytest.mark.parametrize(
    ("parc", "regime"),
    [(Parc.VN, VatRegime.NORMAL), (Parc.VD, VatRegime.NORMAL), (Parc.VO, VatRegime.MARGIN)],
)
def test_the_regime_at_stock_entry_follows_the_type_unless_given(site, fleet, parc, regime):
    assert _create(site, fleet, parc=parc).vat_regime == regime


def test_a_vo_bought_from_a_vat_registered_company_is_entered_as_normal(site, fleet):
    vehicle = _create(site, fleet, parc=Parc.VO, vat_regime=VatRegime.NORMAL)
    assert vehicle.vat_regime == VatRegime.NORMAL


@pytest.mark.parametrize("parc", [Parc.VN, Parc.VD])
def test_only_a_used_vehicle_is_sold_under_the_margin_scheme(site, fleet, parc):
    with pytest.raises(ValidationError) as exc:
        _create(site, fleet, parc=parc, vat_regime=VatRegime.MARGIN)
    assert "vat_regime" in exc.value.message_dict
    assert not Vehicle.objects.exists()


def test_the_fleet_manager_changes_the_regime_and_it_is_in_the_history(client, site, fleet):
    vehicle = VehicleFactory(physical_site=site, parc=Parc.VO, vat_regime=VatRegime.MARGIN)
    client.force_login(fleet)
    form = client.get(f"/vehicules/{vehicle.pk}/modifier/").text
    assert 'name="vat_regime"' in form and 'name="purchase_price"' in form

    data = {
        "genre": vehicle.genre,
        "destination": vehicle.destination,
        "brand": vehicle.brand,
        "model": vehicle.model,
        "version": vehicle.version,
        "energy": vehicle.energy,
        "vin": vehicle.vin,
        "registration": vehicle.registration,
        "internal_number": vehicle.internal_number,
        "mileage": vehicle.mileage,
        "physical_site": site.pk,
        "vat_regime": "normal",
        "purchase_price": "11000",
    }
    response = client.post(f"/vehicules/{vehicle.pk}/modifier/", data)

    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.vat_regime, vehicle.purchase_price) == ("normal", Decimal("11000.00"))
    assert vehicle.events.filter(kind="update", message__contains="régime de TVA").exists()


def test_a_vn_cannot_be_switched_to_the_margin_scheme(site, fleet):
    vehicle = VehicleFactory(physical_site=site, parc=Parc.VN)
    with pytest.raises(ValidationError):
        vehicle_update(vehicle=vehicle, by=fleet, vat_regime=VatRegime.MARGIN)
    vehicle.refresh_from_db()
    assert vehicle.vat_regime == VatRegime.NORMAL


def test_the_create_form_leaves_the_regime_to_the_type(client, site, fleet):
    client.force_login(fleet)
    response = client.post(
        "/vehicules/nouveau/",
        {
            "parc": "VO",
            "genre": "VP",
            "destination": "particulier",
            "brand": "Dacia",
            "model": "Sandero",
            "energy": "essence",
            "vin": "UU1ABCDEFGH123456",
            "mileage": "48000",
            "point_of_sale": site.point_of_sale_id,
            "physical_site": site.pk,
            "vat_regime": "",
            "selling_price": "9990",
        },
    )
    assert response.status_code == 302
    assert Vehicle.objects.get().vat_regime == VatRegime.MARGIN


def test_the_page_shows_the_regime_and_the_purchase_price_to_the_fleet_manager_only(
    client, site, fleet
):
    vehicle = VehicleFactory(
        physical_site=site,
        parc=Parc.VO,
        vat_regime=VatRegime.MARGIN,
        selling_price=Decimal("12000.00"),
        purchase_price=Decimal("9000.00"),
    )
    client.force_login(fleet)
    page = client.get(f"/vehicules/{vehicle.pk}/").text
    assert "TVA sur la marge (art. 297 A du CGI)" in page
    assert "9\xa0000,00\xa0€" in page
    assert "500,00\xa0€" in page  # 3 000 € margin × 20/120, for the dealer's books

    seller = UserFactory(
        group_type="vendeur", rights=["access_vn"], points_of_sale=[site.point_of_sale]
    )
    client.force_login(seller)
    page = client.get(f"/vehicules/{vehicle.pk}/").text
    assert "TVA sur la marge (art. 297 A du CGI)" in page
    assert "9\xa0000,00\xa0€" not in page


def test_the_stock_export_has_a_vat_regime_column(client, site, fleet):
    VehicleFactory(physical_site=site, internal_number="VO-MARGE", vat_regime=VatRegime.MARGIN)
    VehicleFactory(physical_site=site, internal_number="VO-NORMAL", vat_regime=VatRegime.NORMAL)
    client.force_login(fleet)

    response = client.get("/vehicules/export.xlsx?sort=number&cols=number,internal_number")

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    assert "Régime TVA" in header
    regime = {
        row[header.index("N° interne")].value: row[header.index("Régime TVA")].value
        for row in sheet.iter_rows(min_row=2)
    }
    assert regime == {
        "VO-MARGE": "TVA sur la marge (art. 297 A du CGI)",
        "VO-NORMAL": "TVA sur le prix total",
    }
