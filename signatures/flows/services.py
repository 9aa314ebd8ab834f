"""The business effects of the e-signature (S-4, S-5, S-8, O-5): what a request means for
the order, the trade-in offer or the delivery it signs.

- An order entering *en attente de e-signature* gets its request (order form, the
  trade-in estimates of its offer, the annexes chosen in the settings), signed by the
  customer or a company's legal representative; signed → the order proceeds as a
  paper-signed one (``order_signature_signed``); refused or expired → back to its
  salesperson as a draft (``order_signature_failed``); an order cancelled (or whose
  cancellation is requested) deletes its open request (*supprimé*).
- A validated dry trade-in offer is sent for signature with the trade-in offer document;
  the offer waits; refused, deleted or expired → the offer is cancelled. Duplicating or
  modifying it first deletes the request (after the user's confirmation).
- The delivery report is signed at delivery, on a tablet in the showroom (a fresh link
  opened on the spot, no email) or remotely (the link by email).
- S-8: staff correct only the signer's email and mobile, then send again the e-signature
  link, the e-payment link, or both; a resend kills the previous link.

Every function runs in the caller's transaction (``@transaction.atomic``); emails and SMS
leave through the outbox (the services of ``signatures.requests`` and ``payments``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openflex.accounts import rules
from opportunities.customers.services import customer_update
from opportunities.documents import services as documents
from opportunities.sales import rights as sales_rights
from opportunities.sales import services as sales_services
from opportunities.sales.models import Offer, Order
from opportunities.tradeins.models import TradeIn
from payments.transactions import services as payments
from signatures.flows import annexes, selectors
from signatures.models import AnnexKind, SignatureDocument, SignatureRequest, SignatureSettings
from signatures.requests import services as requests

Purpose = SignatureRequest.Purpose
DocKind = SignatureDocument.Kind


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="esign")


def _open_requests(**subject):
    return SignatureRequest.objects.select_for_update(of=("self",)).filter(
        status__in=SignatureRequest.OPEN, **subject
    )


# --- Orders (S-4, O-5) -------------------------------------------------------------------


def order_documents(order: Order) -> list[requests.DocumentDraft]:
    """The order form first, then each validated trade-in of its offer (its estimate,
    with its own boxes, S-4), then the annexes chosen in the settings (S-1)."""
    try:
        drafts = [
            requests.DocumentDraft(
                kind=DocKind.ORDER_FORM,
                title=_("Bon de commande n° %s") % order.pk,
                pdf=documents.order_form_pdf(order),
            )
        ]
    except documents.DocumentRefused as exc:
        raise _refused(str(exc)) from exc
    chosen = set(SignatureSettings.current().annexes or [])
    trade_ins = list(
        TradeIn.objects.filter(
            offer_id=order.offer_id, kind=TradeIn.Kind.WITH_ORDER, status=TradeIn.Status.VALIDATED
        )
        .select_related("opportunity__salesperson", "customer", "point_of_sale__entity")
        .order_by("pk")
    )
    for trade_in in trade_ins:
        drafts.append(
            requests.DocumentDraft(
                kind=DocKind.TRADEIN_ESTIMATE,
                title=_("Estimation de reprise n° %s") % trade_in.pk,
                pdf=documents.tradein_estimate_pdf(trade_in),
            )
        )
        for kind in (AnnexKind.COUNTER_EXPERTISE, AnnexKind.TRADEIN_ADMIN):
            if kind in chosen:
                drafts.append(
                    requests.DocumentDraft(
                        kind=DocKind.ANNEX,
                        title=f"{AnnexKind(kind).label} — {_('reprise n° %s') % trade_in.pk}",
                        pdf=annexes.tradein_annex_pdf(trade_in, kind=kind),
                    )
                )
    return drafts


def order_request_open(*, order: Order, by) -> SignatureRequest:
    """The order entered *en attente de e-signature*: its request is created and sent.
    Refused (the order's move rolls back, the user reads why) when the signer has no
    email or mobile."""
    customer = order.opportunity.customer
    missing = requests.signer_missing(customer)
    if missing:
        raise _refused(
            _("Envoi en e-signature impossible : %s. Complétez la fiche client puis recommencez.")
            % "; ".join(missing)
        )
    return requests.signature_request_create(
        purpose=Purpose.ORDER,
        customer=customer,
        point_of_sale=order.point_of_sale,
        documents=order_documents(order),
        by=by,
        salesperson=order.opportunity.salesperson,
        order=order,
        vehicle=order.vehicle,
    )


def order_requests_delete(*, order: Order, reason: str) -> int:
    """The order was cancelled (or its cancellation requested): its open requests become
    *supprimé*; the customer's link then says the document no longer needs signing."""
    done = 0
    for request in _open_requests(order=order):
        requests.signature_request_delete(request=request, by=None, reason=reason)
        done += 1
    return done


def _order_outcome(request: SignatureRequest, to_status: str) -> None:
    order = Order.objects.get(pk=request.order_id)
    if order.status != Order.Status.PENDING_SIGNATURE:
        return  # a delivery report, or an order that already moved on
    if to_status == SignatureRequest.Status.SIGNED:
        sales_services.order_signature_signed(order=order)
    elif to_status == SignatureRequest.Status.REFUSED:
        sales_services.order_signature_failed(
            order=order, expired=False, reason=request.refusal_reason
        )
    elif to_status == SignatureRequest.Status.EXPIRED:
        sales_services.order_signature_failed(order=order, expired=True)


# --- Trade-in offers (S-4) ---------------------------------------------------------------


def tradein_offer_refusal(offer: Offer, user=None) -> str | None:
    """Why "Envoyer pour e-signature" is not offered on this offer (None: it is): a
    validated dry trade-in offer, not already waiting, whose customer can receive the
    link (email and mobile)."""
    if offer.status != Offer.Status.VALIDATED:
        return _("Seule une offre validée s'envoie en e-signature.")
    trade_in = tradein_of_offer(offer)
    if trade_in is None:
        return _("Cette offre n'est pas une offre de reprise sèche.")
    if user is not None and not sales_rights.offer_may_act(offer, user):
        return _("Vous ne pouvez pas agir sur cette offre.")
    if SignatureRequest.objects.filter(offer=offer, status__in=SignatureRequest.OPEN).exists():
        return _("Cette offre attend déjà une signature.")
    missing = requests.signer_missing(offer.opportunity.customer)
    if missing:
        return _("Envoi en e-signature impossible : %s.") % "; ".join(missing)
    return None


def tradein_of_offer(offer: Offer) -> TradeIn | None:
    """The validated dry trade-in that ``offer`` buys (its *offre de reprise*: an offer on
    the trade-in's VO in its opportunity, ``tradein_offer_create``), if any."""
    return (
        TradeIn.objects.filter(
            opportunity_id=offer.opportunity_id,
            stock_vehicle_id=offer.vehicle_id,
            kind=TradeIn.Kind.DRY,
            status=TradeIn.Status.VALIDATED,
            completed_at__isnull=True,
        )
        .select_related("opportunity__salesperson", "customer", "point_of_sale__entity")
        .first()
    )


@transaction.atomic
def tradein_offer_send(*, offer: Offer, by) -> SignatureRequest:
    """ "Envoyer pour e-signature" on a validated dry trade-in offer (S-4): the customer
    signs the trade-in offer; the offer waits for the signature."""
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("opportunity__customer__legal_representative", "opportunity__point_of_sale")
        .get(pk=offer.pk)
    )
    if not sales_rights.offer_may_act(offer, by):
        raise PermissionDenied(_("Vous ne pouvez pas agir sur cette offre."))
    refusal = tradein_offer_refusal(offer)
    if refusal:
        raise _refused(refusal)
    trade_in = tradein_of_offer(offer)
    return requests.signature_request_create(
        purpose=Purpose.TRADEIN_OFFER,
        customer=offer.opportunity.customer,
        point_of_sale=offer.opportunity.point_of_sale,
        documents=[
            requests.DocumentDraft(
                kind=DocKind.TRADEIN_OFFER,
                title=_("Offre de reprise n° %s") % offer.pk,
                pdf=documents.tradein_estimate_pdf(trade_in),
            )
        ],
        by=by,
        salesperson=offer.opportunity.salesperson,
        offer=offer,
        trade_in=trade_in,
    )


