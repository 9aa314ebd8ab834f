"""ADF/XML (Auto-lead Data Format, the automotive industry's lead format) → the fields of
the lead API's JSON payload. Parsed with defusedxml: a DTD, entities (billion laughs) or
external references are refused.

    <?adf version="1.0"?>
    <adf><prospect>
      <id sequence="1" source="site">A-123</id>
      <requestdate>2026-03-30T15:30:20+01:00</requestdate>
      <vehicle interest="buy" status="used"><vin>…</vin><stock>1234</stock>…</vehicle>
      <customer>
        <contact><name part="first">Jean</name><name part="last">Dupont</name>
          <email>…</email><phone type="voice">…</phone></contact>
        <comments>…</comments>
      </customer>
      <vendor><id source="openflex">61</id><vendorname>…</vendorname></vendor>
    </prospect></adf>
"""

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class AdfError(ValueError):
    pass


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _find(parent: Element | None, tag: str) -> Element | None:
    """The first child ``tag`` ignoring case (partners write <Prospect> as well)."""
    if parent is None:
        return None
    tag = tag.lower()
    for child in parent:
        if isinstance(child.tag, str) and child.tag.lower() == tag:
            return child
    return None


def _find_all(parent: Element | None, tag: str) -> list[Element]:
    if parent is None:
        return []
    tag = tag.lower()
    return [c for c in parent if isinstance(c.tag, str) and c.tag.lower() == tag]


def adf_parse(body: bytes) -> dict:
    """The payload dict of the first <prospect>; raises AdfError on unsafe or malformed
    XML or a document that is not ADF."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise AdfError(f"XML refusé : {exc.__class__.__name__}") from exc
    if not isinstance(root.tag, str) or root.tag.lower() != "adf":
        raise AdfError("L'élément racine doit être <adf>.")
    prospect = _find(root, "prospect")
    if prospect is None:
        raise AdfError("Aucun <prospect> dans le document ADF.")
    data: dict = {"external_id": _text(_find(prospect, "id"))}
    requested = _text(_find(prospect, "requestdate"))
    if requested:
        data["received_at"] = requested
    customer = _find(prospect, "customer")
    contact = _find(customer, "contact")
    full = ""
    for name in _find_all(contact, "name"):
        part = (name.get("part") or "full").lower()
        if part == "first":
            data["first_name"] = _text(name)
        elif part == "last":
            data["last_name"] = _text(name)
        else:
            full = _text(name)
    if full and not data.get("last_name"):
        first, _sep, last = full.rpartition(" ")
        data["first_name"], data["last_name"] = (first, last) if first else ("", full)
    email = _text(_find(contact, "email"))
    if email:
        data["email"] = email
    phones = _find_all(contact, "phone")
    mobiles = [p for p in phones if (p.get("type") or "").lower() in ("cellphone", "mobile")]
    phone = _text((mobiles or phones or [None])[0])
    if phone:
        data["phone"] = phone
    comments = _text(_find(customer, "comments"))
    if comments:
        data["message"] = comments
    vehicle = _find(prospect, "vehicle")
    if vehicle is not None:
        reference = _text(_find(vehicle, "stock")) or _text(_find(vehicle, "vin"))
        if reference:
            data["vehicle"] = reference
        status = (vehicle.get("status") or "").lower()
        tags = {"new": "VN", "used": "VO"}.get(status)
        if tags:
            data["tags"] = [tags]
        parts = (_text(_find(vehicle, t)) for t in ("year", "make", "model", "trim"))
        described = " ".join(p for p in parts if p)
        if described and not reference:
            data["message"] = (data.get("message", "") + f"\nVéhicule : {described}").strip()
    vendor = _find(prospect, "vendor")
    vendor_id = _text(_find(vendor, "id"))
    if vendor_id:
        data["point_of_sale"] = vendor_id
    return data
