"""Browser journey (V-4..V-6): filter the stock, sort by days since price update, export,
save the search."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login, screenshot
from vehicles.models import SavedSearch

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DAYS = "Nb de j. suite à la dernière MAJ des prix"


def column_values(page, index: int) -> list[int]:
    cells = page.locator(f"#results tbody tr td:nth-child({index})").all_inner_texts()
    return [int(c) for c in cells if c.strip().isdigit()]


def test_filter_sort_export_and_save_a_search(page, live_server, demo):
    login(page, live_server, "gestionnaire-parc@demo.openflex.test")
    page.get_by_role("link", name="Véhicules", exact=True).click()
    page.wait_for_url("**/vehicules/**")
    total = page.locator(".result-count").inner_text()

    # Filter through HTMX: only the results are swapped, the URL follows.
    page.locator("#results").evaluate("el => el.dataset.marker = 'before'")
    page.get_by_label("VO — occasion").check()
    page.wait_for_url("**parc=VO**")
    page.locator(".result-count").filter(has_not_text=total).wait_for()
    assert page.locator("#results").get_attribute("data-marker") is None  # swapped
    assert page.locator("#filters").is_visible()  # not reloaded
    types = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert types and set(types) == {"VO"}
    assert "q=" not in page.url and "brand=" not in page.url  # no empty filters in the URL

    # Free text: only the matching vehicles stay, still without a reload.
    first_brand = page.locator("#results tbody tr td:nth-child(3)").first.inner_text()
    page.get_by_label("Recherche", exact=True).fill(first_brand.lower())
    page.wait_for_url(f"**q={first_brand.lower()}**")
    page.locator("#results").get_by_text(first_brand).first.wait_for()
    brands = page.locator("#results tbody tr td:nth-child(3)").all_inner_texts()
    assert brands and set(brands) == {first_brand}
    assert page.locator("#filters").is_visible()
    page.get_by_label("Recherche", exact=True).fill("")
    page.wait_for_url(lambda url: "q=" not in url)

    # Sort by days since the last price update, both ways.
    header = page.locator("#results thead").get_by_role("link", name=DAYS)
    heads = page.locator("#results thead th")
    index = 1 + next(
        i for i in range(heads.count()) if heads.nth(i).get_by_role("link", name=DAYS).count()
    )
    header.click()
    page.wait_for_url("**sort=price_days**")
    ascending = column_values(page, index)
    assert ascending == sorted(ascending)
    page.locator("#results thead").get_by_role("link", name=DAYS).click()
    page.wait_for_url("**sort=-price_days**")
    descending = column_values(page, index)
    assert descending == sorted(descending, reverse=True) and descending[0] >= ascending[-1]
    screenshot(page, "vehicles-list-sorted")

    # Export the same list.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter (XLSX)").click()
    content = download_info.value.path().read_bytes()
    sheet = load_workbook(BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("N° OpenFlex", "Genre", "Réservation", "Fin de réservation", DAYS)
    assert len(rows) - 1 == int(
        "".join(ch for ch in page.locator(".result-count").inner_text() if ch.isdigit())
    )
    days = [r[4] for r in rows[1:]]
    assert days == sorted(days, reverse=True)

    # Save the search and get it back in one click.
    page.get_by_label("Nom de la recherche").fill("VO les plus anciens")
    page.get_by_role("button", name="Enregistrer la recherche").click()
    page.wait_for_url("**saved=**")
    saved = SavedSearch.objects.get(name="VO les plus anciens")
    assert "parc=VO" in saved.query and "sort=-price_days" in saved.query
    page.locator("#saved-searches").get_by_role("link", name="VO les plus anciens").wait_for()
    screenshot(page, "vehicles-list")

    # The same name again: the error shows in place (HTMX swaps the 400), nothing saved.
    page.get_by_label("Nom de la recherche").fill("VO les plus anciens")
    page.get_by_role("button", name="Enregistrer la recherche").click()
    error = "Vous avez déjà une recherche de ce nom."
    page.locator("#saved-searches").get_by_text(error).wait_for()
    assert SavedSearch.objects.filter(name="VO les plus anciens").count() == 1

    page.locator("#results tbody tr td a").first.click()
    page.wait_for_url("**/vehicules/*/")
    page.get_by_role("heading", name="Ligne de vie").wait_for()
    # The history tells the lifeline's story (V-3).
    reached = page.locator(".lifeline li.done, .lifeline li.current").count()
    assert page.locator(".timeline").get_by_text("Statut :").count() == reached - 1
    screenshot(page, "vehicle-detail")