def _offer_outcome(request: SignatureRequest, to_status: str) -> None:
    """Refused, deleted or expired: the offer is cancelled (S-4). Signed: the offer
    stays validated, the customer's acceptance is in its history."""
    offer = Offer.objects.get(pk=request.offer_id)
    if to_status == SignatureRequest.Status.SIGNED:
        sales_services.opportunity_event_record(
            opportunity=offer.opportunity,
            kind="offer",
            message=_("Offre n° %s signée électroniquement par le client") % offer.pk,
            data={"offer": offer.pk, "signature_request": request.pk},
        )
        return
    if offer.status not in (Offer.Status.OPEN, Offer.Status.VALIDATED):
        return  # already cancelled (a duplicate or a new version replaced it)
    reasons = {
        SignatureRequest.Status.REFUSED: _("e-signature refusée par le client"),
        SignatureRequest.Status.EXPIRED: _("délai de e-signature dépassé"),
        SignatureRequest.Status.DELETED: _("e-signature annulée"),
    }
    sales_services.offer_signature_cancelled(offer=offer, reason=reasons[to_status])


@transaction.atomic
def offer_signature_cancel(*, offer: Offer, by) -> int:
    """Before duplicating or modifying an offer that waits for a signature (after the
    user confirmed): its request is deleted, which cancels the offer (S-4)."""
    done = 0
    for request in _open_requests(offer=offer):
        if not rules.works_at(by, request.point_of_sale_id):
            raise PermissionDenied(_("Vous ne pouvez pas agir sur cette demande de signature."))
        requests.signature_request_delete(
            request=request, by=by, reason=_("offre dupliquée ou modifiée")
        )
        done += 1
    return done


