import pytest
import tests.e2e.test_phone_width_browser as phone
import tests.e2e.test_accessibility_browser as axe


pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _mine(pages):
    return [(n, t) for n, t in pages if "lead" in n]


def test_phone(browser, live_server, demo, monkeypatch):
    monkeypatch.setattr(phone, "PAGES", _mine(phone.PAGES))
    phone.test_every_page_fits_a_phone(browser, live_server, demo)


def test_axe(browser, live_server, demo, monkeypatch):
    monkeypatch.setattr(axe, "PAGES", _mine(axe.PAGES))
    monkeypatch.setattr(axe, "ANONYMOUS_PAGES", axe.ANONYMOUS_PAGES[:1])
    axe.test_every_main_page_is_accessible(browser, live_server, demo)
