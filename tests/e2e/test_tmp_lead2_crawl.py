import pytest

from tests.e2e import test_accessibility_browser as axe
from tests.e2e import test_phone_width_browser as phone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_phone(browser, live_server, demo):
    phone.PAGES[:] = [p for p in phone.PAGES if p[0].startswith(("lead-", "settings-tracking"))]
    phone.test_every_page_fits_a_phone(browser, live_server, demo)


def test_axe(browser, live_server, demo):
    axe.PAGES[:] = [p for p in axe.PAGES if p[0].startswith(("lead-", "settings-tracking"))]
    axe.test_every_main_page_is_accessible(browser, live_server, demo)
