"""O-2, O-7 (issue 13): an order form that cannot be signed is never offered for signature.

- A company without a complete legal representative: "Imprimer le bon de commande" is not
  offered and its URL answers 400 with the reason (no PDF).
- An order form not yet validated carries "Projet — non valable pour signature" on every
  page; a validated one does not.
"""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from opportunities.customers import services as customers_services
from opportunities.documents import services as documents
from opportunities.sales import services as sales_services
from opportunities.sales.models import Order
from tests.opportunities.factories import CompanyFactory
from tests.opportunities.sales.journey import draft_order_on, reach
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

WATERMARK = "Projet — non valable pour signature"


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page, spaces normalised (French non-breaking spaces included)."""
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    return [
        " ".join(page.extract_text().replace("\xa0", " ").replace("\u202f", " ").split())
        for page in reader.pages
    ]


@pytest.fixture
def long_offer(offer, seller):
    """Enough lines for the order form to run over two pages at least."""
    sales_services.offer_update(
        offer=offer,
        by=seller,
        vehicle_price=Decimal("15000.00"),
        lines=[("accessoire", f"Accessoire n° {i}", Decimal("10.00"), None) for i in range(45)],
    )
    return sales_services.offer_validate(offer=offer, by=seller)


@pytest.fixture
def long_draft(long_offer, seller):
    order = sales_services.order_create(offer=long_offer, by=seller)
    return sales_services.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("0.00"),
        deposit_method="",
        deposit_not_online=False,
    )


@pytest.mark.parametrize("status", [Order.Status.DRAFT, Order.Status.PENDING_VALIDATION])
def test_an_order_form_not_yet_validated_is_a_draft_on_every_page(
    long_draft, seller, manager, status
):
    order = reach(long_draft, status, seller=seller, manager=manager)

    pages = pages_text(documents.order_form_pdf(order))

    assert len(pages) >= 2
    for text in pages:
        assert WATERMARK in text


def test_a_validated_order_form_carries_no_watermark(long_draft, seller, manager):
    order = reach(long_draft, Order.Status.ORDERED, seller=seller, manager=manager)

    pages = pages_text(documents.order_form_pdf(order))

    assert len(pages) >= 2
    assert not any("Projet" in text for text in pages)


def test_a_cancelled_order_form_says_so_on_every_page(long_draft, seller):
    sales_services.order_cancel(order=long_draft, by=seller, reason="Le client renonce")
    long_draft.refresh_from_db()

    pages = pages_text(documents.order_form_pdf(long_draft))

    assert len(pages) >= 2
    assert all("Annulée — sans valeur contractuelle" in text for text in pages)
    assert not any("Projet" in text for text in pages)


@pytest.fixture
def company_draft(pos, seller, site):
    """A company's draft order: its legal representative lacks a mobile."""
    company = CompanyFactory(point_of_sale=pos, company_name="Transports Rapides SAS")
    customers_services.legal_representative_create(
        company=company,
        by=seller,
        last_name="Durand",
        first_name="Paul",
        email="paul.durand@example.test",
        mobile="0611223344",
    )
    company.refresh_from_db()
    company.legal_representative.mobile = ""
    company.legal_representative.save(update_fields=["mobile"])
    vehicle = VehicleFactory(
        physical_site=site, status="stock_vente", selling_price=Decimal("22000.00")
    )
    return draft_order_on(vehicle=vehicle, customer=company, seller=seller)


def test_a_blocked_company_order_form_is_refused(client, seller, company_draft):
    order = Order.objects.get(pk=company_draft.pk)
    refusal = documents.order_form_refusal(order)
    assert refusal and "mobile" in refusal
    with pytest.raises(documents.DocumentRefused):
        documents.order_form_pdf(order)

    client.force_login(seller)
    response = client.get(reverse("opportunities:order_form_pdf", args=[order.pk]))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert "Bon de commande indisponible" in content
    assert "représentant légal" in content


def test_the_order_page_does_not_offer_a_blocked_order_form(client, seller, company_draft):
    client.force_login(seller)

    page = client.get(
        reverse("opportunities:order_detail", args=[company_draft.pk])
    ).content.decode()

    assert reverse("opportunities:order_form_pdf", args=[company_draft.pk]) not in page
    assert "Imprimer le bon de commande" in page  # shown disabled, with the reason


def test_a_complete_company_order_form_prints_as_a_draft(client, seller, company_draft):
    rep = company_draft.opportunity.customer.legal_representative
    rep.mobile = "0611223344"
    rep.save(update_fields=["mobile"])
    client.force_login(seller)

    response = client.get(reverse("opportunities:order_form_pdf", args=[company_draft.pk]))

    assert response.status_code == 200
    assert all(WATERMARK in text for text in pages_text(response.content))
