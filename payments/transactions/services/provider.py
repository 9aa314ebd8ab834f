"""What providers say, through ONE code path (P-5): callbacks, customer returns and the
reconciliation job all end in ``payment_provider_result_apply``.

Order of the checks on a message: known provider and reference (else 404, logged),
signature (else 400, logged raw on the payment, nothing changed), amount and currency
(else refused, logged, nothing changed), then under the payment's row lock: a message
already applied (same PAYID and STATUS) changes nothing; a status the graph does not allow
from the current one (a late "waiting" or "refused" after "paid") changes nothing. Every
message is kept raw on the payment's event log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from openflex.outbox.services import effect_enqueue, record_after_effect
from payments.providers import ogone
from payments.providers.base import ProviderResult
from payments.providers.registry import adapter_for
from payments.transactions.models import Payment, PaymentEvent
from payments.transactions.selectors import payment_by_reference, payment_configuration_for
from payments.transactions.services.core import (
    OUTCOME_TRANSITIONS,
    lock_payment,
    payment_event_record,
    payment_transition,
)

logger = logging.getLogger("payments.provider")

RECONCILE = "payments.reconcile"
PROVIDER_REFUND = "payments.provider_refund"
SOURCE_LABELS = {
    PaymentEvent.Kind.CALLBACK: _("notification du prestataire"),
    PaymentEvent.Kind.RETURN: _("retour du client"),
    PaymentEvent.Kind.RECONCILIATION: _("interrogation du prestataire"),
    PaymentEvent.Kind.REFUND: _("remboursement par le prestataire"),
}


@dataclass(frozen=True)
class Received:
    """The answer to a provider message: HTTP status, the payment, what happened."""

    http_status: int
    payment: Payment | None = None
    outcome: str = ""  # applied | replay | ignored | waiting | bad_signature | …


MAX_PARAMS = 100
MAX_VALUE = 1000


def _raw(params) -> dict[str, str]:
    """The message as received, made storable: at most 100 parameters of 1 000 characters,
    without NUL characters (PostgreSQL text refuses them). A genuine provider message is
    far below; a truncated value no longer matches its signature."""
    items = list(params.items())[:MAX_PARAMS]
    return {
        str(k).replace("\x00", "")[:100]: str(v).replace("\x00", "")[:MAX_VALUE] for k, v in items
    }


def _record_rejection(
    payment: Payment, *, source: str, message: str, params, ip, reason: str
) -> None:
    with transaction.atomic():
        payment_event_record(
            payment=payment,
            kind=PaymentEvent.Kind.REJECTED,
            message=message,
            from_status=payment.status,
            data={
                "source": source,
                "params": _raw(params),
                "reason": reason,
                "signature": reason != "bad_signature",
            },
            source_ip=ip,
        )


def payment_provider_message_receive(
    *, provider: str, params, source: str, ip: str | None
) -> Received:
    """A callback (``source`` = callback) or a customer's return (return), verified then
    applied. Never raises for bad input: the answer says what happened."""
    params = _raw(params)
    adapter = adapter_for(provider)
    upper = ogone.upper_keys(params)
    reference = upper.get("ORDERID", "")
    payment = payment_by_reference(reference) if adapter and reference else None
    if payment is None or payment.provider != provider:
        logger.warning(
            "payment %s for an unknown reference %r from %s: %r", source, reference, ip, params
        )
        return Received(404, outcome="unknown_reference")
    config = payment_configuration_for(payment.point_of_sale_id)
    if (
        config is None
        or config.provider != provider
        or not adapter.verify(params=params, config=config)
    ):
        logger.warning(
            "payment %s with a bad signature for %s from %s: %r", source, reference, ip, params
        )
        _record_rejection(
            payment,
            source=source,
            message=_("Signature invalide : message rejeté (%s)")
            % SOURCE_LABELS.get(source, source),
            params=params,
            ip=ip,
            reason="bad_signature",
        )
        return Received(400, payment=payment, outcome="bad_signature")
    result = adapter.parse(params)
    # The provider always returns AMOUNT and CURRENCY: a message without them (or with
    # others) is not about this payment.
    if result.amount != payment.amount or result.currency != payment.currency:
        logger.warning("payment %s with a different amount for %s: %r", source, reference, params)
        _record_rejection(
            payment,
            source=source,
            message=_("Montant ou devise différent du paiement (%(amount)s %(currency)s) : refusé")
            % {"amount": result.amount, "currency": result.currency},
            params=params,
            ip=ip,
            reason="amount_mismatch",
        )
        return Received(400, payment=payment, outcome="amount_mismatch")
    payment, outcome = payment_provider_result_apply(
        payment=payment, result=result, source=source, ip=ip
    )
    return Received(200, payment=payment, outcome=outcome)


@transaction.atomic
def payment_provider_result_apply(
    *, payment: Payment, result: ProviderResult, source: str, ip: str | None = None
) -> tuple[Payment, str]:
    """Apply a verified provider result under the row lock: one transition at most, even
    for two identical callbacks at the same moment. Returns (payment, what happened)."""
    payment = lock_payment(payment)
    label = SOURCE_LABELS.get(source, source)
    data = {
        "source": source,
        "params": _raw(result.params),
        "signature": True,
        "outcome": result.outcome,
    }
    key = result.key if result.provider_status else ""
    if key and payment.events.filter(provider_key=key).exists():
        payment_event_record(
            payment=payment,
            kind=source,
            from_status=payment.status,
            message=_("Déjà reçu (%s) : rien ne change") % label,
            data={**data, "replay": True},
            source_ip=ip,
        )
        return payment, "replay"
    fields = []
    if result.provider_payment_id and result.provider_payment_id != payment.provider_payment_id:
        payment.provider_payment_id = result.provider_payment_id
        fields.append("provider_payment_id")
    if result.provider_status and result.provider_status != payment.provider_status:
        payment.provider_status = result.provider_status
        fields.append("provider_status")
    method = OUTCOME_TRANSITIONS.get(result.outcome)
    if method and can_proceed(getattr(payment, method)):
        try:
            with transaction.atomic():
                payment_transition(
                    payment,
                    method,
                    kind=source,
                    message=_("%(status)s (%(source)s, statut %(code)s)")
                    % {
                        "status": _status_label(method),
                        "source": label,
                        "code": result.provider_status,
                    },
                    fields=fields,
                    data=data,
                    source_ip=ip,
                    provider_key=key,
                )
        except IntegrityError:  # the same message recorded meanwhile (constraint guard)
            return lock_payment(payment), "replay"
        # Receivers of payment_status_changed may have moved it on: read it again.
        return lock_payment(payment), "applied"
    if fields:
        payment.save(update_fields=fields)
    what = "waiting" if result.outcome == ogone.WAITING else "ignored"
    message = (
        _("En attente chez le prestataire (%(source)s, statut %(code)s)")
        if what == "waiting"
        else _("Sans effet sur le statut « %(current)s » (%(source)s, statut %(code)s)")
    ) % {
        "source": label,
        "code": result.provider_status or "—",
        "current": payment.get_status_display(),
    }
    payment_event_record(
        payment=payment,
        kind=source,
        from_status=payment.status,
        message=message,
        data=data,
        source_ip=ip,
        provider_key=key,
    )
    return payment, what


def _status_label(method: str) -> str:
    return {
        "authorise": _("Paiement autorisé"),
        "pay": _("Paiement effectué"),
        "cancel": _("Paiement annulé par le client"),
        "refuse": _("Paiement refusé par la banque"),
        "fail": _("Erreur de paiement"),
        "refund": _("Remboursement effectué"),
    }[method]


# --- Reconciliation (lost callbacks) --------------------------------------------------------


def reconcile_delay() -> timedelta:
    return timedelta(minutes=getattr(settings, "PAYMENTS_RECONCILE_AFTER_MINUTES", 30))


def payments_reconcile_due(*, now=None, limit: int = 500) -> int:
    """The beat job: payments still *envoyé* whose link went out more than the delay ago
    and that were not asked about within the delay are claimed (skip locked), stamped, and
    each handed to the outbox, which asks the provider. Idempotent."""
    now = now or timezone.now()
    cutoff = now - reconcile_delay()
    with transaction.atomic():
        claimed = list(
            Payment.objects.select_for_update(skip_locked=True)
            .filter(status=Payment.Status.SENT, link_sent_at__lt=cutoff)
            .exclude(reconciled_at__gte=cutoff)
            .order_by("link_sent_at")
            .values_list("pk", flat=True)[:limit]
        )
        Payment.objects.filter(pk__in=claimed).update(reconciled_at=now)
        for pk in claimed:
            effect_enqueue(
                kind=RECONCILE,
                key=f"payment-reconcile:{pk}:{int(now.timestamp())}",
                payload={"payment_id": pk},
            )
    return len(claimed)


def payment_reconcile(*, payment_id: int) -> str:
    """Ask the provider about one payment (outside any transaction) and apply its answer
    through the same path as a callback."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.status != Payment.Status.SENT:
        return "skipped"
    config = payment_configuration_for(payment.point_of_sale_id)
    adapter = adapter_for(payment.provider)
    if config is None or adapter is None or config.provider != payment.provider:
        return "not_configured"
    result = adapter.query(payment=payment, config=config)  # ProviderError → retried
    if result is None:
        return "no_query"

    def apply() -> str:
        if result.outcome == ogone.UNKNOWN:
            with transaction.atomic():
                payment_event_record(
                    payment=payment,
                    kind=PaymentEvent.Kind.RECONCILIATION,
                    from_status=payment.status,
                    message=_("Le prestataire ne connaît pas encore de paiement"),
                    data={"source": "reconciliation", "outcome": result.outcome},
                )
            return "unknown"
        return payment_provider_result_apply(
            payment=payment, result=result, source=PaymentEvent.Kind.RECONCILIATION
        )[1]

    return record_after_effect(apply)


