"""The e-payment listens to the sale side (``order_status_changed``, sent inside every
order transition); the sale side never imports payments.

- An order reaching a validated status (``Order.VALIDATED``) from a non-validated one,
  with a card deposit to pay online and no payment yet: the payment is created and the
  "Paiement de l'acompte" email queued — when the point of sale is configured and the
  customer's civility, names and email are known; otherwise nothing (the order page says
  what is missing). Payment never conditions the validation: nothing here raises.
- An order cancelled: its authorised or paid payment becomes *à rembourser* (dated); a
  pending one (envoyé, erreur) is cancelled and its link stops working; refusé / annulé
  stay as they are (a late "paid" from the provider is then owed back at once).
- An order replaced by a new version (modification): a pending payment is cancelled
  (the new version, once validated, asks again); a paid one stays with the old version and
  counts for the new one (``payments_for_order`` shows both).
"""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from opportunities.sales.models import Order
from opportunities.sales.signals import order_status_changed
from payments.transactions.models import Payment
from payments.transactions.services import payments as services

logger = logging.getLogger(__name__)


def _payments_of(order_ids) -> list[Payment]:
    return list(Payment.objects.filter(order_id__in=order_ids).order_by("pk"))


@receiver(order_status_changed, dispatch_uid="payments.order_status_changed")
def order_status_changed_payments(sender, order, from_status, to_status, by=None, **kwargs):
    if to_status in Order.VALIDATED and from_status not in Order.VALIDATED:
        _order_validated(order, by)
    elif to_status == Order.Status.CANCELLED:
        _order_ended(order, by, reason=_("commande n° %s annulée") % order.pk)
    elif to_status == Order.Status.REPLACED:
        for payment in _payments_of([order.pk]):
            if payment.status in (Payment.Status.SENT, Payment.Status.ERROR):
                services.payment_cancel(
                    payment=payment, by=by, reason=_("commande n° %s remplacée") % order.pk
                )


def _order_validated(order, by) -> None:
    if not services.payment_order_applies(order):
        return
    ids = [order.pk] + ([order.replaces_id] if order.replaces_id else [])
    existing = _payments_of(ids)
    if any(p.order_id == order.pk for p in existing):
        return  # back to a validated status (a withdrawn change): the payment exists
    if any(p.status in Payment.CAPTURED for p in existing):
        return  # the deposit was paid on the version this order replaces
    if services.payment_order_blockers(order):
        return
    try:
        with transaction.atomic():
            services.payment_create_for_order(order=order, by=by)
    except Exception:  # never fail the order's validation because of the payment
        logger.exception("e-payment of order %s could not be created", order.pk)


def _order_ended(order, by, *, reason: str) -> None:
    for payment in _payments_of([order.pk]):
        if payment.status in Payment.CAPTURED:
            services.payment_require_refund(payment=payment, by=by, reason=reason)
        elif payment.status in (Payment.Status.SENT, Payment.Status.ERROR):
            services.payment_cancel(payment=payment, by=by, reason=reason)
