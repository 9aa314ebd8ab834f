"""The customer's emails (P-4) and the salesperson's notification: rendered in the
transaction, delivered through the outbox (``notifications.services.email_send``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from openflex.core.money import format_money
from openflex.notifications.services import email_send, notification_create
from payments.transactions.models import Payment
from payments.transactions.services.links import payment_link_url

REQUEST_KIND = "payment_request"
CONFIRMATION_KIND = "payment_confirmation"


def privacy_policy_url() -> str:
    return getattr(settings, "PRIVACY_POLICY_URL", "") or (
        settings.SITE_URL + reverse("payments:privacy")
    )


def _context(payment: Payment) -> dict:
    pos = payment.point_of_sale
    return {
        "payment": payment,
        "amount": format_money(payment.amount),
        "vehicle": payment.vehicle,
        "point_of_sale": pos,
        "salesperson": payment.salesperson,
        "privacy_url": privacy_policy_url(),
    }


def payment_request_send(*, payment: Payment) -> None:
    """ "Paiement de l'acompte" (or of the e-reservation): amount, vehicle, reference and
    link; the dealer's contact block and the privacy-policy link at the bottom. The link
    lets one pay and see the payment: the email is confidential (X-3)."""
    subject = (
        _("Paiement de l'acompte")
        if payment.kind == Payment.Kind.DEPOSIT
        else _("Paiement de votre e-réservation")
    )
    email_send(
        to=payment.email,
        subject=f"{subject} — {payment.point_of_sale.name}",
        template="payments/payment_request",
        context={**_context(payment), "link": payment_link_url(payment)},
        kind=REQUEST_KIND,
        confidential=True,
    )


def payment_confirmation_send(*, payment: Payment) -> None:
    email_send(
        to=payment.email,
        subject=_("Confirmation de votre paiement — %s") % payment.point_of_sale.name,
        template="payments/payment_confirmation",
        context=_context(payment),
        kind=CONFIRMATION_KIND,
    )


def payment_notify_salesperson(*, payment: Payment) -> None:
    if payment.salesperson is None or payment.order_id is None:
        return
    notification_create(
        recipient=payment.salesperson,
        kind="payment_received",
        title=_("Acompte payé en ligne : %(amount)s (commande n° %(order)s)")
        % {"amount": format_money(payment.amount), "order": payment.order_id},
        url=reverse("opportunities:order_detail", args=[payment.order_id]),
    )