# --- Delivery reports --------------------------------------------------------------------


@transaction.atomic
def delivery_report_request(*, order: Order, by, remote: bool) -> SignatureRequest:
    """The delivery report to sign (at delivery): by email (``remote``) or on a tablet in
    the showroom (no email: the staff opens the page and hands the device over)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("opportunity__customer__legal_representative", "point_of_sale", "vehicle")
        .get(pk=order.pk)
    )
    if not sales_rights.order_may_deliver(order, by):
        raise PermissionDenied(_("Vous ne pouvez pas faire signer la livraison."))
    if order.status not in (Order.Status.TO_DELIVER, Order.Status.DELIVERED):
        raise _refused(_("Le PV de livraison se signe pour une commande à livrer ou livrée."))
    if SignatureRequest.objects.filter(
        order=order, purpose=Purpose.DELIVERY, status__in=SignatureRequest.OPEN
    ).exists():
        raise _refused(_("Le PV de livraison de cette commande attend déjà une signature."))
    try:
        pdf = documents.delivery_report_pdf(order)
    except documents.DocumentRefused as exc:
        raise _refused(str(exc)) from exc
    return requests.signature_request_create(
        purpose=Purpose.DELIVERY,
        customer=order.opportunity.customer,
        point_of_sale=order.point_of_sale,
        documents=[
            requests.DocumentDraft(
                kind=DocKind.DELIVERY_REPORT,
                title=_("Procès-verbal de livraison — commande n° %s") % order.pk,
                pdf=pdf,
            )
        ],
        by=by,
        salesperson=order.opportunity.salesperson,
        order=order,
        vehicle=order.vehicle,
        send=remote,
    )


# --- The status of a request changed (signals.signature_status_changed) --------------------


def signature_outcome_apply(*, request: SignatureRequest, to_status: str) -> None:
    """What a final status of ``request`` does to what it signs, in its transaction."""
    if to_status not in SignatureRequest.FINAL:
        return
    if request.purpose == Purpose.ORDER and request.order_id:
        if to_status != SignatureRequest.Status.DELETED:
            _order_outcome(request, to_status)
    elif request.purpose == Purpose.TRADEIN_OFFER and request.offer_id:
        _offer_outcome(request, to_status)


# --- S-8: correct the contact, send the links again --------------------------------------


def signer_contact(customer):
    """Who receives the links: a company's legal representative (O-2), else the customer."""
    if customer.is_company and customer.legal_representative_id:
        return customer.legal_representative
    return customer


@transaction.atomic
def order_links_resend(
    *, order: Order, by, email: str, mobile: str, esign: bool, epay: bool
) -> dict:
    """S-8: the signer's email and mobile (only those) are corrected on the customer's
    record, then the e-signature link and/or the e-payment link are sent again; each
    resend kills the previous link. Returns ``{"esign": request|None, "epay": payment|None}``.
    """
    if not sales_rights.order_may_act(order, by):
        raise PermissionDenied(_("Vous ne pouvez pas agir sur cette commande."))
    if not (esign or epay):
        raise _refused(_("Choisissez le lien à renvoyer."))
    request = selectors.open_request_for(order=order) if esign else None
    payment = selectors.pending_payment_for(order) if epay else None
    if esign and request is None:
        raise _refused(_("Aucune e-signature en attente sur cette commande."))
    if epay and payment is None:
        raise _refused(_("Aucun e-paiement en attente sur cette commande."))
    contact = signer_contact(order.opportunity.customer)
    customer_update(customer=contact, by=by, email=email, mobile=mobile)
    done = {"esign": None, "epay": None}
    if request is not None:
        done["esign"] = requests.signature_request_resend(
            request=request, by=by, email=email, mobile=mobile
        )
    if payment is not None:
        done["epay"] = payments.payment_link_resend(
            payment=payment, by=by, email=email, mobile=mobile
        )
    return done


@transaction.atomic
def request_contact_resend(*, request: SignatureRequest, by, email: str, mobile: str):
    """The order panel's "Corriger et renvoyer" (S-5): the signer's contact corrected on
    the customer's record and on the request, then a new link."""
    contact = signer_contact(request.customer)
    customer_update(customer=contact, by=by, email=email, mobile=mobile)
    return requests.signature_request_resend(request=request, by=by, email=email, mobile=mobile)
