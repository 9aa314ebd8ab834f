"""Writes of e-payments asked by people or by the order: create (order deposit,
e-reservation), resend the link, a new attempt, cancel, owe back, mark refunded (P-2 … P-6).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

import payments.transactions.services.emails as emails
from openflex.core import tokens
from opportunities.sales.models import Order, PaymentMethod
from payments.transactions import rights
from payments.transactions.models import Payment, PaymentEvent
from payments.transactions.selectors import payment_configuration_for
from payments.transactions.services.core import (
    check_can,
    lock_payment,
    payment_event_record,
    payment_reference,
    payment_transition,
    refused,
)

CARD = PaymentMethod.CARD
CONTACT_FIELDS = ("civility", "last_name", "first_name", "email")
CONTACT_LABELS = {
    "civility": _("la civilité"),
    "last_name": _("le nom"),
    "first_name": _("le prénom"),
    "email": _("l'email"),
}


# --- The order's deposit ----------------------------------------------------------------


def order_contact(order) -> dict[str, str]:
    """Who pays: the customer, or for a company its legal representative's names (the
    company's email first)."""
    customer = order.opportunity.customer
    person = customer
    if customer.is_company and getattr(customer, "legal_representative", None) is not None:
        person = customer.legal_representative
    return {
        "civility": person.civility,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": customer.email or person.email,
        "mobile": customer.mobile or person.mobile,
    }


def payment_order_applies(order) -> bool:
    """The order asks for an online deposit (P-2): an amount, by card, not refused."""
    return (
        order.deposit_amount > 0 and order.deposit_method == CARD and not order.deposit_not_online
    )


def payment_order_blockers(order) -> list[str]:
    """What keeps an online deposit from being requested (the order page says so):
    no configuration at the point of sale, the customer's missing fields."""
    if not payment_order_applies(order):
        return [_("L'acompte n'est pas à payer en ligne (montant, mode ou choix du client).")]
    missing = []
    if payment_configuration_for(order.point_of_sale_id) is None:
        missing.append(
            _("Le e-paiement n'est pas configuré au point de vente %s.") % order.point_of_sale.name
        )
    contact = order_contact(order)
    absent = [str(CONTACT_LABELS[f]) for f in CONTACT_FIELDS if not contact.get(f)]
    if absent:
        missing.append(_("Fiche client à compléter : %s.") % ", ".join(absent))
    return missing


def payment_order_eligible(order) -> bool:
    return not payment_order_blockers(order)


def _next_attempt(*, kind: str, document: int, point_of_sale_id: int) -> int:
    last = Payment.objects.filter(
        kind=kind, document_number=document, point_of_sale_id=point_of_sale_id
    ).aggregate(m=Max("attempt"))["m"]
    return (last or 0) + 1


def _create(*, kind, point_of_sale, document, amount, contact, by=None, **links) -> Payment:
    config = payment_configuration_for(point_of_sale.pk)
    if config is None:
        raise ValidationError(
            _("Le e-paiement n'est pas configuré au point de vente %s.") % point_of_sale.name
        )
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError(_("Le montant doit être positif."))
    attempt = _next_attempt(kind=kind, document=document, point_of_sale_id=point_of_sale.pk)
    reference = payment_reference(
        entity_code=point_of_sale.entity.code,
        pos_code=point_of_sale.code,
        kind=kind,
        document=document,
        attempt=attempt,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                kind=kind,
                point_of_sale=point_of_sale,
                entity_id=point_of_sale.entity_id,
                document_number=document,
                attempt=attempt,
                reference=reference,
                amount=amount,
                provider=config.provider,
                link_nonce=tokens.link_nonce_new(),
                link_sent_at=now,
                created_by=by,
                **{f: contact.get(f, "") for f in (*CONTACT_FIELDS, "mobile")},
                **links,
            )
    except IntegrityError as exc:  # the same attempt created at the same moment
        raise refused(_("Ce paiement vient d'être créé par ailleurs.")) from exc
    payment_event_record(
        payment=payment,
        kind=PaymentEvent.Kind.CREATED,
        by=by,
        message=_("e-Paiement n° %(ref)s créé (%(kind)s)")
        % {"ref": reference, "kind": payment.get_kind_display()},
    )
    return payment


def _send_link(payment: Payment, *, by=None, message: str) -> None:
    emails.payment_request_send(payment=payment)
    payment_event_record(
        payment=payment,
        kind=PaymentEvent.Kind.LINK,
        by=by,
        message=message,
        data={"to": payment.email},
    )


@transaction.atomic
def payment_create_for_order(*, order, by=None) -> Payment:
    """The order's deposit, paid online (P-2, P-4): attempt N+1 for this order, and the
    "Paiement de l'acompte" email. Never blocks the order: the caller decides."""
    blockers = payment_order_blockers(order)
    if blockers:
        raise ValidationError(blockers)
    opportunity = order.opportunity
    payment = _create(
        kind=Payment.Kind.DEPOSIT,
        point_of_sale=order.point_of_sale,
        document=order.pk,
        amount=order.deposit_amount,
        contact=order_contact(order),
        by=by,
        order=order,
        vehicle_id=order.vehicle_id,
        customer_id=opportunity.customer_id,
        salesperson_id=opportunity.salesperson_id,
    )
    _send_link(payment, by=by, message=_("Lien de paiement envoyé à %s") % payment.email)
    return payment


