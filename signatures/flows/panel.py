"""The e-signature section of the order page (place "aside", ``order_panels``): each
request's status ("en erreur" shown and re-sendable), the signer's email and mobile to
correct before a resend, the download of each signed document, and the delivery report
to sign at delivery (on the tablet or by email)."""

from django.utils.translation import gettext_lazy as _

from opportunities.sales import offer_panels
from opportunities.sales import rights as sales_rights
from opportunities.sales.models import Offer, Order
from opportunities.sales.order_panels import OrderPanel, register
from signatures.flows import selectors, services
from signatures.flows.forms import ContactForm
from signatures.models import SignatureRequest

S = SignatureRequest.Status
BADGES = {
    S.PENDING: "badge-warning",
    S.SIGNED: "badge-ok",
    S.REFUSED: "badge-danger",
    S.EXPIRED: "badge-muted",
    S.ERROR: "badge-danger",
    S.DELETED: "badge-muted",
}


def _decorate(signature_requests, *, may_act: bool) -> None:
    """What each request shows: its badge, and the contact form of a resend."""
    for item in signature_requests:
        item.badge = BADGES.get(item.status, "badge-muted")
        item.may_resend = item.is_open and may_act
        item.in_error = item.status == S.ERROR
        if item.may_resend:
            item.contact_form = ContactForm(
                initial={"email": item.email, "mobile": item.mobile},
                prefix_id=f"request-{item.pk}",
            )


# Orders that may have requests without having been sent for e-signature: the delivery
# report is signed from "à livrer" (and stays listed once delivered or cancelled).
DELIVERY_STATUSES = (Order.Status.TO_DELIVER, Order.Status.DELIVERED, Order.Status.CANCELLED)


def _context(request, order) -> dict | None:
    user = request.user
    if (
        order.signature_mode != Order.SignatureMode.ELECTRONIC
        and order.status not in DELIVERY_STATUSES
    ):
        return None  # never sent online, nothing to deliver: no query (the page's pin)
    signature_requests = selectors.order_signature_requests(order=order)
    may_act = sales_rights.order_may_act(order, user)
    delivery_open = any(
        r.purpose == SignatureRequest.Purpose.DELIVERY and r.is_open for r in signature_requests
    )
    can_sign_delivery = (
        order.status in (Order.Status.TO_DELIVER, Order.Status.DELIVERED)
        and not delivery_open
        and sales_rights.order_may_deliver(order, user)
    )
    if not signature_requests and not can_sign_delivery:
        return None
    _decorate(signature_requests, may_act=may_act)
    return {"signature_requests": signature_requests, "can_sign_delivery": can_sign_delivery}


register(
    OrderPanel(
        key="esignature",
        title=_("E-signature"),
        template="signatures/order_panel.html",
        context=_context,
        place="aside",
        order=20,
    )
)


# --- The offer page: a dry trade-in offer's e-signature (S-4) ------------------------------


def _offer_context(request, offer) -> dict | None:
    if offer.status == Offer.Status.OPEN:
        return None  # only a validated offer is sent for e-signature (no query)
    signature_requests = selectors.offer_signature_requests(offer=offer)
    trade_in = services.tradein_of_offer(offer) if offer.status == Offer.Status.VALIDATED else None
    if not signature_requests and trade_in is None:
        return None
    refusal = services.tradein_offer_refusal(offer, request.user) if trade_in else None
    may_act = sales_rights.offer_may_act(offer, request.user)
    _decorate(signature_requests, may_act=may_act)
    return {
        "offer": offer,
        "signature_requests": signature_requests,
        "can_send": trade_in is not None and refusal is None,
        # Why it cannot be sent, unless a request already says it (waiting).
        "refusal": (
            refusal
            if trade_in is not None and may_act and not any(r.is_open for r in signature_requests)
            else None
        ),
    }


def _offer_warning(offer) -> str | None:
    if offer.status != Offer.Status.VALIDATED or not selectors.offer_waits_for_signature(offer):
        return None
    return str(
        _(
            "Cette offre attend la e-signature du client : la e-signature sera annulée (son "
            "lien ne fonctionnera plus) et l'offre annulée."
        )
    )


offer_panels.register(
    offer_panels.OfferPanel(
        key="esignature",
        title=_("E-signature de l'offre de reprise"),
        template="signatures/offer_panel.html",
        context=_offer_context,
        order=20,
    )
)
offer_panels.register_guard(
    offer_panels.OfferGuard(
        key="esignature",
        warning=_offer_warning,
        release=lambda offer, by: services.offer_signature_cancel(offer=offer, by=by),
    )
)
