"""Financing pages (V-13): vehicle panel, custom simulation form, default, offer block,
financing request, order summary, stock list column and price sticker; rights and bad
input on the server."""

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from opportunities.financing import services as financing
from opportunities.financing.models import FinancingRequest, FinancingSimulation
from opportunities.sales import services
from tests.opportunities.financing.conftest import applicant

pytestmark = pytest.mark.django_db
D = Decimal


def _client(client, user):
    client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode()


def _squash(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _sim_post(**kwargs):
    data = {
        "price": "15 000,00",
        "down_payment": "3 000",
        "duration_months": "48",
        "annual_rate": "4,9",
        "services_monthly": "0",
        "label": "Offre du mois",
        "save": "1",
    }
    data.update(kwargs)
    return data


# --- Vehicle page ------------------------------------------------------------------------


def test_vehicle_panel_highlights_the_lowest_automatic(client, car, fleet_manager):
    financing.financing_simulations_refresh(vehicle=car)
    html = _squash(_text(_client(client, fleet_manager).get(f"/vehicules/{car.pk}/")))
    assert "Mensualité la plus basse" in html
    assert "Définir comme offre par défaut" in html
    assert "Personnaliser une simulation" in html


def test_vehicle_panel_read_only_for_a_salesperson(client, car, seller):
    financing.financing_simulations_refresh(vehicle=car)
    html = _text(_client(client, seller).get(f"/vehicules/{car.pk}/"))
    assert "Mensualité la plus basse" in html
    assert "Définir comme offre par défaut" not in html
    assert "Personnaliser une simulation" not in html


def test_custom_simulation_saved_as_default(client, car, fleet_manager):
    c = _client(client, fleet_manager)
    response = c.post(f"/vehicules/{car.pk}/financement/simulation/", _sim_post(make_default="on"))
    assert response.status_code == 302
    sim = FinancingSimulation.objects.get(vehicle=car)
    assert (sim.is_default, sim.kind, sim.label) == (True, "personnalisee", "Offre du mois")
    assert sim.monthly_payment == D("275.81")
    car.refresh_from_db()
    assert car.monthly_payment == D("275.81")
    html = _squash(_text(c.get(f"/vehicules/{car.pk}/")))
    assert "Offre par défaut" in html
    assert "275,81 € / mois" in html
    assert "Retirer l'offre par défaut" in html


def test_preview_computes_without_writing(client, car, fleet_manager):
    data = _sim_post()
    data.pop("save")
    response = _client(client, fleet_manager).post(
        f"/vehicules/{car.pk}/financement/simulation/", {**data, "preview": "1"}
    )
    assert response.status_code == 200
    assert "275,81" in _squash(_text(response))
    assert not FinancingSimulation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("annual_rate", "30", "entre 0 et 25 %"),
        ("annual_rate", "-1", "entre 0 et 25 %"),
        ("annual_rate", "beaucoup", "Saisissez un taux"),
        ("duration_months", "200", "entre 6 et 120 mois"),
        ("duration_months", "3", "entre 6 et 120 mois"),
        ("down_payment", "20 000", "inférieur au prix"),
        ("down_payment", "-5", "négatif"),
        ("price", "-1", "négatif"),
        ("services_monthly", "-3", "négatif"),
    ],
)
def test_vehicle_simulation_bad_input(client, car, fleet_manager, field, value, message):
    response = _client(client, fleet_manager).post(
        f"/vehicules/{car.pk}/financement/simulation/", _sim_post(**{field: value})
    )
    assert response.status_code == 400
    html = _text(response)
    assert message in html
    assert f'value="{value}"' in html  # the typed value is kept
    assert f'id="id_{field}_error"' in html or "errorlist" in html
    assert not FinancingSimulation.objects.exists()


def test_set_and_clear_default_through_the_page(client, car, fleet_manager):
    financing.financing_simulations_refresh(vehicle=car)
    sims = list(FinancingSimulation.objects.filter(vehicle=car).order_by("-monthly_payment"))
    c = _client(client, fleet_manager)
    c.post(f"/vehicules/{car.pk}/financement/{sims[0].pk}/defaut/")
    car.refresh_from_db()
    assert car.monthly_payment == sims[0].monthly_payment
    c.post(f"/vehicules/{car.pk}/financement/{sims[1].pk}/defaut/")
    assert list(FinancingSimulation.objects.filter(is_default=True)) == [sims[1]]
    c.post(f"/vehicules/{car.pk}/financement/defaut/retirer/")
    car.refresh_from_db()
    assert car.monthly_payment == sims[-1].monthly_payment  # lowest automatic
    assert not FinancingSimulation.objects.filter(is_default=True).exists()


def test_refresh_button(client, car, fleet_manager):
    response = _client(client, fleet_manager).post(f"/vehicules/{car.pk}/financement/actualiser/")
    assert response.status_code == 302
    assert FinancingSimulation.objects.filter(vehicle=car).count() == 6


