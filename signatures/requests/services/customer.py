"""The customer's steps through the signed link: open, ask a code, sign, refuse."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from signatures.requests.models import (
    SignatureEvent,
    SignatureRequest,
    SmsCode,
)
from signatures.requests.services.core import (
    CODE_LIFETIME,
    CODE_MAX_CHECKS,
    CODE_MAX_SENDS_PER_HOUR,
    SMS_KIND,
    Client,
    Kind,
    Outcome,
    _lock,
    _transition,
    signature_event_record,
)
from signatures.sealing.services import AuditLine, SealInput, document_seal
from signatures.sms.services import sms_send

# --- The customer's steps ---------------------------------------------------------------


def _code_hash(request_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"signature-code:{request_id}:{code}".encode(), "sha256").hexdigest()


def _signable_error(request: SignatureRequest, now: datetime) -> str:
    if not request.is_open:
        return _("Cette demande n'attend plus de signature.")
    if request.is_past_expiry(now):
        return _("Le délai de signature est dépassé.")
    return ""


@transaction.atomic
def signature_request_opened(*, request: SignatureRequest, client: Client) -> None:
    """The customer opened the link (recorded once per link, for the audit trail)."""
    request = _lock(request)
    if request.status not in SignatureRequest.OPEN:
        return
    nonce_tag = request.link_nonce[:8]
    already = SignatureEvent.objects.filter(
        request=request, kind=Kind.OPENED, data__link=nonce_tag
    ).exists()
    if not already:
        signature_event_record(
            request=request,
            kind=Kind.OPENED,
            message=_("Lien ouvert"),
            client=client,
            data={"link": nonce_tag},
        )


@transaction.atomic
def signature_code_send(
    *, request: SignatureRequest, client: Client, now: datetime | None = None
) -> Outcome:
    """ "Signer": a 6-digit code by SMS to the signer's mobile (at most 5 per hour per
    request); the previous codes stop working."""
    now = now or timezone.now()
    request = _lock(request)
    error = _signable_error(request, now)
    if error:
        return Outcome(ok=False, error=error)
    recent = SmsCode.objects.filter(request=request, created_at__gt=now - timedelta(hours=1))
    if recent.count() >= CODE_MAX_SENDS_PER_HOUR:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = max(1, int((oldest + timedelta(hours=1) - now).total_seconds() // 60) + 1)
        signature_event_record(
            request=request,
            kind=Kind.CODE_REFUSED,
            message=_("Trop de codes demandés en une heure"),
            client=client,
            at=now,
        )
        return Outcome(
            ok=False,
            error=_(
                "Vous avez demandé %(max)s codes en une heure : réessayez dans %(wait)s minutes."
            )
            % {"max": CODE_MAX_SENDS_PER_HOUR, "wait": wait},
        )
    SmsCode.objects.filter(request=request, used_at__isnull=True).update(superseded=True)
    code = f"{secrets.randbelow(10**6):06d}"
    sms_code = SmsCode.objects.create(
        request=request,
        code_hash=_code_hash(request.pk, code),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    message = sms_send(
        to=request.mobile,
        body=_(
            "%(code)s est votre code de signature électronique %(dealer)s. "
            "Il est valable 10 minutes. Ne le communiquez à personne."
        )
        % {"code": code, "dealer": request.point_of_sale.name},
        kind=SMS_KIND,
        reference=f"signature_request:{request.pk}",
        confidential=True,
    )
    signature_event_record(
        request=request,
        kind=Kind.CODE_SENT,
        message=_("Code envoyé par SMS au %s") % _masked(request.mobile),
        client=client,
        data={"sms_id": message.pk, "code_id": sms_code.pk},
        at=now,
    )
    return Outcome(ok=True, data={"mobile": _masked(request.mobile)})


def _masked(mobile: str) -> str:
    return ("•" * max(len(mobile) - 4, 0)) + mobile[-4:] if mobile else ""


def signature_mobile_masked(request: SignatureRequest) -> str:
    return _masked(request.mobile)


def _code_check(request, code: str, client: Client, now: datetime) -> Outcome:
    sms_code = (
        SmsCode.objects.select_for_update()
        .filter(request=request, superseded=False, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    ask_again = _("Demandez un nouveau code.")
    if sms_code is None:
        return Outcome(ok=False, error=_("Aucun code en cours. ") + ask_again)
    if sms_code.expires_at <= now:
        return Outcome(ok=False, error=_("Ce code a expiré (10 minutes). ") + ask_again)
    if sms_code.attempts >= CODE_MAX_CHECKS:
        return Outcome(ok=False, error=_("Ce code est bloqué après 5 essais. ") + ask_again)
    sms_code.attempts += 1
    good = hmac.compare_digest(sms_code.code_hash, _code_hash(request.pk, (code or "").strip()))
    if not good:
        sms_code.save(update_fields=["attempts"])
        left = CODE_MAX_CHECKS - sms_code.attempts
        signature_event_record(
            request=request,
            kind=Kind.CODE_FAILED,
            message=_("Code erroné (essai %s sur 5)") % sms_code.attempts,
            client=client,
            data={"code_id": sms_code.pk, "attempt": sms_code.attempts},
            at=now,
        )
        if left <= 0:
            return Outcome(ok=False, error=_("Code erroné : ce code est bloqué. ") + ask_again)
        return Outcome(
            ok=False,
            error=_("Code erroné. Il vous reste %s essai(s).") % left,
        )
    sms_code.used_at = now
    sms_code.save(update_fields=["attempts", "used_at"])
    signature_event_record(
        request=request,
        kind=Kind.CODE_CHECKED,
        message=_("Code SMS vérifié (envoyé au %s)") % _masked(request.mobile),
        client=client,
        data={"code_id": sms_code.pk, "attempt": sms_code.attempts},
        at=now,
    )
    return Outcome(ok=True)


def _audit_lines(request: SignatureRequest) -> list[AuditLine]:
    return [
        AuditLine(
            at=e.at,
            label=e.get_kind_display(),
            message=e.message,
            ip=e.ip or "",
            user_agent=e.user_agent,
            hash=e.hash,
        )
        for e in request.events.order_by("seq")
    ]


@transaction.atomic
def signature_request_sign(
    *, request: SignatureRequest, code: str, client: Client, now: datetime | None = None
) -> Outcome:
    """The code checks: every document is stamped and sealed (with the audit-trail page)
    and the request is signed. A wrong code: counted, committed, ``ok`` False."""
    now = now or timezone.now()
    request = _lock(request)
    error = _signable_error(request, now)
    if error:
        return Outcome(ok=False, error=error)
    outcome = _code_check(request, code, client, now)
    if not outcome.ok:
        return outcome
    lines = _audit_lines(request)
    documents = list(request.documents.all())
    for document in documents:
        signed = document_seal(
            SealInput(
                pdf=bytes(document.original_pdf),
                entity=request.point_of_sale.entity,
                request_id=request.pk,
                document_id=document.pk,
                document_title=document.title,
                signer_name=request.signer_name,
                signer_company=request.signer_company,
                signed_at=now,
                ip=client.ip or "",
                user_agent=client.user_agent,
                documents=[(d.title, d.original_sha256) for d in documents],
                audit=lines,
                chain_head=request.events_head,
            )
        )
        document.signed_pdf = signed
        document.signed_sha256 = hashlib.sha256(signed).hexdigest()
        document.signed_at = now
        document.save(update_fields=["signed_pdf", "signed_sha256", "signed_at"])
    request.decided_at = now
    request.next_reminder_at = None
    _transition(
        request,
        "sign",
        client=client,
        message=_("Documents signés par %s") % request.signer_name,
        fields=("decided_at", "next_reminder_at"),
        data={
            "documents": [
                {"id": d.pk, "sha256_before": d.original_sha256, "sha256_signed": d.signed_sha256}
                for d in documents
            ]
        },
    )
    return Outcome(ok=True)


@transaction.atomic
def signature_request_refuse(
    *, request: SignatureRequest, reason: str = "", client: Client, now: datetime | None = None
) -> Outcome:
    now = now or timezone.now()
    request = _lock(request)
    error = _signable_error(request, now)
    if error:
        return Outcome(ok=False, error=error, field="reason")
    request.refusal_reason = (reason or "").strip()[:500]
    request.decided_at = now
    request.next_reminder_at = None
    _transition(
        request,
        "refuse",
        client=client,
        message=_("Signature refusée")
        + (f" : {request.refusal_reason}" if request.refusal_reason else ""),
        fields=("refusal_reason", "decided_at", "next_reminder_at"),
        data={"reason": request.refusal_reason},
    )
    return Outcome(ok=True)
