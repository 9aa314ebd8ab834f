"""Shared by the services of signature requests: the audit chain, the one transition place,
expiry, the signer, the link email."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from openflex.core.tokens import link_token_make
from openflex.notifications.services import email_send
from signatures.promotions.rules import signature_expiry_date
from signatures.promotions.selectors import promotion_ends_for_vehicle
from signatures.requests.audit import event_hash
from signatures.requests.models import (
    SignatureEvent,
    SignatureRequest,
    SignatureSettings,
)
from signatures.signals import signature_status_changed

LINK_PURPOSE = "signatures.sign"
# The signed link's own age limit; the request's stored expiry is the real one (S-3).
LINK_MAX_AGE = timedelta(days=180)
CODE_LIFETIME = timedelta(minutes=10)
CODE_MAX_CHECKS = 5
CODE_MAX_SENDS_PER_HOUR = 5
SMS_KIND = "signature_code"

Kind = SignatureEvent.Kind
Status = SignatureRequest.Status


@dataclass(frozen=True)
class DocumentDraft:
    """A document to sign, given by the caller (PDF bytes of ``opportunities.documents``)."""

    kind: str
    title: str
    pdf: bytes


@dataclass(frozen=True)
class Client:
    """Who is on the customer's side of the link (audit trail)."""

    ip: str | None = None
    user_agent: str = ""


@dataclass
class Outcome:
    """What a customer's step did: ``ok``, or ``error`` to show (nothing else changed
    but the counters)."""

    ok: bool
    error: str = ""
    data: dict = field(default_factory=dict)
    field: str = "code"


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="signature_refused")


# --- Audit trail ---------------------------------------------------------------------


