"""Printed documents of the sale (O-7): order form, delivery report, price sticker."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from opportunities.customers import services as customers_services
from opportunities.documents import services as documents
from opportunities.products.models import Product
from opportunities.sales import services as sales_services
from opportunities.sales.models import Order
from tests.accounts.factories import PointOfSaleFactory, UserFactory
from tests.opportunities.factories import (
    CompanyFactory,
    PackElementFactory,
    PackFactory,
    ProductFactory,
)
from tests.vehicles.factories import VehicleFactory
from vehicles.models import VehicleOption

pytestmark = pytest.mark.django_db

# Session, user, then the order in one query (everything printed is in its snapshot).
QUERIES_ORDER_FORM = 4
# Session, user, group types, 2 × rights, vehicle, packs, pack elements, vehicle options.
QUERIES_STICKER = 10  # + the financing simulations of the vehicle (V-13)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, with French non-breaking spaces made plain spaces."""
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


@pytest.fixture
def accessory(db):
    return ProductFactory(name="Tapis de sol premium", price=Decimal("150.00"))


@pytest.fixture
def sold_offer(offer, seller, accessory):
    """15 000 € car, 500 € off, an accessory, a service, a 2-element pack, a trade-in."""
    pack = PackFactory(name="Pack Sérénité", price=Decimal("490.00"))
    PackElementFactory(pack=pack, label="Préparation esthétique", price=Decimal("290.00"))
    PackElementFactory(pack=pack, label="Plein de carburant", price=Decimal("200.00"))
    sales_services.offer_update(
        offer=offer,
        by=seller,
        vehicle_price=Decimal("15000.00"),
        trade_in_value=Decimal("2000.00"),
        pack=pack,
        lines=[
            ("remise", "Remise fidélité", Decimal("500.00"), None),
            ("accessoire", accessory.name, accessory.price, accessory),
            ("prestation", "Extension de garantie 12 mois", Decimal("300.00"), None),
        ],
    )
    return sales_services.offer_validate(offer=offer, by=seller)


def _order_for(offer, seller, manager):
    order = sales_services.order_create(offer=offer, by=seller)
    order = sales_services.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("1000.00"),
        deposit_method="cheque",
        deposit_not_online=False,
        delivery_date=date(2030, 3, 2),
        latest_delivery_date=date(2030, 3, 30),
    )
    sales_services.order_submit(order=order, by=seller)
    sales_services.order_validate(order=order, by=manager)
    order.refresh_from_db()
    return order


@pytest.fixture
def validated_order(sold_offer, seller, manager):
    return _order_for(sold_offer, seller, manager)


@pytest.fixture
def other_user(db):
    """A sales manager of another point of sale: sees none of this one's documents."""
    return UserFactory(
        group_type="chef-des-ventes",
        points_of_sale=[PointOfSaleFactory()],
        rights=["access_vn", "validate_orders"],
    )


# --- Order form ---------------------------------------------------------------------


def test_order_form_prints_customer_vehicle_lines_and_totals(validated_order, customer, car):
    text = pdf_text(documents.order_form_pdf(validated_order))

    assert "Bon de commande" in text
    assert str(validated_order.pk) in text
    assert validated_order.point_of_sale.name in text
    assert validated_order.point_of_sale.entity.name in text
    assert customer.display_name in text
    assert "Renault" in text and "Clio" in text and "TCe 90 Evolution" in text
    assert car.vin in text
    assert car.registration in text
    assert "25 000 km" in text
    # Dates in French format, with the latest delivery date (O-5).
    assert "02/03/2030" in text
    assert "Date de livraison extrême" in text and "30/03/2030" in text
    # Lines TTC and HT (15 000 € TTC = 12 500 € HT; the advantage is deducted).
    assert "15 000,00 €" in text and "12 500,00 €" in text
    assert "Remise fidélité" in text and "-500,00 €" in text and "-416,67 €" in text
    assert "Tapis de sol premium" in text and "150,00 €" in text
    assert "Extension de garantie 12 mois" in text
    assert "Pack livraison — Pack Sérénité" in text and "Préparation esthétique" in text
    # Totals: HT, VAT 20 %, TTC, trade-in and net to pay.
    assert "Total HT 12 866,67 €" in text
    assert "TVA 20 % 2 573,33 €" in text
    assert "Total TTC 15 440,00 €" in text
    assert "-2 000,00 €" in text
    assert "Net à payer 13 440,00 €" in text
    # Deposit shown apart (O-6), balance payment method.
    assert "1 000,00 € (Chèque)" in text
    assert "Acompte non compris dans les calculs" in text
    assert "Virement" in text
    # Both boxes (O-7).
    assert "Cachet et signature du concessionnaire" in text
    assert "Signature du client, précédée de la mention « Bon pour accord »" in text


