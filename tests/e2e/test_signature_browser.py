"""Browser journey of issue #15 from a request created by the service (S-1, S-6): the
email's link opened on a phone (375 px, no horizontal scroll) → "Signer" → the code read
from the SMS outbox → signed → the sealed PDF downloaded and verified; the page on a
desktop (1366 px) shows the documents inline; an expired link says so."""

import re
from pathlib import Path

import pytest
from django.core import mail

from signatures.requests import services
from signatures.sealing.services import pdf_verify
from signatures.sms.models import SmsMessage
from tests.e2e.a11y import axe_violations, format_violations
from tests.e2e.conftest import screenshot
from tests.signatures.factories import make_request

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(20_000)
    return context


def _link(request) -> str:
    body = next(m.body for m in reversed(mail.outbox) if request.email in m.to)
    return re.search(r"(http\S+/e-signature/\S+/)", body).group(1)


def test_sign_on_a_phone_and_download_the_sealed_pdf(browser, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    request = make_request()
    link = _link(request)
    assert link.startswith(live_server.url)

    context = _context(browser, PHONE)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("heading", name="Documents à signer").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    assert format_violations("signing page", axe_violations(page)) == []
    screenshot(page, "signature-phone-1-documents")

    page.get_by_role("button", name="Signer — recevoir le code par SMS").click()
    page.get_by_label("Code reçu par SMS").wait_for()
    body = SmsMessage.objects.filter(reference=f"signature_request:{request.pk}").latest("pk").body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "signature-phone-2-code")

    page.get_by_label("Code reçu par SMS").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Valider ma signature").click()
    page.get_by_text("Code erroné").wait_for()
    screenshot(page, "signature-phone-3-wrong-code")

    page.get_by_label("Code reçu par SMS").fill(code)
    page.get_by_role("button", name="Valider ma signature").click()
    page.get_by_role("heading", name="Documents signés").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    assert format_violations("signed page", axe_violations(page)) == []
    screenshot(page, "signature-phone-4-signed")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger « Bon de commande")).click()
    path = Path(tmp_path) / "signed.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    # pyHanko's validation runs its own event loop: pdf_verify moves to a worker thread
    # when, as here, the caller's loop (Playwright's) is running.
    result = pdf_verify(data)
    assert result.sealed and result.intact and result.request_id == request.pk
    context.close()


def test_desktop_shows_the_documents_inline_and_expired_link(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    request = make_request(send=False)
    context = _context(browser, DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + services.signature_link_path(request))
    frame = page.locator("iframe.sig-frame")
    frame.wait_for()
    assert frame.is_visible()
    page.wait_for_timeout(500)
    screenshot(page, "signature-desktop-documents")

    services.signature_request_expire(request=request)
    phone = _context(browser, PHONE).new_page()
    phone.goto(live_server.url + services.signature_link_path(request))
    phone.get_by_role("heading", name="Le délai de signature est dépassé").wait_for()
    assert phone.evaluate(NO_OVERFLOW)
    screenshot(phone, "signature-phone-expired")
    context.close()
