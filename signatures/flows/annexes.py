"""The annexes that the settings add to an order form's request (S-1): for each trade-in
of the order, a counter-expertise sheet and the administrative trade-in documents, each
with its own signature box (WeasyPrint, like ``opportunities.documents``)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from signatures.models import AnnexKind

ADMIN_ITEMS = [
    gettext_lazy("Certificat d'immatriculation barré, daté et signé"),
    gettext_lazy("Certificat de cession (cerfa n° 15776) rempli et signé"),
    gettext_lazy("Certificat de situation administrative (non-gage) de moins de 15 jours"),
    gettext_lazy("Procès-verbal de contrôle technique (véhicule de plus de 4 ans)"),
    gettext_lazy("Carnet d'entretien et factures"),
    gettext_lazy("Double des clés"),
]
EXPERTISE_ITEMS = [
    gettext_lazy("Carrosserie et vitrages"),
    gettext_lazy("Pneumatiques et freins"),
    gettext_lazy("Moteur, boîte de vitesses, embrayage"),
    gettext_lazy("Intérieur et équipements"),
    gettext_lazy("Historique d'entretien"),
]


def _dealership(point_of_sale) -> dict:
    entity = point_of_sale.entity
    return {
        "entity": entity.name,
        "siren": entity.siren,
        "point_of_sale": point_of_sale.name,
        "address": point_of_sale.address,
        "postcode": point_of_sale.postcode,
        "city": point_of_sale.city,
        "phone": point_of_sale.phone,
        "email": point_of_sale.email,
    }


def tradein_annex_pdf(trade_in, *, kind: str) -> bytes:
    from weasyprint import HTML  # heavy import, only where a PDF is produced

    customer = trade_in.customer
    if customer is None and trade_in.opportunity_id:
        customer = trade_in.opportunity.customer
    expertise = kind == AnnexKind.COUNTER_EXPERTISE
    context = {
        "trade_in": trade_in,
        "document_title": str(AnnexKind(kind).label),
        "dealership": _dealership(trade_in.point_of_sale),
        "customer": {"name": customer.display_name if customer else ""},
        "items": EXPERTISE_ITEMS if expertise else ADMIN_ITEMS,
        "intro": _(
            "Contre-expertise du véhicule repris : points vérifiés contradictoirement avec "
            "le client lors de la reprise."
        )
        if expertise
        else _("Documents que le client remet au concessionnaire avec le véhicule repris."),
        "mention": _("Lu et approuvé"),
        "salesperson": (
            trade_in.opportunity.salesperson.get_full_name() if trade_in.opportunity_id else ""
        ),
        "printed_at": timezone.now(),
    }
    html = render_to_string("signatures/pdf/tradein_annex.html", context)
    return HTML(string=html).write_pdf()
