"""P-8: public page → sandbox pay → signed callback → the vehicle "Réservé par un client"
for the configured hours (the existing reservation state: stock filter, column,
publication) → the dealer told; the release at the end (frozen clock); what an order on
the vehicle does to it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from openflex.notifications.models import Notification
from opportunities.sales import services as sales
from payments.ereservations import services
from payments.ereservations.models import EReservation
from payments.transactions.models import Payment
from tests.payments.ereservations.conftest import CONTACT
from tests.payments.transactions.conftest import sandbox_pay
from vehicles.models import Vehicle, VehicleEvent

pytestmark = pytest.mark.django_db


def _callback(client, params):
    return client.post(reverse("payments:callback", kwargs={"provider": "sandbox"}), params)


def _reserve(client, car, contact=CONTACT) -> Payment:
    response = client.post(reverse("payments:vehicle_reserve", args=[car.pk]), contact)
    assert response.status_code == 302, response.content.decode()[:500]
    return Payment.objects.filter(vehicle=car).order_by("-pk").first()


def _pay(client, payment, captured, decision="pay"):
    _url, params = sandbox_pay(payment, decision)
    with captured(execute=True):
        assert _callback(client, params).status_code == 200
    payment.refresh_from_db()
    return payment


def test_the_journey(client, ready, manager, seller, django_capture_on_commit_callbacks):
    car = ready
    payment = _reserve(client, car)
    mail.outbox.clear()
    before = timezone.now()
    payment = _pay(client, payment, django_capture_on_commit_callbacks)
    assert payment.status == Payment.Status.PAID

    reservation = EReservation.objects.get(payment=payment)
    assert reservation.status == EReservation.Status.ACTIVE
    expected_end = before + timedelta(hours=48)
    assert abs((reservation.ends_at - expected_end).total_seconds()) < 60
    car = Vehicle.objects.get(pk=car.pk)
    assert car.reservation_kind == "client" and car.reservation_ends_at == reservation.ends_at
    assert car.is_published  # the criterion: only an unlimited reservation unpublishes
    assert car.events.filter(kind=VehicleEvent.Kind.RESERVATION).count() == 1

    # The stock list's "Réservé par un client" filter finds it (the existing mechanism).
    client.force_login(manager)
    stock = client.get("/vehicules/", {"reservation": "client"}).content.decode()
    assert f"/vehicules/{car.pk}/" in stock

    # The dealer: the point of sale's sales manager (not its salespeople), in-app + email.
    assert Notification.objects.filter(recipient=manager, kind="ereservation").count() == 1
    assert not Notification.objects.filter(recipient=seller, kind="ereservation").exists()
    dealer_mail = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(dealer_mail) == 1
    assert "e-Réservation" in dealer_mail[0].subject
    assert CONTACT["email"] in dealer_mail[0].body and "+33612345678" in dealer_mail[0].body

    # The internet user's page says until when; the public page no longer offers it.
    outcome = render_to_string("payments/ereservation_outcome.html", {"payment": payment})
    assert "est réservé pour vous jusqu" in outcome
    client.logout()
    html = client.get(reverse("payments:vehicle_public", args=[car.pk])).content.decode()
    assert "Réservé par un client" in html and 'name="mobile"' not in html

    # The list of e-payments shows it to the manager as paid, e-Réservation.
    client.force_login(manager)
    listing = client.get("/paiements/", {"statut": "payes"}).content.decode()
    assert f'id="payment-{payment.pk}"' in listing and "e-Réservation" in listing


def test_a_refused_payment_reserves_nothing(client, ready, django_capture_on_commit_callbacks):
    payment = _reserve(client, ready)
    payment = _pay(client, payment, django_capture_on_commit_callbacks, "refuse")
    assert payment.status == Payment.Status.REFUSED
    assert not EReservation.objects.exists()
    assert Vehicle.objects.get(pk=ready.pk).reservation_kind == ""


def test_a_replayed_paid_callback_reserves_once(client, ready, django_capture_on_commit_callbacks):
    payment = _reserve(client, ready)
    _url, params = sandbox_pay(payment, "pay")
    with django_capture_on_commit_callbacks(execute=True):
        assert _callback(client, params).status_code == 200
        assert _callback(client, params).status_code == 200
    assert EReservation.objects.count() == 1
    payment.refresh_from_db()
    assert services.ereservation_confirm(payment=payment).pk == EReservation.objects.get().pk


def test_the_second_payer_is_owed_back_with_a_clear_page(
    client, ready, django_capture_on_commit_callbacks
):
    """Two internet users started paying for the car; the second payment to arrive finds
    it reserved: "à rembourser" at once, and its page says so."""
    first = _reserve(client, ready)
    second = _reserve(client, ready, {**CONTACT, "email": "autre@example.test"})
    assert first.reference.endswith("_1") and second.reference.endswith("_2")
    _pay(client, first, django_capture_on_commit_callbacks)
    second = _pay(client, second, django_capture_on_commit_callbacks)
    assert second.status == Payment.Status.TO_REFUND and second.to_refund_since
    assert EReservation.objects.get().payment_id == first.pk
    outcome = render_to_string("payments/ereservation_outcome.html", {"payment": second})
    assert "vient d'être réservé par un autre client" in outcome
    assert "remboursé" in outcome


def test_expiry_releases_the_vehicle_and_owes_the_money_back(
    client, ready, django_capture_on_commit_callbacks
):
    """The periodic job at a frozen clock: nothing before the end; after it, the vehicle
    is free again and the payment "à rembourser"; a second run does nothing."""
    payment = _pay(client, _reserve(client, ready), django_capture_on_commit_callbacks)
    reservation = EReservation.objects.get(payment=payment)
    with mock.patch(
        "django.utils.timezone.now", return_value=reservation.ends_at - timedelta(minutes=1)
    ):
        assert services.ereservations_expire() == 0
    later = reservation.ends_at + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert services.ereservations_expire() == 1
        assert services.ereservations_expire() == 0
    reservation.refresh_from_db()
    assert reservation.status == EReservation.Status.EXPIRED and reservation.ended_at == later
    car = Vehicle.objects.get(pk=ready.pk)
    assert car.reservation_kind == "" and car.reservation_ends_at is None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND and payment.to_refund_since == later
    # The vehicle may be e-reserved again.
    html = client.get(reverse("payments:vehicle_public", args=[ready.pk])).content.decode()
    assert 'name="mobile"' in html


def test_the_task_is_in_the_beat_schedule(settings):
    from openflex.celery import app
    from payments.ereservations.tasks import ereservations_expire_task

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert ereservations_expire_task.name in names
    assert ereservations_expire_task.name in app.tasks


def _order_for(pos, seller, car, email):
    from tests.opportunities.factories import CustomerFactory

    customer = CustomerFactory(point_of_sale=pos, email=email)
    opportunity = sales.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller
    )
    offer = sales.offer_validate(
        offer=sales.offer_create(opportunity=opportunity, vehicle=car, by=seller), by=seller
    )
    return sales.order_create(offer=offer, by=seller)


@pytest.mark.parametrize("same_customer", [True, False])
def test_a_validated_order_takes_the_e_reservation_over_or_ends_it(
    client, ready, pos, seller, manager, same_customer, django_capture_on_commit_callbacks
):
    """The customer who paid orders the car: the e-reservation is taken over (the money
    stays); another customer's order: it ends and the money is owed back; the taking-over
    order cancelled: owed back too."""
    from opportunities.sales.models import Order
    from tests.opportunities.sales.journey import reach

    payment = _pay(client, _reserve(client, ready), django_capture_on_commit_callbacks)
    email = CONTACT["email"].upper() if same_customer else "quelquun@example.test"
    order = _order_for(pos, seller, ready, email)
    order = sales.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=0,
        deposit_method="",
        deposit_not_online=True,
    )
    order = reach(order, Order.Status.ORDERED, seller=seller, manager=manager)
    reservation = EReservation.objects.get(payment=payment)
    payment.refresh_from_db()
    car = Vehicle.objects.get(pk=ready.pk)
    assert car.reservation_kind == ""
    if same_customer:
        assert reservation.status == EReservation.Status.ORDERED
        assert reservation.order_id == order.pk
        assert payment.status == Payment.Status.PAID
        # The taking-over order cancelled: the e-reservation's money is owed back.
        sales.order_cancel(order=order, by=manager, reason="Le client renonce")
        payment.refresh_from_db()
        assert payment.status == Payment.Status.TO_REFUND
    else:
        assert reservation.status == EReservation.Status.ENDED
        assert payment.status == Payment.Status.TO_REFUND


def test_money_owed_back_releases_the_vehicle(client, ready, django_capture_on_commit_callbacks):
    """The paid e-reservation's money leaves (a refund decided by the dealer, or reported
    by the provider): the vehicle is not held any more."""
    from payments.transactions.services import payment_require_refund

    payment = _pay(client, _reserve(client, ready), django_capture_on_commit_callbacks)
    payment_require_refund(payment=payment, reason="client injoignable")
    reservation = EReservation.objects.get(payment=payment)
    assert reservation.status == EReservation.Status.ENDED
    assert Vehicle.objects.get(pk=ready.pk).reservation_kind == ""


def test_the_second_payer_s_return_page(client, ready, django_capture_on_commit_callbacks):
    """The customer back from the provider's page (the return applies the result): the
    page tells the second payer that the car is taken and the money will be refunded."""
    from urllib.parse import urlsplit

    first = _reserve(client, ready)
    second = _reserve(client, ready, {**CONTACT, "email": "autre@example.test"})
    _pay(client, first, django_capture_on_commit_callbacks)
    url, _params = sandbox_pay(second, "pay")
    parts = urlsplit(url)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "vient d'être réservé par un autre client" in html
    assert "Merci, votre paiement est enregistré" not in html
    second.refresh_from_db()
    assert second.status == Payment.Status.TO_REFUND


def test_a_new_version_of_the_taking_over_order_carries_it_on(
    client, ready, pos, seller, manager, django_capture_on_commit_callbacks
):
    from opportunities.sales.models import Order
    from tests.opportunities.sales.journey import reach

    payment = _pay(client, _reserve(client, ready), django_capture_on_commit_callbacks)
    order = _order_for(pos, seller, ready, CONTACT["email"])
    order = sales.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=0,
        deposit_method="",
        deposit_not_online=True,
    )
    order = reach(order, Order.Status.REPLACED, seller=seller, manager=manager)
    new = Order.objects.get(replaces=order)
    assert new.status == Order.Status.ORDERED
    assert EReservation.objects.get(payment=payment).order_id == new.pk
    sales.order_cancel(order=new, by=manager, reason="Le client renonce")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
