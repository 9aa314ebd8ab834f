"""The e-signature's staff pages at 1366 px and 375 px (no horizontal scroll): settings,
promotional operations, sealing certificates, SMS envoyés, "Vérifier un document"."""

import pytest

from signatures.promotions.models import PromotionalOperation
from signatures.sms.services import sms_send
from tests.accounts.factories import PASSWORD, EntityFactory, admin_user
from tests.e2e.conftest import login, screenshot
from tests.signatures.factories import make_request

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
PAGES = [
    ("settings", "/parametres/e-signature/"),
    ("promotions", "/parametres/operations-promotionnelles/"),
    ("promotion-form", "/parametres/operations-promotionnelles/nouvelle/"),
    ("certificates", "/parametres/e-signature/certificats/"),
    ("sms", "/parametres/sms/"),
    ("verify", "/signatures/verifier/"),
]


def test_staff_pages_fit_a_phone_and_a_desktop(browser, live_server):
    admin = admin_user(email="admin-esign@example.test")
    EntityFactory(name="Horizon Automobiles Lyon")
    PromotionalOperation.objects.create(
        name="Printemps VN", starts_on="2026-03-01", brand="Peugeot"
    )
    sms_send(to="0612345678", body="Votre code", kind="signature_code", confidential=True)
    request = make_request(send=False)
    pages = [*PAGES, ("request", f"/signatures/demandes/{request.pk}/")]
    for label, viewport in (
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", {"width": 375, "height": 812}),
    ):
        context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
        page = context.new_page()
        login(page, live_server, admin.email, PASSWORD)
        for name, path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            screenshot(page, f"esign-{label}-{name}")
            assert page.evaluate(NO_OVERFLOW), f"{path} overflows at {label}"
        context.close()
