"""Browser journey (V-9): from the home tile "Véhicules en retard" to "Gérer le statut"."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from vehicles.models import LifelineStatus, StatusMaxStay, Vehicle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def page(live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()


def test_from_the_home_tile_to_manage_status(page, live_server):
    call_command("seed_demo", verbosity=0)
    # A vehicle of the fleet manager's points of sale, in entrée physique for 25 days
    # where 10 are allowed: late by 15 days.
    vehicle = (
        Vehicle.objects.filter(status="entree_physique", point_of_sale__code__in=[61, 62])
        .order_by("number")
        .first()
    )
    StatusMaxStay.objects.update_or_create(
        status=LifelineStatus.objects.get(code="entree_physique"),
        parc=vehicle.parc,
        destination=vehicle.destination,
        defaults={"max_days": 10},
    )
    Vehicle.objects.filter(pk=vehicle.pk).update(
        status_changed_at=timezone.now() - timedelta(days=25)
    )

    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "gestionnaire-parc@demo.openflex.test")
    page.fill("input[name=password]", "openflex-demo")
    page.click("button[type=submit]")
    tile = page.locator("a[data-tile=late-vehicles]")
    tile.wait_for()
    count = int(tile.locator(".tile-count").inner_text().replace("\u202f", "").replace("\xa0", ""))
    assert count >= 1
    page.screenshot(path=str(SCREENSHOTS / "late-home-tile.png"), full_page=True)

    tile.click()
    page.wait_for_url("**/vehicules/retards/**")
    page.fill("input[name=q]", vehicle.vin[3:12])
    page.locator("#results").get_by_text("1 véhicule en retard").wait_for()
    assert "q=" in page.url  # the filtered list is in the URL (hx-push-url)
    row = page.locator("tbody tr").first
    assert row.locator(".badge-danger").inner_text() == "15 j"
    page.screenshot(path=str(SCREENSHOTS / "late-list.png"), full_page=True)

    row.get_by_role("link", name="Gérer le statut").click()
    page.wait_for_url(f"**/vehicules/{vehicle.pk}/retard/**")
    page.select_option("select[name=to]", "stock_vente")
    page.fill("textarea[name=reason]", "Préparation terminée, photos faites")
    page.screenshot(path=str(SCREENSHOTS / "late-manage-status.png"), full_page=True)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/vehicules/retards/**")
    page.get_by_text(f"Statut du véhicule n° {vehicle.pk} modifié.").wait_for()

    vehicle.refresh_from_db()
    assert vehicle.status == "stock_vente"
    change = vehicle.status_changes.get(to_status="stock_vente")
    assert change.reason == "Préparation terminée, photos faites"
