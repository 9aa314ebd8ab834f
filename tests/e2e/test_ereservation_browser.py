"""Browser journey of P-8 (issue #14): an internet user on a published vehicle's public
page (the stock feed's link) → "Réserver ce véhicule" with a mistake, told next to the
field → the payment link → the sandbox hosted page → pay → back on the site → the vehicle
"Réservé par un client"; the sales manager is notified and finds it in the e-payments
list (P-7). Customer pages at 375 px and 1366 px, no horizontal scroll."""

import pytest

from openflex.accounts.models import User
from openflex.notifications.models import Notification
from payments.ereservations.models import EReservation
from payments.transactions.models import Payment
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import login, screenshot
from vehicles.models import Vehicle

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _open_vehicle() -> Vehicle:
    """A published vehicle of the demo that the public page offers to e-reserve."""
    from payments.ereservations.services import ereservation_refusal

    manager = User.objects.get(email="chef-des-ventes@demo.openflex.test")
    candidates = Vehicle.objects.filter(
        is_published=True, reservation_kind="", point_of_sale__in=manager.points_of_sale.all()
    ).order_by("pk")
    return next((v for v in candidates[:200] if ereservation_refusal(v) is None), None)


def _reserve(browser, live_server, vehicle, viewport, name, email):
    context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/annonces/{vehicle.pk}/")
    visitor.get_by_role("heading", name="Réserver ce véhicule").wait_for()
    assert visitor.evaluate(NO_OVERFLOW)
    assert_accessible(visitor, f"{name} public vehicle page")
    screenshot(visitor, f"{name}-ereservation-page")

    # A mistake: the error next to the field, what was typed kept.
    visitor.locator("#id_civility").select_option("Mme")
    visitor.locator("#id_last_name").fill("Internaute")
    visitor.locator("#id_first_name").fill("Julie")
    visitor.locator("#id_email").fill(email)
    visitor.locator("#id_mobile").fill("12")
    visitor.get_by_role("button", name="Réserver ce véhicule").click()
    visitor.get_by_text("Indiquez un numéro de mobile valide").wait_for()
    assert visitor.locator("#id_last_name").input_value() == "Internaute"
    assert visitor.evaluate(NO_OVERFLOW)
    assert_accessible(visitor, f"{name} public vehicle page with an error")
    screenshot(visitor, f"{name}-ereservation-error")

    visitor.locator("#id_mobile").fill("06 12 34 56 78")
    visitor.get_by_role("button", name="Réserver ce véhicule").click()
    visitor.get_by_role("button", name="Payer par carte bancaire").wait_for()
    assert visitor.evaluate(NO_OVERFLOW)
    screenshot(visitor, f"{name}-ereservation-link")
    visitor.get_by_role("button", name="Payer par carte bancaire").click()
    visitor.get_by_role("heading", name="Paiement sécurisé").wait_for()
    visitor.get_by_role("button", name="Payer", exact=True).click()
    visitor.locator("main h1").wait_for()
    assert visitor.evaluate(NO_OVERFLOW)
    screenshot(visitor, f"{name}-ereservation-return")
    text = visitor.locator("main").inner_text()
    context.close()
    return text


def test_an_internet_user_reserves_a_vehicle(browser, page, live_server, demo, settings):
    settings.SITE_URL = live_server.url  # the payment link, return URLs, sandbox callback
    vehicle = _open_vehicle()
    assert vehicle is not None

    text = _reserve(browser, live_server, vehicle, PHONE, "phone", "julie@example.test")
    assert "Merci" in text or "réservé pour vous" in text
    payment = Payment.objects.get(vehicle=vehicle, email="julie@example.test")
    assert payment.status == Payment.Status.PAID
    reservation = EReservation.objects.get(payment=payment)
    vehicle.refresh_from_db()
    assert vehicle.reservation_kind == "client"
    assert vehicle.reservation_ends_at == reservation.ends_at

    # The second internet user, on a desktop, finds it reserved: no form any more.
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris")
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/annonces/{vehicle.pk}/")
    visitor.get_by_text("déjà réservé par un client").wait_for()
    screenshot(visitor, "desktop-ereservation-reserved")
    context.close()

    # Another vehicle, reserved from a desktop browser.
    other = _open_vehicle()
    text = _reserve(browser, live_server, other, DESKTOP, "desktop", "paul@example.test")
    assert Payment.objects.get(vehicle=other, email="paul@example.test").status == "paye"

    # The dealer: the sales manager's notification, the vehicle page, the e-payments list.
    manager = User.objects.get(email="chef-des-ventes@demo.openflex.test")
    assert Notification.objects.filter(recipient=manager, kind="ereservation").count() == 2
    page.set_viewport_size(DESKTOP)
    login(page, live_server, manager.email)
    page.goto(f"{live_server.url}/vehicules/{vehicle.pk}/")
    page.get_by_text("Réservé par un client").first.wait_for()
    page.goto(f"{live_server.url}/paiements/?statut=payes")
    page.locator(f"#payment-{payment.pk}").wait_for()
    screenshot(page, "desktop-payments-list")
    page.set_viewport_size(PHONE)
    page.reload()
    page.locator(f"#payment-{payment.pk}").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "phone-payments-list")
