"""The published-stock feed for ad portals (V-12): XML and JSON, streamed."""

import json
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from openflex.core.inputs import xml_text

from ..models import Vehicle

FIELDS = [
    "number",
    "parc",
    "genre",
    "brand",
    "model",
    "version",
    "energy",
    "colour",
    "doors",
    "fiscal_power",
    "power_hp",
    "first_registration",
    "mileage",
    "selling_price",
    "vat_regime",
    "point_of_sale__name",
    "point_of_sale__city",
    "point_of_sale__phone",
    "updated_at",
]


def published_stock() -> QuerySet:
    return Vehicle.objects.filter(is_published=True).order_by("-number").values(*FIELDS)


def _ad(row: dict) -> dict:
    return {
        "reference": row["number"],
        # The vehicle's public page (no login; "Réserver ce véhicule", P-8), served by
        # the e-payment module at this path: the stock names it without importing it.
        "url": f"{settings.SITE_URL}/annonces/{row['number']}/",
        "type": row["parc"],
        "genre": row["genre"],
        "brand": row["brand"],
        "model": row["model"],
        "version": row["version"],
        "energy": row["energy"],
        "colour": row["colour"],
        "doors": row["doors"],
        "fiscal_power": row["fiscal_power"],
        "power_hp": row["power_hp"],
        "first_registration": row["first_registration"].isoformat()
        if row["first_registration"]
        else None,
        "mileage": row["mileage"],
        "price": str(row["selling_price"]),
        # "margin": sold under the margin scheme, no VAT recoverable by a professional
        # buyer; "normal": VAT at 20 % included in the price (issue 13).
        "vat_regime": row["vat_regime"],
        "dealer": {
            "name": row["point_of_sale__name"],
            "city": row["point_of_sale__city"],
            "phone": row["point_of_sale__phone"],
        },
        "updated_at": timezone.localtime(row["updated_at"]).isoformat(),
    }


def json_feed() -> Iterator[str]:
    yield '{"generated_at": ' + json.dumps(timezone.now().isoformat()) + ', "vehicles": ['
    first = True
    for row in published_stock().iterator(chunk_size=2000):
        yield ("" if first else ",") + "\n" + json.dumps(_ad(row), ensure_ascii=False)
        first = False
    yield "\n]}\n"


def _xml_value(value) -> str:
    return "" if value is None else escape(xml_text(str(value)))


def xml_feed() -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f"<stock generated_at={quoteattr(timezone.now().isoformat())}>\n"
    for row in published_stock().iterator(chunk_size=2000):
        ad = _ad(row)
        dealer = ad.pop("dealer")
        parts = [f"<vehicle reference={quoteattr(str(ad.pop('reference')))}>"]
        parts += [f"<{k}>{_xml_value(v)}</{k}>" for k, v in ad.items()]
        parts.append(
            "<dealer>"
            + "".join(f"<{k}>{_xml_value(v)}</{k}>" for k, v in dealer.items())
            + "</dealer>"
        )
        parts.append("</vehicle>\n")
        yield "".join(parts)
    yield "</stock>\n"
