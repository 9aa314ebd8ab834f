"""P-5: the payment's status graph — each transition allowed from its sources and refused
elsewhere, always through its service (the status field is protected)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from payments.providers.base import ProviderResult
from payments.transactions import services
from payments.transactions.models import Payment
from payments.transactions.services import payment_provider_result_apply

pytestmark = pytest.mark.django_db


def _provider(payment, outcome, code, payid="P1"):
    return payment_provider_result_apply(
        payment=payment,
        result=ProviderResult(
            reference=payment.reference,
            outcome=outcome,
            provider_status=code,
            provider_payment_id=payid,
        ),
        source="callback",
    )


def test_status_field_is_protected(payment):
    with pytest.raises(AttributeError):
        payment.status = Payment.Status.PAID


def test_require_refund_allowed_from_paid_refused_from_pending(payment, manager):
    with pytest.raises(ValidationError):
        services.payment_require_refund(payment=payment, by=manager, reason="test")
    _provider(payment, "paid", "9")
    payment = services.payment_require_refund(payment=payment, by=manager, reason="test")
    assert payment.status == Payment.Status.TO_REFUND and payment.to_refund_since


def test_mark_refunded_allowed_from_to_refund_only(payment, secretary, manager):
    _provider(payment, "paid", "9")
    with pytest.raises(ValidationError):
        services.payment_mark_refunded(payment=payment, by=secretary)
    services.payment_require_refund(payment=payment, by=manager, reason="test")
    payment = services.payment_mark_refunded(payment=payment, by=secretary)
    assert payment.status == Payment.Status.REFUNDED


def test_mark_refunded_refused_to_a_salesperson(payment, seller, manager):
    _provider(payment, "paid", "9")
    services.payment_require_refund(payment=payment, by=manager, reason="test")
    with pytest.raises(PermissionDenied):
        services.payment_mark_refunded(payment=payment, by=seller)


def test_cancel_allowed_while_pending_refused_once_paid(payment, manager):
    services.payment_cancel(payment=payment, by=manager, reason="test")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED and payment.link_nonce == ""
    _provider(payment, "paid", "9", payid="P2")
    with pytest.raises(ValidationError):
        services.payment_cancel(payment=payment, by=manager, reason="test")


def test_resend_allowed_while_pending_refused_after(payment, seller):
    services.payment_link_resend(payment=payment, by=seller)
    _provider(payment, "paid", "9")
    with pytest.raises(ValidationError):
        services.payment_link_resend(payment=payment, by=seller)


def test_resend_refused_to_another_salesperson(payment, pos):
    from tests.accounts.factories import UserFactory

    other = UserFactory(group_type="vendeur", points_of_sale=[pos])
    with pytest.raises(PermissionDenied):
        services.payment_link_resend(payment=payment, by=other)


def test_retry_allowed_after_error_refused_when_paid(payment, seller):
    _provider(payment, "error", "92")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.ERROR
    second = services.payment_retry(payment=payment, by=seller)
    assert second.attempt == 2
    _provider(second, "paid", "9", payid="P9")
    with pytest.raises(ValidationError):
        services.payment_retry(payment=second, by=seller)


def test_provider_transitions(payment):
    assert _provider(payment, "waiting", "51")[1] == "waiting"
    assert _provider(payment, "authorised", "5")[0].status == Payment.Status.AUTHORISED
    assert _provider(payment, "paid", "9")[0].status == Payment.Status.PAID
    assert _provider(payment, "error", "92")[1] == "ignored"
    assert _provider(payment, "refunded", "8")[0].status == Payment.Status.REFUNDED
    statuses = list(payment.events.filter(kind="callback").values_list("to_status", flat=True))
    assert statuses == ["rembourse", "paye", "paye", "autorise", "envoye"]


def test_an_e_reservation_payment(pos, car, config):
    """P-8: kind 1, the vehicle as document, no order, no salesperson; two at once get
    successive attempts."""
    first = services.payment_create_for_reservation(
        vehicle=car,
        civility="M.",
        first_name="Paul",
        last_name="Internaute",
        email="paul@example.test",
        mobile="0600000000",
        amount="500.00",
    )
    second = services.payment_create_for_reservation(
        vehicle=car,
        civility="Mme",
        first_name="Léa",
        last_name="Autre",
        email="lea@example.test",
        mobile="",
        amount="500.00",
    )
    assert first.reference.endswith(f"_1{car.pk:010d}_1")
    assert second.reference.endswith(f"_1{car.pk:010d}_2")
    assert first.order is None and first.salesperson is None
    with pytest.raises(ValidationError):
        services.payment_create_for_reservation(
            vehicle=car,
            civility="",
            first_name="",
            last_name="X",
            email="x@example.test",
            mobile="",
            amount="500.00",
        )
