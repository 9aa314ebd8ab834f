"""Browser journey of the lead statistics (L-5): a source category unfolds into its
sources; on a phone the collaborators' table scrolls sideways under a first column that
stays put (CSS ``position: sticky``); the charts are inline SVG (no CSP violation)."""

import pytest

from leads.inbox.models import LeadStatus
from leads.intake.models import LeadSource, LeadSourceCategory
from openflex.accounts.models import PointOfSale, User
from tests.e2e.conftest import login, screenshot
from tests.leads.stats.conftest import make_task

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


def _data():
    from leads.inbox.services import lead_reference_ensure

    lead_reference_ensure()
    lyon = PointOfSale.objects.get(code=61)
    seller = User.objects.get(email="vendeur@demo.openflex.test")
    manager = User.objects.get(email="chef-des-ventes@demo.openflex.test")
    portal = LeadSourceCategory.objects.get(code="portail")
    web = LeadSourceCategory.objects.get(code="site-web")
    sources = [
        LeadSource.objects.get_or_create(name=name, defaults={"category": category})[0]
        for name, category in (
            ("Leboncoin (test)", portal),
            ("La Centrale (test)", portal),
            ("Site Horizon (test)", web),
        )
    ]
    for i, source in enumerate(sources * 3):
        make_task(
            pos=lyon,
            source=source,
            days_ago=1 + i % 5,
            tags=("vd",) if i % 2 else ("vo",),
            status=LeadStatus.FOLLOW_UP if i % 3 else LeadStatus.NEW,
            assigned_to=seller if i % 2 else manager,
            first_action_after=5 + i,
        )


def test_categories_unfold_and_the_first_column_stays_put(browser, live_server, demo):
    _data()
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    login(page, live_server, "chef-des-ventes@demo.openflex.test")
    page.goto(f"{live_server.url}/leads/statistiques/")
    portal = page.locator("tbody.stats-category", has_text="Portail").first
    button = portal.get_by_role("button")
    source_row = portal.locator("tr.source-row", has_text="Leboncoin (test)")
    # Folded by the script at load; a click unfolds the category into its sources.
    assert button.get_attribute("aria-expanded") == "false"
    assert not source_row.is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    source_row.wait_for(state="visible")
    assert page.locator("svg.chart rect").count() > 0
    screenshot(page, "desktop-lead-statistics")
    button.click()
    source_row.wait_for(state="hidden")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/leads/statistiques/?vue=collaborateurs")
    wrap = page.locator("div.frozen-wrap")
    first_cell = page.locator("table.frozen-first tbody tr th").first
    third_cell = page.locator("table.frozen-first tbody tr td").nth(2)
    before, third_before = first_cell.bounding_box(), third_cell.bounding_box()
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth"), "the table scrolls sideways"
    wrap.evaluate("el => { el.scrollLeft = 300; }")
    page.wait_for_function("() => document.querySelector('div.frozen-wrap').scrollLeft > 0")
    after, third_after = first_cell.bounding_box(), third_cell.bounding_box()
    assert abs(after["x"] - before["x"]) < 1, (before, after)  # the name stays put
    assert third_after["x"] < third_before["x"] - 100  # the figures moved under it
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-lead-statistics-collaborators")

    page.goto(f"{live_server.url}/leads/statistiques/?vue=transformation")
    assert page.locator("svg.chart-funnel rect").count() >= 3
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-lead-statistics-transformation")
    context.close()
