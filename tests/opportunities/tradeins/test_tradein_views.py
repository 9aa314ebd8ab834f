"""Trade-in pages (O-8, X-4): the opportunity page, creation with bad input kept, the
decisions through the views, rights on the server, the estimate PDF (O-7)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from opportunities.sales.models import Opportunity
from opportunities.tradeins import services as tradeins
from opportunities.tradeins.models import TradeIn
from tests.accounts.factories import PointOfSaleFactory, UserFactory

pytestmark = pytest.mark.django_db


def tiny_jpeg() -> bytes:
    """A real (one-pixel) JPEG: the form checks photos with Pillow."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "JPEG")
    return buffer.getvalue()


FORM = {
    "kind": "seche",
    "destination": "particulier",
    "brand": "Peugeot",
    "model": "308",
    "version": "1.2 PureTech",
    "energy": "essence",
    "registration": "GH-123-JK",
    "vin": "VF3LBHNZ6JS123456",
    "mileage": "62000",
    "first_registration": "2019-03-14",
    "condition": "Bon état",
    "estimate": "11 000",
    "requested_value": "12000,00",
    "proposed_value": "10500",
}


def test_opportunity_page_shows_the_button_and_the_trade_ins(client, seller, trade_in):
    client.force_login(seller)
    page = client.get(reverse("opportunities:detail", args=[trade_in.opportunity_id]))
    body = page.content.decode()
    assert "Ajouter une reprise" in body
    assert f'id="tradein-{trade_in.pk}"' in body and "À valider" in body


def test_create_from_the_opportunity_with_photos(client, seller, opportunity, site):
    client.force_login(seller)
    url = reverse("opportunities:tradein_create", args=[opportunity.pk])
    assert client.get(url).status_code == 200
    photo = SimpleUploadedFile("avant.jpg", tiny_jpeg(), content_type="image/jpeg")
    response = client.post(url, {**FORM, "photos": [photo]})
    trade_in = TradeIn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("opportunities:tradein_detail", args=[trade_in.pk])
    assert trade_in.proposed_value == Decimal("10500.00")
    assert trade_in.estimate == Decimal("11000.00")
    assert trade_in.photos.count() == 1
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("proposed_value", "-500", "négatif"),
        ("requested_value", "99999999", "plausible"),
        ("requested_value", "1e30", "montant"),
        ("estimate", "abc", "montant"),
        ("mileage", "9999999", "plausible"),
        ("mileage", "-3", "négatif"),
        ("vin", "123", "17 caractères"),
        ("first_registration", "2999-01-01", "futur"),
    ],
)
def test_bad_input_keeps_what_was_typed(client, seller, opportunity, field, value, message):
    client.force_login(seller)
    url = reverse("opportunities:tradein_create", args=[opportunity.pk])
    response = client.post(url, {**FORM, field: value})
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    body = response.content.decode()
    assert value in body  # the typed value stays in the field
    assert "Peugeot" in body
    assert not TradeIn.objects.exists()


def test_a_stranger_cannot_open_the_opportunity_form_or_the_trade_in(client, trade_in, pos):
    stranger = UserFactory(group_type="vendeur", points_of_sale=[pos])
    client.force_login(stranger)
    url = reverse("opportunities:tradein_create", args=[trade_in.opportunity_id])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("opportunities:tradein_detail", args=[trade_in.pk])).status_code == 404
    )
    pdf = reverse("opportunities:tradein_estimate_pdf", args=[trade_in.pk])
    assert client.get(pdf).status_code == 404


def test_the_salesperson_sees_no_decision_and_cannot_force_one(client, seller, trade_in):
    client.force_login(seller)
    page = client.get(reverse("opportunities:tradein_detail", args=[trade_in.pk]))
    assert page.context["actions"] == []
    for action in ("valider", "enchere"):
        client.post(reverse("opportunities:tradein_action", args=[trade_in.pk, action]))
    client.post(
        reverse("opportunities:tradein_action", args=[trade_in.pk, "refuser"]), {"reason": "x"}
    )
    assert TradeIn.objects.get(pk=trade_in.pk).status == TradeIn.Status.TO_VALIDATE


def test_validator_of_another_point_of_sale_does_not_see_it(client, trade_in):
    other = UserFactory(
        group_type="valideur-reprises",
        rights=["validate_tradeins"],
        points_of_sale=[PointOfSaleFactory()],
    )
    client.force_login(other)
    assert (
        client.get(reverse("opportunities:tradein_detail", args=[trade_in.pk])).status_code == 404
    )
    url = reverse("opportunities:tradein_action", args=[trade_in.pk, "valider"])
    assert client.post(url).status_code == 404


def test_refusal_without_reason_says_so_next_to_the_field(client, validator, trade_in):
    client.force_login(validator)
    url = reverse("opportunities:tradein_action", args=[trade_in.pk, "refuser"])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Indiquez le motif du refus." in response.content.decode()
    assert TradeIn.objects.get(pk=trade_in.pk).status == TradeIn.Status.TO_VALIDATE
    response = client.post(url, {"reason": "Cote trop basse"})
    assert response.status_code == 302
    assert TradeIn.objects.get(pk=trade_in.pk).status == TradeIn.Status.REFUSED