# --- Refund through the provider's API ------------------------------------------------------


@transaction.atomic
def payment_provider_refund_request(*, payment: Payment, by) -> Payment:
    """ "Rembourser via le prestataire" (P-5): a payment *à rembourser* whose point of sale's
    provider can refund; the provider is asked through the outbox and its answer (STATUS 8)
    makes the payment *remboursé* through the callback's path."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from payments.transactions import rights

    payment = lock_payment(payment)
    if not rights.payment_may_mark_refunded(payment, by):
        raise PermissionDenied(_("Vous ne pouvez pas rembourser ce e-paiement."))
    if payment.status != Payment.Status.TO_REFUND:
        raise ValidationError(_("Seul un e-paiement à rembourser peut être remboursé."))
    config = payment_configuration_for(payment.point_of_sale_id)
    if config is None or config.provider != payment.provider or not config.refunds_through_provider:
        raise ValidationError(_("Le prestataire de ce point de vente ne rembourse pas en ligne."))
    payment_event_record(
        payment=payment,
        kind=PaymentEvent.Kind.REFUND,
        by=by,
        from_status=payment.status,
        message=_("Remboursement demandé au prestataire par %s") % by.get_full_name(),
    )
    effect_enqueue(
        kind=PROVIDER_REFUND,
        key=f"payment-refund:{payment.pk}",  # one refund per payment, whoever asks again
        payload={"payment_id": payment.pk},
    )
    return payment


def payment_provider_refund(*, payment_id: int) -> str:
    """The outbox's handler: ask the provider to refund (outside any transaction), then
    apply its answer like a callback."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.status != Payment.Status.TO_REFUND:
        return "skipped"
    config = payment_configuration_for(payment.point_of_sale_id)
    adapter = adapter_for(payment.provider)
    if config is None or adapter is None:
        return "not_configured"
    result = adapter.refund(payment=payment, config=config)  # ProviderError → retried
    if result is None or result.outcome == ogone.UNKNOWN and not result.provider_status:
        return "not_refunded"
    return record_after_effect(
        lambda: payment_provider_result_apply(
            payment=payment, result=result, source=PaymentEvent.Kind.REFUND
        )[1]
    )
