"""Create, send, resend, delete, expire, fail a signature request; the settings."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from openflex.core.tokens import link_nonce_new
from signatures.requests.models import (
    SignatureDocument,
    SignatureRequest,
    SignatureSettings,
    SmsCode,
)
from signatures.requests.services.core import (
    DocumentDraft,
    Kind,
    Status,
    _lock,
    _refused,
    _send_link,
    _transition,
    _vehicle_of,
    mobile_clean,
    signature_event_record,
    signature_expiry_for,
    signature_link_path,
    signer_missing,
    signer_of,
)

# --- Create, send, resend --------------------------------------------------------------


@transaction.atomic
def signature_request_create(
    *,
    purpose: str,
    customer,
    point_of_sale,
    documents: list[DocumentDraft],
    by=None,
    salesperson=None,
    order=None,
    offer=None,
    trade_in=None,
    vehicle=None,
    expires_at: datetime | None = None,
    send: bool = True,
    now: datetime | None = None,
) -> SignatureRequest:
    """A request for ``customer`` (its legal representative for a company) to sign
    ``documents`` (order first). Refused when the signer has no email or mobile. Sent at
    once by email unless ``send`` is False (signed on a tablet in the showroom)."""
    missing = signer_missing(customer)
    if missing:
        raise _refused(
            _("La demande de signature ne peut pas être envoyée : %s.") % "; ".join(missing)
        )
    if not documents:
        raise _refused(_("Aucun document à signer."))
    name, company, email, mobile = signer_of(customer)
    now = now or timezone.now()
    if vehicle is None and order is not None:
        vehicle = order.vehicle
    request = SignatureRequest.objects.create(
        purpose=purpose,
        customer=customer,
        point_of_sale=point_of_sale,
        salesperson=salesperson or by,
        order=order,
        offer=offer,
        trade_in=trade_in,
        signer_name=name,
        signer_company=company,
        email=email,
        mobile=mobile_clean(mobile),
        created_at=now,
        created_by=by,
        expires_at=expires_at or signature_expiry_for(purpose=purpose, vehicle=vehicle, now=now),
        link_nonce=link_nonce_new(),
    )
    for position, draft in enumerate(documents):
        SignatureDocument.objects.create(
            request=request,
            kind=draft.kind,
            title=draft.title[:200],
            position=position,
            original_pdf=draft.pdf,
            original_sha256=hashlib.sha256(draft.pdf).hexdigest(),
        )
    signature_event_record(
        request=request,
        kind=Kind.CREATED,
        message=_("Demande créée : %s") % ", ".join(d.title for d in documents),
        by=by,
        to_status=request.status,
        data={
            "documents": [
                {"title": d.title, "sha256": hashlib.sha256(d.pdf).hexdigest()} for d in documents
            ],
            "expires_at": request.expires_at.isoformat(),
        },
        at=now,
    )
    if send:
        _send_link(request, by=by, now=now, kind=Kind.EMAIL_SENT)
    return request


@transaction.atomic
def signature_request_send(*, request: SignatureRequest, by=None) -> SignatureRequest:
    """Email the current link (a request created with ``send=False``)."""
    request = _lock(request)
    if not request.is_open:
        raise _refused(_("Cette demande de signature n'est plus en attente."))
    _send_link(request, by=by, now=timezone.now(), kind=Kind.EMAIL_SENT)
    return request


@transaction.atomic
def signature_request_resend(
    *,
    request: SignatureRequest,
    by,
    email: str | None = None,
    mobile: str | None = None,
    now: datetime | None = None,
) -> SignatureRequest:
    """Send a new link (S-5, S-8): the previous one stops working, the delay restarts
    (same rule). Only the signer's email and mobile may be corrected first; anything
    else needs a new document (a new request)."""
    now = now or timezone.now()
    request = _lock(request)
    changes = {}
    if email is not None and email.strip() != request.email:
        try:
            validate_email(email.strip())
        except ValidationError:
            raise ValidationError({"email": _("Cette adresse email n'est pas valide.")}) from None
        changes["email"] = email.strip()
    if mobile is not None and mobile.strip() and mobile.strip() != request.mobile:
        try:
            clean = mobile_clean(mobile)
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from None
        if clean != request.mobile:
            changes["mobile"] = clean
    if not can_proceed(request.resend) or not has_transition_perm(request.resend, by):
        if not request.is_open:
            raise _refused(
                _("Cette demande de signature est %s : elle ne se renvoie plus.")
                % request.get_status_display().lower()
            )
        raise PermissionDenied(_("Vous ne pouvez pas renvoyer cette demande de signature."))
    if changes:
        before = {name: getattr(request, name) for name in changes}
        for name, value in changes.items():
            setattr(request, name, value)
        request.save(update_fields=list(changes))
        signature_event_record(
            request=request,
            kind=Kind.CONTACT_CHANGED,
            message=_("Coordonnées corrigées : %s") % ", ".join(sorted(changes)),
            by=by,
            data={"before": before, "after": changes},
            at=now,
        )
    request.link_nonce = link_nonce_new()
    request.expires_at = signature_expiry_for(
        purpose=request.purpose, vehicle=_vehicle_of(request), now=now
    )
    request.error = ""
    _transition(
        request,
        "resend",
        by=by,
        message=_("Nouveau lien de signature (le précédent ne fonctionne plus)"),
        fields=("link_nonce", "expires_at", "error"),
        data={"expires_at": request.expires_at.isoformat()},
        check_user=True,
    )
    # The codes of the old link are void too.
    SmsCode.objects.filter(request=request, used_at__isnull=True).update(superseded=True)
    _send_link(request, by=by, now=now, kind=Kind.RESENT)
    return request


@transaction.atomic
def signature_request_new_link(*, request: SignatureRequest, by) -> str:
    """A fresh link without email (the tablet in the showroom): returns its path; the
    previous link stops working."""
    request = _lock(request)
    if not request.is_open:
        raise _refused(_("Cette demande de signature n'est plus en attente."))
    if not has_transition_perm(request.resend, by):
        raise PermissionDenied(_("Vous ne pouvez pas agir sur cette demande de signature."))
    request.link_nonce = link_nonce_new()
    request.save(update_fields=["link_nonce"])
    signature_event_record(
        request=request,
        kind=Kind.RESENT,
        message=_("Lien ouvert sur place (tablette)"),
        by=by,
    )
    return signature_link_path(request)


# --- Staff and system transitions --------------------------------------------------------


@transaction.atomic
def signature_request_delete(
    *, request: SignatureRequest, by=None, reason: str = ""
) -> SignatureRequest:
    """Supprimé (S-2): the document no longer needs signing (its order was cancelled,
    its offer changed). ``by`` None: an automatic step (no right checked)."""
    request = _lock(request)
    request.decided_at = timezone.now()
    return _transition(
        request,
        "delete_request",
        by=by,
        message=_("Demande supprimée") + (f" : {reason}" if reason else ""),
        fields=("decided_at",),
        data={"reason": reason[:500]},
        check_user=by is not None,
    )


@transaction.atomic
def signature_request_expire(
    *, request: SignatureRequest, now: datetime | None = None
) -> SignatureRequest:
    request = _lock(request)
    request.decided_at = now or timezone.now()
    request.next_reminder_at = None
    return _transition(
        request,
        "expire",
        message=_("Délai de signature dépassé"),
        fields=("decided_at", "next_reminder_at"),
    )


@transaction.atomic
def signature_request_fail(
    *, request: SignatureRequest, error: str, kind: str = Kind.EMAIL_FAILED
) -> SignatureRequest | None:
    """The link or a code could not be sent: en erreur (shown on the order, re-sendable).
    A request no longer pending is left as it is (the failure is still recorded)."""
    request = _lock(request)
    signature_event_record(request=request, kind=kind, message=error[:500])
    if request.status != Status.PENDING:
        return None
    request.error = error[:500]
    return _transition(
        request, "fail", message=_("En erreur : %s") % error[:400], fields=("error",)
    )


# --- Settings ------------------------------------------------------------------------------


@transaction.atomic
def signature_settings_update(*, by, **values) -> SignatureSettings:
    """Paramètres › Parcours de vente digitalisé — e-signature (S-3). The new delay and
    reminders apply to the links sent from now on."""
    config = SignatureSettings.objects.select_for_update().get(pk=SignatureSettings.current().pk)
    allowed = {"expiry_days", "reminder_after_days", "reminder_every_days", "reminder_max"}
    for name, value in values.items():
        if name in allowed:
            setattr(config, name, value)
    if "annexes" in values:
        config.annexes = [str(v) for v in values["annexes"]]
    config.updated_at = timezone.now()
    config.updated_by = by
    config.save()
    return config