@pytest.mark.parametrize(
    "url",
    [
        "/vehicules/{n}/financement/simulation/",
        "/vehicules/{n}/financement/{s}/defaut/",
        "/vehicules/{n}/financement/defaut/retirer/",
        "/vehicules/{n}/financement/{s}/supprimer/",
        "/vehicules/{n}/financement/actualiser/",
    ],
)
def test_vehicle_rights(client, car, seller, outsider, url):
    financing.financing_simulations_refresh(vehicle=car)
    sim = FinancingSimulation.objects.filter(vehicle=car).first()
    url = url.format(n=car.pk, s=sim.pk)
    # A salesperson sees the vehicle but lacks the configuration right: 403.
    assert _client(client, seller).post(url, _sim_post()).status_code == 403
    # A fleet manager of another point of sale does not see the vehicle: 404.
    assert _client(client, outsider).post(url, _sim_post()).status_code == 404
    assert not FinancingSimulation.objects.filter(is_default=True).exists()
    assert FinancingSimulation.objects.filter(vehicle=car).count() == 6


def test_default_of_another_vehicle_is_404(client, car, site, fleet_manager):
    from tests.vehicles.factories import VehicleFactory

    other = VehicleFactory(physical_site=site, status="stock_vente")
    financing.financing_simulations_refresh(vehicle=other)
    sim = FinancingSimulation.objects.filter(vehicle=other).first()
    response = _client(client, fleet_manager).post(
        f"/vehicules/{car.pk}/financement/{sim.pk}/defaut/"
    )
    assert response.status_code == 404


# --- Stock list and sticker ----------------------------------------------------------------


def test_stock_list_column_and_export(client, car, fleet_manager):
    from openpyxl import load_workbook

    financing.financing_simulations_refresh(vehicle=car)
    car.refresh_from_db()
    c = _client(client, fleet_manager)
    html = _squash(_text(c.get("/vehicules/?cols=number,monthly_payment")))
    assert "Mensualité" in html
    assert _squash(f"{car.monthly_payment:.2f}".replace(".", ",")) in html
    response = c.get("/vehicules/export.xlsx?cols=number,monthly_payment")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    col = header.index("Mensualité")
    assert D(str(sheet.cell(row=2, column=col + 1).value)) == car.monthly_payment


def _pdf_text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    return _squash(" ".join(page.extract_text() for page in reader.pages))


def test_sticker_prints_the_default(client, car, fleet_manager):
    c = _client(client, fleet_manager)
    assert "/ mois" not in _pdf_text(c.get(f"/vehicules/{car.pk}/affichette.pdf"))
    financing.financing_simulations_refresh(vehicle=car)
    financing.financing_simulation_create(
        vehicle=car,
        by=fleet_manager,
        price=D("15000"),
        down_payment=D("3000"),
        duration_months=48,
        annual_rate=D("4.9"),
        label="Offre du mois",
        make_default=True,
    )
    text = _pdf_text(c.get(f"/vehicules/{car.pk}/affichette.pdf"))
    assert "Offre du mois" in text
    assert "275,81 € / mois" in text
    assert "sur 48 mois" in text


def test_sticker_falls_back_to_the_lowest_automatic(client, car, fleet_manager):
    financing.financing_simulations_refresh(vehicle=car)
    car.refresh_from_db()
    text = _pdf_text(_client(client, fleet_manager).get(f"/vehicules/{car.pk}/affichette.pdf"))
    amount = f"{car.monthly_payment:.2f}".replace(".", ",")
    assert f"{amount} € / mois" in text


# --- Offer, request, order -----------------------------------------------------------------