def test_order_form_of_a_company_names_its_legal_representative(
    pos, seller, manager, car, validated_order
):
    company = CompanyFactory(point_of_sale=pos, company_name="Transports Rapides SAS")
    customers_services.legal_representative_create(
        company=company,
        by=seller,
        civility="M.",
        last_name="Durand",
        first_name="Paul",
        email="paul.durand@example.test",
        mobile="0611223344",
    )
    # The first order took the car: the company buys another one.
    other_car = VehicleFactory(
        physical_site=car.physical_site, status="stock_vente", selling_price=Decimal("22000.00")
    )
    offer = sales_services.offer_create(vehicle=other_car, by=seller, customer=company)
    offer = sales_services.offer_validate(offer=offer, by=seller)
    order = _order_for(offer, seller, manager)

    text = pdf_text(documents.order_form_pdf(order))

    assert "Transports Rapides SAS" in text
    assert "12345678900012" in text
    assert "Représentant légal" in text and "DURAND Paul" in text
    assert "paul.durand@example.test" in text
    assert "représentée par DURAND Paul" in text
    assert "22 000,00 €" in text


def test_a_product_deleted_after_the_order_still_prints_as_sold(validated_order, accessory):
    before = pdf_text(documents.order_form_pdf(validated_order))
    Product.objects.filter(pk=accessory.pk).delete()
    Product.objects.filter(kind=Product.Kind.PACK).delete()
    validated_order.refresh_from_db()

    after = pdf_text(documents.order_form_pdf(validated_order))

    assert "Tapis de sol premium" in after
    assert "Pack livraison — Pack Sérénité" in after and "Plein de carburant" in after
    assert "Total TTC 15 440,00 €" in after
    assert after.replace(" ", "")[:2000] == before.replace(" ", "")[:2000]


def test_order_form_prints_a_draft_order_without_validation_date(draft_order):
    text = pdf_text(documents.order_form_pdf(draft_order))

    assert "Bon de commande" in text
    assert "15 000,00 €" in text
    assert "Aucun acompte" in text


def test_order_form_of_a_cancelled_order_says_it_is_void(ready_order, seller):
    sales_services.order_cancel(order=ready_order, by=seller, reason="Le client renonce")
    ready_order.refresh_from_db()

    text = pdf_text(documents.order_form_pdf(ready_order))

    assert "Commande « Annulée » : document sans valeur contractuelle." in text


def test_a_live_order_form_has_no_void_notice(validated_order):
    assert "sans valeur contractuelle" not in pdf_text(documents.order_form_pdf(validated_order))


# --- Delivery report -----------------------------------------------------------------


def test_delivery_report_identifies_the_vehicle_and_has_both_boxes(validated_order, car, customer):
    text = pdf_text(documents.delivery_report_pdf(validated_order))

    assert "PV de livraison" in text
    assert customer.display_name in text
    assert car.vin in text
    assert car.registration in text
    assert "25 000 km" in text
    assert "Kilométrage à la livraison" in text
    assert "02/03/2030" in text  # the planned delivery date
    assert "Certificat d'immatriculation" in text
    assert "Clés" in text
    assert "accessoires et pack vendus avec le véhicule" in text.lower()
    assert "Tapis de sol premium" in text and "Plein de carburant" in text
    assert "réserves et remarques du client" in text.lower()
    assert "Cachet et signature du concessionnaire" in text
    assert "Signature du client, précédée de la mention" in text


def test_delivery_report_shows_the_registration_given_after_the_order(validated_order, car):
    """A new vehicle is registered after the order: the report prints its plate."""
    snapshot = validated_order.snapshot
    snapshot["vehicle"]["registration"] = ""
    Order.objects.filter(pk=validated_order.pk).update(snapshot=snapshot)
    validated_order.refresh_from_db()

    text = pdf_text(documents.delivery_report_pdf(validated_order))

    assert car.registration in text


def test_delivery_report_of_a_draft_order_is_refused(draft_order):
    assert "commande validée" in documents.delivery_report_refusal(draft_order)
    with pytest.raises(documents.DocumentRefused):
        documents.delivery_report_pdf(draft_order)


# --- Price sticker --------------------------------------------------------------------


