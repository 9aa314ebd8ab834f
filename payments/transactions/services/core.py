"""The payment aggregate's primitives: reference, event rows, the one transition place.

Every status change follows the house order (STYLE): lock the row, check the move is
allowed, call the FSM transition, save with ``update_fields``, write the event row, send
``payment_status_changed`` (inside the transaction), then the effects of the new status
(emails through the outbox, notifications).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

import payments.transactions.services.emails as emails
from opportunities.sales.models import Order
from payments.signals import payment_status_changed
from payments.transactions.models import Payment, PaymentEvent

# The outcome of a provider → the transition it asks for.
OUTCOME_TRANSITIONS = {
    "authorised": "authorise",
    "paid": "pay",
    "cancelled": "cancel",
    "refused": "refuse",
    "error": "fail",
    "refunded": "refund",
}


def refused(message: str) -> ValidationError:
    return ValidationError(message, code="transition")


def payment_reference(
    *, entity_code: int, pos_code: int, kind: str, document: int, attempt: int
) -> str:
    """P-3: ``00045_000061_20000026837_1`` = entity 45, point of sale 61, kind 2 (order
    deposit; 1 = e-reservation), document 26837 on ten digits, attempt 1."""
    digit = Payment.KIND_DIGIT[kind]
    return f"{entity_code:05d}_{pos_code:06d}_{digit}{document:010d}_{attempt}"


def payment_event_record(
    *,
    payment: Payment,
    kind: str,
    message: str,
    by=None,
    from_status: str = "",
    data: dict | None = None,
    source_ip: str | None = None,
    provider_key: str = "",
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        kind=kind,
        from_status=from_status,
        to_status=payment.status,
        message=message[:500],
        by=by,
        data=data or {},
        source_ip=source_ip,
        provider_key=provider_key[:60],
    )


def lock_payment(payment: Payment | int) -> Payment:
    pk = payment if isinstance(payment, int) else payment.pk
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("point_of_sale__entity", "vehicle", "order", "salesperson", "customer")
        .get(pk=pk)
    )


def check_can(payment: Payment, method_name: str) -> None:
    if not can_proceed(getattr(payment, method_name)):
        raise refused(_("Impossible : le e-paiement est « %s ».") % payment.get_status_display())


STATUS_MESSAGES = {
    Payment.Status.AUTHORISED: _("Paiement autorisé"),
    Payment.Status.PAID: _("Paiement effectué"),
    Payment.Status.CANCELLED: _("Paiement annulé"),
    Payment.Status.REFUSED: _("Paiement refusé"),
    Payment.Status.TO_REFUND: _("À rembourser"),
    Payment.Status.REFUNDED: _("Remboursé"),
    Payment.Status.ERROR: _("Erreur de paiement"),
}


def payment_transition(
    payment: Payment,
    method_name: str,
    *,
    by=None,
    message: str = "",
    kind: str = PaymentEvent.Kind.STATUS,
    fields=(),
    data: dict | None = None,
    source_ip: str | None = None,
    provider_key: str = "",
) -> str:
    """Call a transition already checked on a locked row, save it, write the event, send
    the signal, run the effects of the new status. Returns the previous status."""
    previous = payment.status
    getattr(payment, method_name)()
    now = timezone.now()
    payment.status_changed_at = now
    extra = list(fields)
    if payment.status in Payment.CAPTURED and not payment.paid_at:
        payment.paid_at = now
        extra.append("paid_at")
    if payment.status == Payment.Status.TO_REFUND:
        payment.to_refund_since = now
        extra.append("to_refund_since")
    if payment.status == Payment.Status.REFUNDED:
        payment.refunded_at = now
        payment.refunded_by = by
        extra += ["refunded_at", "refunded_by"]
    payment.save(update_fields=["status", "status_changed_at", *extra])
    payment_event_record(
        payment=payment,
        kind=kind,
        by=by,
        from_status=previous,
        message=message or str(STATUS_MESSAGES.get(payment.status, payment.get_status_display())),
        data=data,
        source_ip=source_ip,
        provider_key=provider_key,
    )
    payment_status_changed.send(
        sender=Payment, payment=payment, from_status=previous, to_status=payment.status
    )
    _after_status(payment, previous)
    return previous


# Orders whose deposit must not be kept (a replaced order's deposit counts for its new
# version, see receivers).
DEAD_ORDER_STATUSES = (Order.Status.CANCELLED, Order.Status.REFUSED)


def _after_status(payment: Payment, previous: str) -> None:
    """Effects of a new status: the confirmation email and the salesperson's notification
    on payment; money received for an order that is already cancelled is owed back at
    once (the customer paid on the provider's page while the order was being cancelled)."""
    captured_now = payment.status in Payment.CAPTURED and previous not in Payment.CAPTURED
    if not captured_now:
        return
    current = Payment.objects.filter(pk=payment.pk).values_list("status", flat=True).first()
    if current != payment.status:
        return  # a receiver of the signal moved it on (an e-reservation already taken)
    emails.payment_confirmation_send(payment=payment)
    emails.payment_notify_salesperson(payment=payment)
    if payment.order_id and payment.order.status in DEAD_ORDER_STATUSES:
        payment_transition(
            payment,
            "require_refund",
            message=_("À rembourser : la commande n° %s n'est plus valable") % payment.order_id,
        )