def test_offer_page_simulations(client, offer, seller):
    c = _client(client, seller)
    html = _text(c.get(f"/offres/{offer.pk}/"))
    assert "Simuler un financement" in html
    assert "Demander un financement" not in html  # offer not validated
    c.post(f"/offres/{offer.pk}/financement/actualiser/")
    net = services.offer_totals(offer).net_to_pay
    sims = FinancingSimulation.objects.filter(offer=offer)
    assert sims.count() == 6
    assert {s.price for s in sims} == {net}
    assert not sims.filter(is_default=True).exists()
    response = c.post(
        f"/offres/{offer.pk}/financement/simulation/",
        {"price": str(net), "down_payment": "0", "duration_months": "130", "annual_rate": "3"},
    )
    assert response.status_code == 400
    assert "entre 6 et 120 mois" in _text(response)
    assert 'value="130"' in _text(response)
    response = c.post(
        f"/offres/{offer.pk}/financement/simulation/",
        {
            "price": str(net),
            "down_payment": "0",
            "duration_months": "40",
            "annual_rate": "0",
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert FinancingSimulation.objects.filter(offer=offer, kind="personnalisee").get()


def test_offer_rights(client, offer, outsider):
    """A fleet manager does not sell (the access table, issue 13): 403 before any lookup."""
    c = _client(client, outsider)
    assert c.post(f"/offres/{offer.pk}/financement/actualiser/").status_code == 403
    assert c.get(f"/offres/{offer.pk}/financement/simulation/").status_code == 403
    assert c.get(f"/offres/{offer.pk}/financement/demande/").status_code == 403


def _request_post(**kwargs):
    data = {
        "amount": "15 000",
        "down_payment": "3 000",
        "duration_months": "48",
        "annual_rate": "4,9",
        "civility": "Mme",
        "last_name": "Martin",
        "first_name": "Claire",
        "birth_date": "1985-07-14",
        "employment": "cdi",
        "monthly_income": "3 000",
        "monthly_charges": "500",
    }
    data.update(kwargs)
    return data


def test_request_flow_through_the_pages(
    client, validated_offer, seller, django_capture_on_commit_callbacks
):
    c = _client(client, seller)
    html = _text(c.get(f"/offres/{validated_offer.pk}/"))
    assert "Demander un financement" in html
    form = _text(c.get(f"/offres/{validated_offer.pk}/financement/demande/"))
    assert 'name="monthly_income"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/offres/{validated_offer.pk}/financement/demande/", _request_post())
    assert response.status_code == 302
    request = FinancingRequest.objects.get(offer=validated_offer)
    assert request.status == FinancingRequest.Status.FAVOURABLE
    html = _text(c.get(f"/offres/{validated_offer.pk}/"))
    assert "Accord de principe favorable" in html
    assert request.provider_reference in html
    # No second request once favourable.
    response = c.get(f"/offres/{validated_offer.pk}/financement/demande/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("annual_rate", "40", "entre 0 et 25 %"),
        ("duration_months", "240", "entre 6 et 120 mois"),
        ("down_payment", "16 000", "inférieur au prix"),
        ("monthly_income", "-10", "négatif"),
        ("monthly_charges", "-1", "négatif"),
        ("birth_date", "31/02/1990", "Saisissez une date"),
        ("last_name", "", "Indiquez le nom"),
    ],
)
def test_request_bad_input(client, validated_offer, seller, field, value, message):
    response = _client(client, seller).post(
        f"/offres/{validated_offer.pk}/financement/demande/", _request_post(**{field: value})
    )
    assert response.status_code == 400
    html = _text(response)
    assert message in html
    if value:
        assert f'value="{value}"' in html
    assert not FinancingRequest.objects.exists()


def test_order_summary_waiting_then_answered(
    client, draft_order, seller, django_capture_on_commit_callbacks
):
    c = _client(client, seller)
    services.order_payment_update(
        order=draft_order,
        by=seller,
        balance_method="financement",
        deposit_amount=D("0"),
        deposit_method="",
        deposit_not_online=False,
    )
    html = _text(c.get(f"/commandes/{draft_order.pk}/"))
    assert "aucune demande de financement" in html
    with django_capture_on_commit_callbacks(execute=False):
        financing.financing_request_create(
            offer=draft_order.offer,
            by=seller,
            amount=D("15000"),
            down_payment=D("3000"),
            duration_months=48,
            annual_rate=D("4.9"),
            applicant=applicant(),
        )
    html = _text(c.get(f"/commandes/{draft_order.pk}/"))
    assert "Dossier transmis à la financière" in html
    request = FinancingRequest.objects.get()
    financing.financing_request_send(request_id=request.pk)
    html = _text(c.get(f"/commandes/{draft_order.pk}/"))
    assert "Accord de principe favorable" in html
    assert "aucune demande de financement" not in html


def test_order_without_financing_shows_nothing(client, ready_order, seller):
    html = _text(_client(client, seller).get(f"/commandes/{ready_order.pk}/"))
    assert 'id="financement"' not in html


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_query_count_does_not_grow_with_simulations(
    client, car, validated_offer, fleet_manager, seller, django_capture_on_commit_callbacks
):
    c = _client(client, fleet_manager)
    vehicle_url = f"/vehicules/{car.pk}/"
    financing.financing_simulation_create(
        vehicle=car,
        by=fleet_manager,
        price=D("15000"),
        down_payment=D("0"),
        duration_months=48,
        annual_rate=D("4.9"),
    )
    one = _count(c, vehicle_url)
    financing.financing_simulations_refresh(vehicle=car)
    assert _count(c, vehicle_url) == one

    s = _client(client, seller)
    offer_url = f"/offres/{validated_offer.pk}/"
    before = _count(s, offer_url)
    financing.financing_offer_simulations_refresh(offer=validated_offer, by=seller)
    with django_capture_on_commit_callbacks(execute=True):
        financing.financing_request_create(
            offer=validated_offer,
            by=seller,
            amount=D("15000"),
            down_payment=D("0"),
            duration_months=48,
            annual_rate=D("4.9"),
            applicant=applicant(income="1000"),
        )
    assert _count(s, offer_url) == before