def signature_event_record(
    *,
    request: SignatureRequest,
    kind: str,
    message: str,
    by=None,
    client: Client | None = None,
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> SignatureEvent:
    """Append an event to the chain. The caller holds the request's row lock."""
    client = client or Client()
    event = SignatureEvent(
        request=request,
        seq=request.events_count + 1,
        kind=kind,
        at=at or timezone.now(),
        message=str(message)[:500],
        from_status=from_status,
        to_status=to_status,
        ip=client.ip,
        user_agent=(client.user_agent or "")[:400],
        by=by,
        data=data or {},
        previous_hash=request.events_head,
    )
    event.hash = event_hash(event)
    event.save()
    request.events_head = event.hash
    request.events_count = event.seq
    SignatureRequest.objects.filter(pk=request.pk).update(
        events_head=event.hash, events_count=event.seq
    )
    return event


def _lock(request: SignatureRequest) -> SignatureRequest:
    return (
        SignatureRequest.objects.select_for_update(of=("self",))
        .select_related("point_of_sale__entity", "customer")
        .get(pk=request.pk)
    )


def _transition(
    request: SignatureRequest,
    name: str,
    *,
    by=None,
    client: Client | None = None,
    message: str,
    fields: tuple[str, ...] = (),
    data: dict | None = None,
    check_user: bool = False,
) -> SignatureRequest:
    """Call transition ``name`` on a locked request, save, record, signal."""
    method = getattr(request, name)
    if not can_proceed(method):
        raise _refused(
            _("Cette demande de signature est %s : action impossible.")
            % request.get_status_display().lower()
        )
    if check_user and not has_transition_perm(method, by):
        raise PermissionDenied(_("Vous ne pouvez pas agir sur cette demande de signature."))
    from_status = request.status
    method()
    request.save(update_fields=["status", *fields])
    signature_event_record(
        request=request,
        kind=Kind.STATUS,
        message=message,
        by=by,
        client=client,
        from_status=from_status,
        to_status=request.status,
        data=data,
    )
    if from_status != request.status:
        signature_status_changed.send(
            sender=SignatureRequest,
            request=request,
            from_status=from_status,
            to_status=request.status,
            by=by,
        )
    return request


# --- Expiry and reminders (S-3) --------------------------------------------------------


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def signature_expiry_for(*, purpose: str, vehicle=None, now: datetime | None = None) -> datetime:
    """When a request sent now expires: the delay of the settings, shortened for an order
    form by the promotional operations running on its vehicle (S-3)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    operations = ()
    if purpose == SignatureRequest.Purpose.ORDER and vehicle is not None:
        operations = promotion_ends_for_vehicle(vehicle=vehicle, on=today)
    last_day = signature_expiry_date(
        start=today, delay_days=SignatureSettings.current().expiry_days, operations=operations
    )
    return _end_of_day(last_day)


def _first_reminder(*, sent_at: datetime, expires_at: datetime) -> datetime | None:
    config = SignatureSettings.current()
    if config.reminder_max <= 0:
        return None
    at = sent_at + timedelta(days=config.reminder_after_days)
    return at if at < expires_at else None


def _vehicle_of(request: SignatureRequest):
    if request.order_id:
        return request.order.vehicle
    return None


# --- Signer --------------------------------------------------------------------------


def signer_of(customer) -> tuple[str, str, str, str]:
    """(name, company, email, mobile) of who signs for ``customer``: a company's legal
    representative (O-2), else the customer."""
    if customer.is_company:
        rep = customer.legal_representative
        if rep is None:
            return "", customer.company_name, "", ""
        return rep.display_name, customer.company_name, rep.email, rep.mobile
    return customer.display_name, "", customer.email, customer.mobile


def mobile_clean(value: str) -> str:
    """A valid phone number (E.164), else ``ValidationError`` (French message)."""
    import phonenumbers

    value = (value or "").strip()
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Ce numéro de mobile n'est pas valide."), code="mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def signer_missing(customer) -> list[str]:
    """What the signer lacks to receive a link (email, mobile): empty when ready (S-1)."""
    name, _company, email, mobile = signer_of(customer)
    if customer.is_company and not name:
        return [_("le représentant légal n'est pas renseigné")]
    missing = []
    if not email:
        missing.append(_("l'email"))
    if not mobile:
        missing.append(_("le mobile"))
    if missing:
        text = (
            _("il manque au représentant légal : %s")
            if customer.is_company
            else _("il manque au client : %s")
        )
        return [text % ", ".join(missing)]
    return []


def signature_link_path(request: SignatureRequest) -> str:
    """The path of the customer's page with the current link (a new nonce kills it)."""
    token = link_token_make(purpose=LINK_PURPOSE, pk=request.pk, nonce=request.link_nonce)
    return reverse("signatures:sign", kwargs={"token": token})


def signature_link_url(request: SignatureRequest) -> str:
    return settings.SITE_URL + signature_link_path(request)


def _dealer(request: SignatureRequest) -> dict:
    pos = request.point_of_sale
    return {
        "name": pos.name,
        "entity": pos.entity.name,
        "address": pos.address,
        "postcode": pos.postcode,
        "city": pos.city,
        "phone": pos.phone,
        "email": pos.email,
    }


def _send_link(request: SignatureRequest, *, by, now: datetime, kind: str) -> None:
    """Email the link (outbox) and schedule the reminders; the caller holds the lock."""
    reminder = kind == Kind.REMINDER
    documents = list(request.documents.values_list("title", flat=True))
    subject = (
        _("Rappel : documents à signer électroniquement")
        if reminder
        else _("Documents à signer électroniquement")
    )
    email = email_send(
        to=request.email,
        subject=subject,
        template="signatures/signature_request",
        kind="signature_reminder" if reminder else "signature_request",
        confidential=True,  # the link signs in the customer's name (with the SMS code)
        context={
            "signer_name": request.signer_name,
            "company": request.signer_company,
            "documents": documents,
            "link": signature_link_url(request),
            "expires_at": request.expires_at,
            "dealer": _dealer(request),
            "reminder": reminder,
        },
    )
    fields = ["last_email_id"]
    request.last_email_id = email.pk
    if not reminder:
        request.sent_at = now
        request.reminders_sent = 0
        request.next_reminder_at = _first_reminder(sent_at=now, expires_at=request.expires_at)
        fields += ["sent_at", "reminders_sent", "next_reminder_at"]
    request.save(update_fields=fields)
    signature_event_record(
        request=request,
        kind=kind,
        message=(_("Relance envoyée à %s") if reminder else _("Lien envoyé à %s")) % request.email,
        by=by,
        data={"email_id": email.pk, "to": request.email},
        at=now,
    )