def test_price_sticker_shows_price_key_data_options_and_pack(car):
    car.power_hp, car.fiscal_power, car.first_registration = 90, 5, date(2021, 6, 15)
    car.save(update_fields=["power_hp", "fiscal_power", "first_registration"])
    VehicleOption.objects.create(vehicle=car, label="Caméra de recul", price=Decimal("350.00"))
    VehicleOption.objects.create(vehicle=car, label="Sièges chauffants")
    pack = PackFactory(name="Pack Confort", price=Decimal("390.00"))
    PackElementFactory(pack=pack, label="Lavage intérieur", price=Decimal("90.00"))

    text = pdf_text(documents.price_sticker_pdf(car))

    assert "RENAULT" in text.upper() and "Clio" in text and "TCe 90 Evolution" in text
    assert "prix ttc" in text.lower() and "15 000,00 €" in text
    assert "06/2021" in text and "15/06/2021" in text
    assert "25 000 km" in text
    assert "Essence" in text
    assert "90 ch · 5 CV" in text
    assert "Caméra de recul" in text and "Sièges chauffants" in text
    assert "Pack livraison proposé : Pack Confort — 390,00 €" in text
    assert "Lavage intérieur" in text
    # No financing block unless one is given (V-13, issue #6).
    assert "/ mois" not in text


def test_price_sticker_prints_the_default_financing_when_given(car):
    financing = {
        "label": "Location avec option d'achat",
        "monthly_payment": Decimal("189.00"),
        "duration_months": 48,
        "down_payment": Decimal("3000.00"),
        "rate": Decimal("4.9"),
    }

    text = pdf_text(documents.price_sticker_pdf(car, financing=financing))

    assert "Location avec option d'achat" in text
    assert "189,00 € / mois" in text
    assert "sur 48 mois" in text and "apport 3 000,00 €" in text and "TAEG 4,90 %" in text


# --- Views -----------------------------------------------------------------------------


def test_order_form_view_returns_the_pdf_inline(client, seller, validated_order):
    client.force_login(seller)

    response = client.get(reverse("opportunities:order_form_pdf", args=[validated_order.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == f'inline; filename="bon-de-commande-{validated_order.pk}.pdf"'
    assert "Bon pour accord" in pdf_text(response.content)


def test_document_views_run_a_fixed_number_of_queries(
    client, seller, validated_order, car, django_assert_num_queries
):
    client.force_login(seller)
    PackElementFactory(pack=PackFactory(), label="Lavage")
    VehicleOption.objects.create(vehicle=car, label="GPS")

    with django_assert_num_queries(QUERIES_ORDER_FORM):
        client.get(reverse("opportunities:order_form_pdf", args=[validated_order.pk]))
    with django_assert_num_queries(QUERIES_STICKER):
        client.get(reverse("opportunities:price_sticker_pdf", args=[car.pk]))


def test_delivery_report_view_returns_the_pdf(client, seller, validated_order):
    client.force_login(seller)

    response = client.get(reverse("opportunities:delivery_report_pdf", args=[validated_order.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="pv-de-livraison-{validated_order.pk}.pdf"' in response["Content-Disposition"]


def test_delivery_report_view_refuses_a_draft_order_with_a_400(client, seller, draft_order):
    client.force_login(seller)

    response = client.get(reverse("opportunities:delivery_report_pdf", args=[draft_order.pk]))

    assert response.status_code == 400
    content = response.content.decode()
    assert "PV de livraison indisponible" in content
    assert "s&#x27;imprime pour une commande validée" in content
    assert "Brouillon" in content


def test_price_sticker_view_returns_the_pdf(client, seller, car):
    client.force_login(seller)

    response = client.get(reverse("opportunities:price_sticker_pdf", args=[car.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="affichette-prix-{car.pk}.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["order_form_pdf", "delivery_report_pdf"])
def test_order_documents_of_another_point_of_sale_are_404(
    client, other_user, validated_order, name
):
    client.force_login(other_user)

    response = client.get(reverse(f"opportunities:{name}", args=[validated_order.pk]))

    assert response.status_code == 404


def test_price_sticker_of_another_point_of_sale_is_404(client, other_user, car):
    client.force_login(other_user)

    response = client.get(reverse("opportunities:price_sticker_pdf", args=[car.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["order_form_pdf", "delivery_report_pdf", "price_sticker_pdf"])
def test_documents_need_a_login(client, validated_order, car, name):
    pk = car.pk if name == "price_sticker_pdf" else validated_order.pk
    url = reverse(f"opportunities:{name}", args=[pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_documents_are_get_only(client, seller, validated_order):
    client.force_login(seller)

    response = client.post(reverse("opportunities:order_form_pdf", args=[validated_order.pk]))

    assert response.status_code == 405


# --- Vehicle page panel -----------------------------------------------------------------


def test_documents_panel_links_the_price_sticker(rf, seller, car):
    from opportunities.documents import panel as document_panel  # noqa: F401 (registers the panel)
    from vehicles.panels import panels

    panel = next(p for p in panels() if p.key == "documents")
    context = panel.context(rf.get("/"), car)

    assert str(panel.title) == "Documents"
    assert context["sticker_url"] == reverse("opportunities:price_sticker_pdf", args=[car.pk])
