"""VAT on used vehicles (issue 13): a VO bought from a private person is sold under the
margin scheme (article 297 A of the CGI). Its order keeps the regime; the order form
shows no VAT on the vehicle and carries the legal mention; the accessories sold with it
keep their 20 % VAT. A VN prints its VAT as before."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from opportunities.documents import services as documents
from opportunities.sales import services as sales_services
from tests.opportunities.documents.test_documents import pdf_text
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Parc, VatRegime

pytestmark = pytest.mark.django_db

MENTION = "Régime particulier – biens d'occasion (article 297 A du CGI)"
NOTE = "TVA sur la marge, non récupérable"


def _validated_order(vehicle, opportunity, seller, manager, price):
    offer = sales_services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
    sales_services.offer_update(
        offer=offer,
        by=seller,
        vehicle_price=Decimal(price),
        administrative_fees=Decimal("276.76"),
        lines=[
            ("remise", "Remise fidélité", Decimal("500.00"), None),
            ("accessoire", "Tapis de sol", Decimal("150.00"), None),
            ("prestation", "Extension de garantie 12 mois", Decimal("300.00"), None),
        ],
    )
    offer = sales_services.offer_validate(offer=offer, by=seller)
    order = sales_services.order_create(offer=offer, by=seller)
    order = sales_services.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("0.00"),
        deposit_method="",
        deposit_not_online=False,
        delivery_date=date(2030, 3, 2),
    )
    sales_services.order_submit(order=order, by=seller)
    sales_services.order_validate(order=order, by=manager)
    order.refresh_from_db()
    return order


@pytest.fixture
def used_car(site):
    """A VO bought from a private person: margin scheme."""
    return VehicleFactory(
        physical_site=site,
        status="stock_vente",
        parc=Parc.VO,
        vat_regime=VatRegime.MARGIN,
        selling_price=Decimal("12000.00"),
        purchase_price=Decimal("9500.00"),
    )


@pytest.fixture
def new_car(site):
    return VehicleFactory(
        physical_site=site,
        status="stock_vente",
        parc=Parc.VN,
        registration="",
        mileage=0,
        selling_price=Decimal("20000.00"),
    )


@pytest.fixture
def margin_order(used_car, opportunity, seller, manager):
    return _validated_order(used_car, opportunity, seller, manager, "12000.00")


def test_the_order_keeps_the_regime_and_the_advantage_follows_the_vehicle(margin_order):
    snapshot = margin_order.snapshot

    assert snapshot["vehicle"]["vat_regime"] == "margin"
    lines = {line["kind"]: line for line in snapshot["lines"]}
    assert lines["remise"]["amount_ht"] == "500.00"  # deducted from a price without VAT
    assert lines["accessoire"]["amount_ht"] == "125.00"  # a new good: 20 % VAT
    totals = snapshot["totals"]
    assert totals["total_ttc"] == "12226.76"  # 11 500 + 150 + 300 + 276,76
    assert totals["margin_total"] == "11500.00"
    assert totals["vat_base"] == "375.00"
    assert totals["vat"] == "75.00"
    assert totals["total_ht"] == "12151.76"


def test_the_order_form_of_a_margin_scheme_vo_carries_the_mention_and_no_vehicle_vat(
    margin_order, used_car
):
    text = pdf_text(documents.order_form_pdf(margin_order))

    assert MENTION in text
    assert NOTE in text
    # The vehicle's line: the same amount HT and TTC (no VAT to take off), marked (1).
    assert "Véhicule Renault Clio TCe 90 Evolution (1) 12 000,00 € 12 000,00 €" in text
    assert "10 000,00 €" not in text  # what 20 % VAT would have made of it
    assert "Remise fidélité (1) -500,00 € -500,00 €" in text
    # The accessory and the service keep their VAT; the VAT is theirs only.
    assert "Tapis de sol 125,00 € 150,00 €" in text
    assert "Extension de garantie 12 mois 250,00 € 300,00 €" in text
    assert "Total HT 12 151,76 €" in text
    assert "dont véhicule sous le régime de la marge, sans TVA apparente (1) 11 500,00 €" in text
    assert "TVA 20 % (accessoires, prestations, pack) 75,00 €" in text
    assert "Total TTC 12 226,76 €" in text
    # The dealer's purchase price and margin VAT are his business: never printed.
    assert "9 500,00 €" not in text

    # The fleet manager changing the regime later does not change what was sold.
    used_car.vat_regime = VatRegime.NORMAL
    used_car.save(update_fields=["vat_regime"])
    margin_order.refresh_from_db()
    assert MENTION in pdf_text(documents.order_form_pdf(margin_order))


def test_the_order_form_of_a_vn_prints_its_vat_and_no_mention(
    new_car, opportunity, seller, manager
):
    order = _validated_order(new_car, opportunity, seller, manager, "20000.00")

    text = pdf_text(documents.order_form_pdf(order))

    assert "biens d'occasion" not in text and "297 A" not in text
    assert "Véhicule Renault Clio TCe 90 Evolution 16 666,67 € 20 000,00 €" in text
    assert "Remise fidélité -416,67 € -500,00 €" in text
    # HT: 16 666,67 − 416,67 + 125 + 250 + 276,76 = 16 901,76; TTC 20 226,76.
    assert "Total HT 16 901,76 €" in text
    assert "TVA 20 % 3 325,00 €" in text
    assert "Total TTC 20 226,76 €" in text


def test_the_order_page_shows_the_vehicle_without_vat_and_the_mention(client, seller, margin_order):
    client.force_login(seller)

    body = client.get(reverse("opportunities:order_detail", args=[margin_order.pk])).text

    assert "régime de la marge : sans TVA apparente" in body
    assert (
        '<td class="num">12\u00a0000,00\u00a0€</td><td class="num">12\u00a0000,00\u00a0€</td>'
        in body
    )
    assert "Régime particulier – biens d'occasion (article 297 A du CGI)" in body
    assert "dont TVA 20 % (accessoires, prestations, pack)" in body


def test_the_offer_in_ht_shows_the_margin_vehicle_at_its_price(client, seller, used_car, offer):
    """The HT/TTC switch: the vehicle under the margin scheme has no VAT to take off."""
    client.force_login(seller)
    data = {
        "vehicle_price": "12000",
        "show_ht": "1",
        "line_kind": ["remise", "accessoire"],
        "line_label": ["Remise", "Tapis"],
        "line_amount": ["500", "120"],
        "line_product": ["", ""],
    }
    offer.vehicle = used_car
    offer.save(update_fields=["vehicle"])

    page = client.post(
        reverse("opportunities:offer_detail", args=[offer.pk]), data, HTTP_HX_REQUEST="true"
    )

    body = page.content.decode()
    assert page.status_code == 200
    assert "TVA sur la marge" in body
    assert "son montant HT est son prix" in body
    assert "Régime particulier – biens d'occasion (article 297 A du CGI)" in body
    # Vehicle 12 000 HT, advantage 500 HT, total HT 11 500 + 100 = 11 600, VAT 20.
    assert 'data-total="ht">11\u00a0600,00\u00a0€' in body
    assert 'data-total="ttc">11\u00a0620,00\u00a0€' in body
    assert "TVA 20 % (accessoires, prestations, pack)" in body


def test_the_price_sticker_says_whether_a_professional_recovers_the_vat(used_car, site):
    assert "TVA non récupérable (régime de la marge, art. 297 A du CGI)" in pdf_text(
        documents.price_sticker_pdf(used_car)
    )
    company_car = VehicleFactory(physical_site=site, status="stock_vente", parc=Parc.VO)
    text = pdf_text(documents.price_sticker_pdf(company_car))
    assert "TVA récupérable" in text and "297 A" not in text
