"""Reads of signature requests (S-1, S-6): scoped to the user's points of sale."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from openflex.accounts import rules
from signatures.requests.audit import audit_chain_problems
from signatures.requests.models import SignatureDocument, SignatureEvent, SignatureRequest

# The columns of a document without its PDF bytes (lists and panels never load them).
DOCUMENT_FIELDS = (
    "id",
    "request",
    "kind",
    "title",
    "position",
    "original_sha256",
    "signed_sha256",
    "signed_at",
)


def _documents_light() -> Prefetch:
    return Prefetch(
        "documents", queryset=SignatureDocument.objects.only(*DOCUMENT_FIELDS).order_by("position")
    )


def signature_request_queryset_for_user(user) -> QuerySet[SignatureRequest]:
    """The requests of the user's points of sale, for the sale side (all: administrators)."""
    if not rules.works_on_sales(user):
        return SignatureRequest.objects.none()
    qs = SignatureRequest.objects.all()
    if not rules.is_platform_admin(user):
        qs = qs.filter(point_of_sale_id__in=rules.user_point_of_sale_ids(user))
    return qs


def signature_request_get_for_user(*, user, pk: int, lock: bool = False) -> SignatureRequest:
    qs = signature_request_queryset_for_user(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    request = qs.select_related("point_of_sale__entity", "customer").filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def signature_document_get_for_user(*, user, pk: int) -> SignatureDocument:
    document = (
        SignatureDocument.objects.select_related("request")
        .filter(request__in=signature_request_queryset_for_user(user), pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return document


def signature_requests_for(*, order=None, offer=None, trade_in=None) -> list[SignatureRequest]:
    """The requests of an order / offer / trade-in, newest first, documents without bytes."""
    qs = SignatureRequest.objects.select_related("point_of_sale").prefetch_related(
        _documents_light()
    )
    if order is not None:
        qs = qs.filter(order=order)
    if offer is not None:
        qs = qs.filter(offer=offer)
    if trade_in is not None:
        qs = qs.filter(trade_in=trade_in)
    return list(qs.order_by("-created_at", "-pk"))


def signature_request_open_for(*, order=None, offer=None, trade_in=None):
    """The open (en attente / en erreur) request of an order, offer or trade-in, if any."""
    filters = {k: v for k, v in {"order": order, "offer": offer, "trade_in": trade_in}.items() if v}
    if not filters:
        return None
    return (
        SignatureRequest.objects.filter(status__in=SignatureRequest.OPEN, **filters)
        .order_by("-created_at", "-pk")
        .first()
    )


def signature_request_for_page(*, pk: int):
    """The request behind a customer's link, with what its page shows (no staff data)."""
    return (
        SignatureRequest.objects.select_related("point_of_sale__entity")
        .prefetch_related(_documents_light())
        .filter(pk=pk)
        .first()
    )


def signature_audit_problems(request: SignatureRequest) -> list[str]:
    """Whether the audit trail is intact (empty list) — the hash chain checked (S-6)."""
    return audit_chain_problems(
        request.events.order_by("seq"), head=request.events_head, count=request.events_count
    )


def signature_document_for_verification(
    *, user, sha256: str, request_id: int | None, document_id: int | None
):
    """The document a verified PDF is (the exact file issued, else the ids in its info),
    among those the user may see; None otherwise."""
    qs = (
        SignatureDocument.objects.only(*DOCUMENT_FIELDS)
        .select_related("request__point_of_sale")
        .filter(request__in=signature_request_queryset_for_user(user))
    )
    found = qs.filter(signed_sha256=sha256).first()
    if found is None and request_id and document_id:
        found = qs.filter(request_id=request_id, pk=document_id).first()
    return found


def signature_request_detail_for_user(*, user, pk: int):
    """A request with its documents (no bytes) and its audit trail, for the staff page."""
    request = (
        signature_request_queryset_for_user(user)
        .select_related("point_of_sale", "customer", "order__opportunity", "salesperson")
        .prefetch_related(
            _documents_light(),
            Prefetch(
                "events", queryset=SignatureEvent.objects.select_related("by").order_by("seq")
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def signature_audit_problems_of_loaded(request) -> list[str]:
    """``signature_audit_problems`` on the prefetched events (no query)."""
    return audit_chain_problems(
        request.events.all(), head=request.events_head, count=request.events_count
    )
