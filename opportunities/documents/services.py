"""Printed documents of the sale (O-7): order form, delivery report, price sticker.

Each function returns the PDF bytes, rendered by WeasyPrint from a template of
``templates/opportunities/pdf/``. Orders print from their snapshot (O-5): what was sold,
at the price it was sold, even when a product was deleted or a price changed since.
No external resource is fetched (fonts come from the system).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opportunities.customers.services import legal_representative_missing
from opportunities.products import packs
from opportunities.sales import pricing
from opportunities.sales.models import OfferLine, Order

ZERO = Decimal("0.00")

# Sections of the order form, in the order they print (snapshot line kinds).
LINE_SECTIONS = [
    (OfferLine.Kind.ADVANTAGE, gettext_lazy("Avantages client")),
    (OfferLine.Kind.ACCESSORY, gettext_lazy("Accessoires")),
    (OfferLine.Kind.SERVICE, gettext_lazy("Prestations")),
    (OfferLine.Kind.PACK, gettext_lazy("Pack livraison")),
]


# The legal mentions of a used vehicle sold under the margin scheme (issue 13): printed
# instead of a VAT amount on the vehicle (article 297 A of the CGI; the wording of
# article 242 nonies A of its annex II).
MARGIN_SCHEME_MENTION = gettext_lazy("Régime particulier – biens d'occasion (article 297 A du CGI)")
MARGIN_SCHEME_NOTE = gettext_lazy(
    "TVA sur la marge, non récupérable : le prix du véhicule ne fait apparaître aucune "
    "TVA. Les accessoires, prestations et packs portent la TVA à 20 %."
)


class DocumentRefused(Exception):
    """This document cannot be printed for this object now (the message says why)."""


@dataclass(frozen=True)
class Row:
    label: str
    ttc: Decimal
    ht: Decimal
    deducted: bool = False  # an advantage or the trade-in: printed with a minus sign
    section: str = ""
    margin: bool = False  # sold under the margin scheme: no VAT, HT = TTC, a mention


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy import, only where a PDF is produced

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def _decimal(value) -> Decimal:
    if value in (None, ""):
        return ZERO
    return Decimal(str(value))


def _date(value) -> date | None:
    """The snapshot stores dates as ISO strings."""
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


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


def _vehicle_from_snapshot(order: Order) -> dict:
    vehicle = dict(order.snapshot.get("vehicle") or {})
    vehicle["first_registration"] = _date(vehicle.get("first_registration"))
    # A new vehicle is often registered after the order: the delivery shows the plate.
    if not vehicle.get("registration") and order.vehicle_id:
        vehicle["registration"] = order.vehicle.registration
    return vehicle


def order_vat_regime(order: Order) -> str:
    """The VAT regime the order was sold under (its snapshot; none: normal, as printed)."""
    regime = (order.snapshot.get("vehicle") or {}).get("vat_regime")
    return pricing.VAT_MARGIN if regime == pricing.VAT_MARGIN else pricing.VAT_NORMAL


def order_is_margin_scheme(order: Order) -> bool:
    return order_vat_regime(order) == pricing.VAT_MARGIN


def order_rows(order: Order) -> tuple[list[Row], dict]:
    """The priced rows of the order form (TTC and HT) and its totals, from the snapshot.

    Under the margin scheme the vehicle and the advantages deducted from it show no VAT:
    their HT amount is their amount (``pricing``); the other lines keep their VAT."""
    snapshot = order.snapshot
    totals = {name: _decimal(value) for name, value in (snapshot.get("totals") or {}).items()}
    lines = snapshot.get("lines") or []
    vehicle = snapshot.get("vehicle") or {}
    regime = order_vat_regime(order)
    margin = regime == pricing.VAT_MARGIN
    vehicle_label = " ".join(
        str(vehicle.get(k) or "") for k in ("brand", "model", "version") if vehicle.get(k)
    )
    price = totals.get("vehicle_price", ZERO)
    rows = [
        Row(
            _("Véhicule %s") % vehicle_label,
            price,
            pricing.to_ht(price, regime),
            section="",
            margin=margin,
        )
    ]
    pack_name = snapshot.get("pack")
    for kind, title in LINE_SECTIONS:
        title = str(title)
        if kind == OfferLine.Kind.PACK and pack_name:
            title = f"{title} — {pack_name}"
        for line in lines:
            if line.get("kind") != kind:
                continue
            amount = _decimal(line.get("amount"))
            ht = line.get("amount_ht")
            advantage = kind == OfferLine.Kind.ADVANTAGE
            line_regime = regime if advantage else pricing.VAT_NORMAL
            rows.append(
                Row(
                    line.get("label") or "",
                    amount,
                    _decimal(ht) if ht not in (None, "") else pricing.to_ht(amount, line_regime),
                    deducted=advantage,
                    section=title,
                    margin=margin and advantage,
                )
            )
    fees = totals.get("administrative_fees", ZERO)
    if fees:
        # Registration certificate and weight penalty: no VAT (pricing.py).
        rows.append(Row(_("Frais administratifs (non soumis à TVA)"), fees, fees, section=""))
    return rows, totals


def _sections(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """Consecutive rows grouped under their section title (an empty title: no heading)."""
    grouped: list[tuple[str, list[Row]]] = []
    for row in rows:
        if grouped and grouped[-1][0] == row.section:
            grouped[-1][1].append(row)
        else:
            grouped.append((row.section, [row]))
    return grouped


# An order in one of these statuses no longer binds anyone: its documents say so.
VOID_STATUSES = {Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.REPLACED}


def _order_context(order: Order) -> dict:
    snapshot = order.snapshot
    customer = snapshot.get("customer") or {}
    opportunity = order.opportunity
    void = order.status in VOID_STATUSES
    return {
        "order": order,
        "void_notice": (
            _("Commande « %s » : document sans valeur contractuelle.") % order.get_status_display()
            if void
            else ""
        ),
        "dealership": _dealership(order.point_of_sale),
        "customer": customer,
        "is_company": customer.get("kind") == "societe",
        "representative": customer.get("legal_representative"),
        "vehicle": _vehicle_from_snapshot(order),
        "salesperson": opportunity.salesperson.get_full_name() if opportunity else "",
        "printed_at": timezone.now(),
    }


def order_form_refusal(order: Order) -> str | None:
    """Why the order form is not printed (None: it is), O-2: a company order that cannot be
    validated (legal representative incomplete) is never offered for signature. Once
    validated, the order prints from its snapshot whatever the company's file became.
    Reads the customer and representative that ``order_get_for_user`` loads (no query).
    """
    if order.validated_at is not None or order.status in VOID_STATUSES:
        return None
    missing = legal_representative_missing(order.opportunity.customer)
    if not missing:
        return None
    return _(
        "Le bon de commande n° %(pk)s ne s'imprime pas : la société ne peut pas encore "
        "commander (%(missing)s). Complétez le représentant légal de la société."
    ) % {"pk": order.pk, "missing": " ; ".join(missing)}


def order_form_watermark(order: Order) -> str:
    """The mark printed across every page: a form not validated yet is a draft (issue 13);
    an order that no longer binds anyone says so."""
    if order.status in VOID_STATUSES:
        return _("%s — sans valeur contractuelle") % order.get_status_display()
    if order.validated_at is None and order.status != Order.Status.PENDING_SIGNATURE:
        # The form sent for e-signature is the one the customer signs (S-4).
        return _("Projet — non valable pour signature")
    return ""


def order_form_pdf(order: Order) -> bytes:
    """The order form (bon de commande), with the dealership's and the customer's boxes."""
    refusal = order_form_refusal(order)
    if refusal:
        raise DocumentRefused(refusal)
    rows, totals = order_rows(order)
    context = _order_context(order)
    context.update(
        {
            "document_title": _("Bon de commande"),
            "watermark": order_form_watermark(order),
            "sections": _sections(rows),
            "totals": totals,
            "margin_scheme": order_is_margin_scheme(order),
            "margin_mention": MARGIN_SCHEME_MENTION,
            "margin_note": MARGIN_SCHEME_NOTE,
            "balance_method": order.get_balance_method_display(),
            "deposit_amount": order.deposit_amount,
            "deposit_method": order.get_deposit_method_display(),
        }
    )
    return _pdf("opportunities/pdf/order_form.html", context)


def delivery_report_refusal(order: Order) -> str | None:
    """Why the delivery report cannot be printed yet (None: it can)."""
    if order.status in Order.VALIDATED:
        return None
    return _(
        "Le PV de livraison s'imprime pour une commande validée ; "
        "la commande n° %(pk)s est « %(status)s »."
    ) % {"pk": order.pk, "status": order.get_status_display()}


# What is handed over with the vehicle (ticked by hand on the printed report).
HANDOVER_ITEMS = [
    gettext_lazy("Certificat d'immatriculation (ou certificat provisoire)"),
    gettext_lazy("Certificat de conformité (véhicule neuf)"),
    gettext_lazy("Procès-verbal de contrôle technique (véhicule de plus de 4 ans)"),
    gettext_lazy("Certificat de situation administrative (non-gage)"),
    gettext_lazy("Carnet d'entretien et de garantie"),
    gettext_lazy("Notice d'utilisation"),
    gettext_lazy("Clés et cartes de démarrage (nombre : ……)"),
    gettext_lazy("Code de l'antivol de roue / de l'autoradio"),
    gettext_lazy("Équipements de sécurité (gilet, triangle)"),
    gettext_lazy("Roue de secours ou kit anti-crevaison"),
    gettext_lazy("Câble(s) de recharge (véhicule électrique ou hybride rechargeable)"),
]


def delivery_report_pdf(order: Order) -> bytes:
    """The delivery report (PV de livraison) of a validated order."""
    refusal = delivery_report_refusal(order)
    if refusal:
        raise DocumentRefused(refusal)
    context = _order_context(order)
    sold_items = [
        line.get("label") or ""
        for line in order.snapshot.get("lines") or []
        if line.get("kind") in (OfferLine.Kind.ACCESSORY, OfferLine.Kind.PACK)
    ]
    delivered_on = timezone.localtime(order.delivered_at).date() if order.delivered_at else None
    context.update(
        {
            "document_title": _("Procès-verbal de livraison"),
            "handover_items": HANDOVER_ITEMS,
            "sold_items": sold_items,
            "delivery_date": delivered_on or order.delivery_date,
            "current_mileage": order.vehicle.mileage if order.vehicle_id else None,
        }
    )
    return _pdf("opportunities/pdf/delivery_report.html", context)


def price_sticker_pdf(vehicle, *, financing: dict | None = None) -> bytes:
    """The price sticker (affichette prix) shown in the vehicle, live data (V-13, V-10).

    ``financing`` is the default financing offer (V-13, issue #6); the block prints only
    when it is given. Expected keys (all optional but ``monthly_payment``):
    ``label``, ``monthly_payment``, ``duration_months``, ``down_payment``, ``rate``
    (TAEG, percent), ``total_cost``, ``legal_notice``.
    """
    pack = packs.best_pack(vehicle)
    options = list(vehicle.options.all())
    context = {
        "vehicle": vehicle,
        "dealership": _dealership(vehicle.point_of_sale),
        "price": vehicle.selling_price,
        "catalogue_price": vehicle.catalogue_price if vehicle.has_catalogue else None,
        "options": options,
        "pack": pack,
        "pack_elements": list(pack.elements.all()) if pack else [],
        "financing": financing or None,
        "printed_at": timezone.now(),
        "document_title": _("Affichette prix"),
    }
    return _pdf("opportunities/pdf/price_sticker.html", context)


def tradein_estimate_pdf(trade_in) -> bytes:
    """The trade-in estimate (O-7, O-8), with the dealership's and the customer's boxes."""
    from vehicles.models import Energy

    customer = trade_in.customer
    if customer is None and trade_in.opportunity_id:
        customer = trade_in.opportunity.customer
    opportunity = trade_in.opportunity
    context = {
        "trade_in": trade_in,
        "document_title": _("Estimation de reprise"),
        "dealership": _dealership(trade_in.point_of_sale),
        "customer": {
            "name": customer.display_name if customer else "",
            "address": customer.address if customer else "",
            "postcode": customer.postcode if customer else "",
            "city": customer.city if customer else "",
            "mobile": customer.mobile if customer else "",
            "email": customer.email if customer else "",
        },
        "energy": dict(Energy.choices).get(trade_in.energy, trade_in.energy),
        "salesperson": opportunity.salesperson.get_full_name() if opportunity else "",
        "printed_at": timezone.now(),
    }
    return _pdf("opportunities/pdf/tradein_estimate.html", context)