def test_decisions_through_the_page(client, validator, seller, trade_in):
    client.force_login(validator)
    detail = reverse("opportunities:tradein_detail", args=[trade_in.pk])
    actions = {a["action"] for a in client.get(detail).context["actions"]}
    assert actions == {"valider", "enchere", "refuser"}
    client.post(reverse("opportunities:tradein_action", args=[trade_in.pk, "enchere"]))
    assert TradeIn.objects.get(pk=trade_in.pk).status == TradeIn.Status.AUCTION
    client.post(reverse("opportunities:tradein_action", args=[trade_in.pk, "valider"]))
    assert TradeIn.objects.get(pk=trade_in.pk).status == TradeIn.Status.VALIDATED
    # A second click changes nothing and gives a message, not a 500.
    response = client.post(reverse("opportunities:tradein_action", args=[trade_in.pk, "valider"]))
    assert response.status_code == 302
    client.force_login(seller)
    actions = {a["action"] for a in client.get(detail).context["actions"]}
    assert actions == {"offre", "finaliser", "stock"}  # "offre": the offer of reprise (S-4)
    client.post(reverse("opportunities:tradein_action", args=[trade_in.pk, "finaliser"]))
    fresh = TradeIn.objects.get(pk=trade_in.pk)
    assert fresh.completed_at and fresh.stock_vehicle_id
    assert fresh.opportunity.status == Opportunity.Status.WON


def test_edit_keeps_bad_input_and_changes_nothing(client, seller, trade_in):
    client.force_login(seller)
    url = reverse("opportunities:tradein_edit", args=[trade_in.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**FORM, "proposed_value": "-1"})
    assert response.status_code == 400
    assert TradeIn.objects.get(pk=trade_in.pk).proposed_value == Decimal("10500.00")
    response = client.post(url, {**FORM, "proposed_value": "10 900"})
    assert response.status_code == 302
    assert TradeIn.objects.get(pk=trade_in.pk).proposed_value == Decimal("10900.00")


def test_requesters_form(client, pos, django_capture_on_commit_callbacks):
    requester = UserFactory(group_type="secretaire", points_of_sale=[pos])
    validator = UserFactory(group_type="valideur-reprises", points_of_sale=[pos])
    client.force_login(requester)
    url = reverse("opportunities:tradein_request")
    assert client.get(url).status_code == 200
    data = {k: v for k, v in FORM.items() if k != "kind"}
    response = client.post(url, {**data, "point_of_sale": pos.pk, "proposed_value": "-5"})
    assert response.status_code == 400 and not TradeIn.objects.exists()
    other_pos = PointOfSaleFactory()
    response = client.post(url, {**data, "point_of_sale": other_pos.pk})
    assert response.status_code == 400 and not TradeIn.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "point_of_sale": pos.pk})
    trade_in = TradeIn.objects.get()
    assert trade_in.creation_method == TradeIn.Method.REQUESTERS
    assert trade_in.opportunity_id is None and trade_in.created_by == requester
    assert validator.notifications.filter(kind="tradein_request").exists()
    assert (
        client.get(reverse("opportunities:tradein_detail", args=[trade_in.pk])).status_code == 200
    )


def test_estimate_pdf(client, seller, trade_in):
    client.force_login(seller)
    detail = client.get(reverse("opportunities:tradein_detail", args=[trade_in.pk]))
    url = reverse("opportunities:tradein_estimate_pdf", args=[trade_in.pk])
    assert url in detail.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Estimation de reprise" in text
    assert "VF3LBHNZ6JS123456" in text and "GH-123-JK" in text
    assert "10 500,00" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Cachet et signature du concessionnaire" in text
    assert "Signature du client" in text
    assert trade_in.opportunity.customer.last_name.upper() in text


def test_estimate_pdf_of_a_request_without_customer(pos, django_capture_on_commit_callbacks):
    from opportunities.documents import services as documents

    trade_in = tradeins.tradein_request_from_campaign(
        point_of_sale=pos, brand="Dacia", model="Sandero", mileage=10
    )
    text = PdfReader(io.BytesIO(documents.tradein_estimate_pdf(trade_in))).pages[0].extract_text()
    assert "Dacia" in text


def test_tradein_page_query_count_does_not_grow(client, seller, trade_in):
    """X-2 (issue 11): the trade-in page costs the same with a short or a long history."""
    from opportunities.tradeins.services import tradein_event_record
    from tests.lists import assert_list_queries

    def add(n):
        for i in range(n):
            tradein_event_record(trade_in=trade_in, kind="note", message=f"Note {i}", by=seller)

    client.force_login(seller)
    url = reverse("opportunities:tradein_detail", args=[trade_in.pk])
    assert_list_queries(client, url, add, budget=8, partial=False)
