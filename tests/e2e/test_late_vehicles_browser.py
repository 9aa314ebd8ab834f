"""Browser journey (V-9): from the home tile "Véhicules en retard" to "Gérer le statut"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import login, screenshot, wait_for_tiles
from vehicles.models import LifelineStatus, StatusMaxStay, Vehicle

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_from_the_home_tile_to_manage_status(page, live_server, demo):
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

    login(page, live_server, "gestionnaire-parc@demo.openflex.test")
    wait_for_tiles(page)
    tile = page.locator("a[data-tile=late-vehicles]")
    count = int("".join(ch for ch in tile.locator(".tile-count").inner_text() if ch.isdigit()))
    assert count >= 1
    screenshot(page, "late-home-tile")

    tile.click()
    page.wait_for_url("**/vehicules/retards/**")
    page.fill("input[name=q]", vehicle.vin[3:12])
    page.locator("#results").get_by_text("1 véhicule en retard").wait_for()
    assert "q=" in page.url  # the filtered list is in the URL (hx-push-url)
    row = page.locator("tbody tr").first
    assert row.locator(".badge-danger").inner_text() == "15 j"
    screenshot(page, "late-list")

    row.get_by_role("link", name="Gérer le statut").click()
    page.wait_for_url(f"**/vehicules/{vehicle.pk}/retard/**")
    page.select_option("select[name=to]", "stock_vente")
    page.fill("textarea[name=reason]", "Préparation terminée, photos faites")
    screenshot(page, "late-manage-status")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/vehicules/retards/**")
    page.get_by_text(f"Statut du véhicule n° {vehicle.pk} modifié.").wait_for()

    vehicle.refresh_from_db()
    assert vehicle.status == "stock_vente"
    change = vehicle.events.get(to_status="stock_vente")
    assert change.reason == "Préparation terminée, photos faites"