@transaction.atomic
def payment_create_for_reservation(
    *,
    vehicle,
    civility: str,
    first_name: str,
    last_name: str,
    email: str,
    mobile: str,
    amount,
    point_of_sale=None,
) -> Payment:
    """An e-reservation's payment (P-8): no order, no salesperson, no email (the internet
    user is on the page and goes to ``payment_link_url``). The document number is the
    vehicle's; each new payment for the vehicle is the next attempt (row lock on the
    vehicle: two simultaneous users get ``_1`` and ``_2``)."""
    from vehicles.models import Vehicle

    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    pos = point_of_sale or locked.point_of_sale
    contact = {
        "civility": civility,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "mobile": mobile,
    }
    missing = [str(CONTACT_LABELS[f]) for f in CONTACT_FIELDS if not contact.get(f)]
    if missing:
        raise ValidationError(_("À renseigner : %s.") % ", ".join(missing))
    return _create(
        kind=Payment.Kind.RESERVATION,
        point_of_sale=pos,
        document=locked.pk,
        amount=amount,
        contact=contact,
        vehicle_id=locked.pk,
    )


# --- Actions on a payment -----------------------------------------------------------------


def _check_user(payment: Payment, by, method_name: str) -> None:
    """The transition is open from this status, and its ``permission`` lets ``by`` in."""
    check_can(payment, method_name)
    if not has_transition_perm(getattr(payment, method_name), by):
        raise PermissionDenied(_("Vous ne pouvez pas faire cela sur ce e-paiement."))


@transaction.atomic
def payment_link_resend(
    *, payment: Payment, by, email: str | None = None, mobile: str | None = None
) -> Payment:
    """ "Renvoyer le lien de e-paiement" (P-6): the same payment, a new nonce — the previous
    link stops working at once — and the email again. ``email`` / ``mobile``: a corrected
    contact (S-8) replaces the payment's snapshot before sending."""
    payment = lock_payment(payment)
    _check_user(payment, by, "resend")
    fields = ["link_nonce", "link_sent_at"]
    if email is not None and email.strip() and email.strip() != payment.email:
        payment.email = email.strip()
        fields.append("email")
    if mobile is not None and mobile.strip() != payment.mobile:
        payment.mobile = mobile.strip()
        fields.append("mobile")
    payment.link_nonce = tokens.link_nonce_new()
    payment.link_sent_at = timezone.now()
    payment.save(update_fields=fields)
    _send_link(payment, by=by, message=_("Lien de paiement renvoyé à %s") % payment.email)
    return payment


@transaction.atomic
def payment_retry(*, payment: Payment, by) -> Payment:
    """ "Effectuer un nouveau paiement" (P-6) after refusé / annulé / erreur: a new payment,
    the next attempt (``_2``, ``_3`` …), with its email."""
    payment = lock_payment(payment)
    # Only the latest attempt of the document offers a new one (the ``retry`` condition).
    payment.latest_attempt = (
        _next_attempt(
            kind=payment.kind,
            document=payment.document_number,
            point_of_sale_id=payment.point_of_sale_id,
        )
        - 1
    )
    _check_user(payment, by, "retry")
    if payment.order_id and payment.order.status not in Order.VALIDATED:
        raise refused(_("La commande n'est plus validée : pas de nouveau paiement."))
    new = _create(
        kind=payment.kind,
        point_of_sale=payment.point_of_sale,
        document=payment.document_number,
        amount=payment.amount,
        contact={f: getattr(payment, f) for f in (*CONTACT_FIELDS, "mobile")},
        by=by,
        order_id=payment.order_id,
        vehicle_id=payment.vehicle_id,
        customer_id=payment.customer_id,
        salesperson_id=payment.salesperson_id,
    )
    # The previous attempt's link leads nowhere any more.
    payment.link_nonce = ""
    payment.save(update_fields=["link_nonce"])
    payment_event_record(
        payment=payment,
        kind=PaymentEvent.Kind.LINK,
        by=by,
        message=_("Nouveau paiement demandé : %s") % new.reference,
        data={"next": new.pk},
    )
    _send_link(new, by=by, message=_("Lien de paiement envoyé à %s") % new.email)
    return new


@transaction.atomic
def payment_cancel(*, payment: Payment, by=None, reason: str) -> Payment:
    """A payment no longer wanted before the money came (the order was cancelled): annulé,
    and its link leads nowhere. A provider's later "paid" still lands, and is then owed
    back at once (``core._after_status``)."""
    payment = lock_payment(payment)
    check_can(payment, "cancel")
    payment.link_nonce = ""
    payment_transition(
        payment, "cancel", by=by, message=_("Paiement annulé : %s") % reason, fields=["link_nonce"]
    )
    return payment


@transaction.atomic
def payment_require_refund(*, payment: Payment, by=None, reason: str) -> Payment:
    """Money held for a sale that no longer happens (order cancelled, e-reservation not
    honoured): "à rembourser" since now (P-5)."""
    payment = lock_payment(payment)
    check_can(payment, "require_refund")
    payment_transition(payment, "require_refund", by=by, message=_("À rembourser : %s") % reason)
    return payment


@transaction.atomic
def payment_mark_refunded(*, payment: Payment, by) -> Payment:
    """ "Marquer comme remboursé" (P-5, P-7): an explicit action of the allowed users."""
    payment = lock_payment(payment)
    if not rights.payment_may_mark_refunded(payment, by):
        raise PermissionDenied(_("Vous ne pouvez pas marquer ce e-paiement comme remboursé."))
    _check_user(payment, by, "mark_refunded")
    payment_transition(
        payment,
        "mark_refunded",
        by=by,
        message=_("Marqué comme remboursé par %s") % by.get_full_name(),
    )
    return payment
