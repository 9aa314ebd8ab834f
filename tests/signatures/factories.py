"""Signature requests built through the services (SIG-CORE)."""

from functools import lru_cache

from django.utils import timezone

from signatures.requests import services
from signatures.requests.models import SignatureDocument
from tests.accounts.factories import PointOfSaleFactory
from tests.opportunities.factories import CustomerFactory

PDF_HTML = """<html><head><style>@page {{ size: A4; margin: 15mm; }}
.signature {{ border: 1px solid #1f3a5f; height: 34mm; width: 80mm; }}</style></head>
<body><h1>{title}</h1><p>Bon pour accord.</p><div style="height: 150mm"></div>
<div class="signature" id="signature-client">Signature du client</div></body></html>"""


@lru_cache(maxsize=8)
def pdf_bytes(title: str = "Bon de commande n° 1") -> bytes:
    """A small PDF with the customer's signature box (WeasyPrint, like the real ones)."""
    from weasyprint import HTML

    return HTML(string=PDF_HTML.format(title=title)).write_pdf()


def make_request(*, customer=None, point_of_sale=None, documents=None, send=True, **kwargs):
    point_of_sale = point_of_sale or PointOfSaleFactory(
        phone="04 72 00 00 00", email="lyon@concession.test", city="Lyon"
    )
    customer = customer or CustomerFactory(point_of_sale=point_of_sale)
    documents = documents or [
        services.DocumentDraft(
            kind=SignatureDocument.Kind.ORDER_FORM,
            title="Bon de commande n° 1",
            pdf=pdf_bytes("Bon de commande n° 1"),
        )
    ]
    kwargs.setdefault("purpose", "commande")
    return services.signature_request_create(
        customer=customer,
        point_of_sale=point_of_sale,
        documents=documents,
        send=send,
        now=kwargs.pop("now", None) or timezone.now(),
        **kwargs,
    )


def signature_world(*, point_of_sale, customer) -> dict:
    """The objects the access table needs for the e-signature's staff URLs."""
    from datetime import date

    from signatures.promotions.models import PromotionalOperation
    from signatures.sms.services import sms_send

    request = make_request(customer=customer, point_of_sale=point_of_sale, send=False)
    sms = sms_send(to="+33612345678", body="Test", kind="signature_code")
    promotion = PromotionalOperation.objects.create(name="Test", starts_on=date(2026, 1, 1))
    return {
        "signature_request": request.pk,
        "signature_document": request.documents.get().pk,
        "sms": sms.pk,
        "promotion": promotion.pk,
        "entity": point_of_sale.entity_id,
    }
