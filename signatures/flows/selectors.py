"""Reads of the e-signature's business effects: the order panel, the S-8 resend list.

The S-8 list ("Commandes en attente de e-signature / de e-paiement") is the order scope
of the sale side (``order_queryset_for_user``: a salesperson his own orders, a manager
or a secretary those of his points of sale, an administrator all) narrowed to the orders
with something to resend; each row carries its open signature request and its pending
e-payment through two prefetches (the query count does not grow with the rows).
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from opportunities.sales.models import Order
from opportunities.sales.selectors import order_queryset_for_user
from payments.models import Payment
from signatures.models import SignatureDocument, SignatureRequest

# The views of the resend list, opened by the two tiles (S-8, O-10).
VIEW_ESIGN = "esignature"
VIEW_EPAY = "epaiement"


def _pending_payment():
    return Payment.objects.filter(
        order=OuterRef("pk"), kind=Payment.Kind.DEPOSIT, status__in=Payment.PENDING
    )


def _open_request():
    return SignatureRequest.objects.filter(order=OuterRef("pk"), status__in=SignatureRequest.OPEN)


def orders_waiting_for_signature(*, user) -> QuerySet[Order]:
    """The tile's count and the list's "e-signature" view: orders en attente de
    e-signature (served by ``order_status_created`` / ``order_pos_status``)."""
    return order_queryset_for_user(user).filter(status=Order.Status.PENDING_SIGNATURE)


def orders_waiting_for_payment(*, user) -> QuerySet[Order]:
    """Orders whose deposit's e-payment link waits for the customer (``payment_order``
    index on the payments)."""
    return order_queryset_for_user(user).filter(Exists(_pending_payment()))


def orders_to_resend(*, user, view: str = "") -> QuerySet[Order]:
    """The rows of the S-8 list, with what a row shows loaded in constant queries."""
    qs = order_queryset_for_user(user)
    if view == VIEW_ESIGN:
        qs = qs.filter(status=Order.Status.PENDING_SIGNATURE)
    elif view == VIEW_EPAY:
        qs = qs.filter(Exists(_pending_payment()))
    else:
        qs = qs.filter(Q(status=Order.Status.PENDING_SIGNATURE) | Exists(_pending_payment()))
    return qs.select_related(
        "opportunity__customer__legal_representative",
        "opportunity__salesperson",
        "vehicle",
        "point_of_sale",
    ).prefetch_related(
        Prefetch(
            "signature_requests",
            queryset=SignatureRequest.objects.filter(status__in=SignatureRequest.OPEN).order_by(
                "-created_at", "-pk"
            ),
            to_attr="open_signature_requests",
        ),
        Prefetch(
            "payments",
            queryset=Payment.objects.filter(
                kind=Payment.Kind.DEPOSIT, status__in=Payment.PENDING
            ).order_by("-created_at", "-pk"),
            to_attr="pending_payments",
        ),
    )


def order_signature_requests(*, order) -> list[SignatureRequest]:
    """The order panel: every request of the order, newest first, with its documents
    (without their PDF bytes)."""
    return list(
        SignatureRequest.objects.filter(order=order)
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=SignatureDocument.objects.defer("original_pdf", "signed_pdf").order_by(
                    "position", "pk"
                ),
            )
        )[:10]
    )


def open_request_for(*, order=None, offer=None) -> SignatureRequest | None:
    qs = SignatureRequest.objects.filter(status__in=SignatureRequest.OPEN)
    if order is not None:
        qs = qs.filter(order=order)
    if offer is not None:
        qs = qs.filter(offer=offer)
    return qs.order_by("-created_at", "-pk").first()


def offer_waits_for_signature(offer) -> bool:
    return SignatureRequest.objects.filter(offer=offer, status__in=SignatureRequest.OPEN).exists()


def pending_payment_for(order) -> Payment | None:
    return (
        Payment.objects.filter(order=order, kind=Payment.Kind.DEPOSIT, status__in=Payment.PENDING)
        .order_by("-created_at", "-pk")
        .first()
    )


def signature_request_get_for_user(*, user, pk: int) -> SignatureRequest:
    """A request that the user may follow: that of an order or an offer he may open
    (the sale side's scopes), else 404."""
    from django.http import Http404

    from opportunities.sales.selectors import opportunity_queryset_for_user

    request = (
        SignatureRequest.objects.filter(pk=pk)
        .filter(
            Q(order__in=order_queryset_for_user(user).values("pk"))
            | Q(offer__opportunity__in=opportunity_queryset_for_user(user).values("pk"))
        )
        .select_related("order", "offer", "customer__legal_representative", "point_of_sale")
        .first()
    )
    if request is None:
        raise Http404
    return request


def offer_signature_requests(*, offer) -> list[SignatureRequest]:
    """The offer page: its requests, newest first, documents without their bytes."""
    return list(
        SignatureRequest.objects.filter(offer=offer)
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=SignatureDocument.objects.defer("original_pdf", "signed_pdf").order_by(
                    "position", "pk"
                ),
            )
        )[:10]
    )
