"""Browser journey of issue #6 (O-8): a dry trade-in from estimate to completion —
the salesperson creates it in an opportunity, the validator validates it from his tile,
the salesperson finalises it: VO in pré-entrée, offer terminée, opportunity won."""

from decimal import Decimal

import pytest

from openflex.accounts.models import User
from opportunities.customers import services as customers_services
from opportunities.customers.models import Customer
from opportunities.sales import services as sales_services
from opportunities.sales.models import Offer, Opportunity
from opportunities.tradeins.models import TradeIn
from tests.e2e.conftest import login, screenshot, wait_for_tiles
from vehicles.models import StandardStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _new_page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def _photos(directory) -> list[str]:
    """Three phone-like JPEGs (4:3, 1600 × 1200) of different colours."""
    from PIL import Image, ImageDraw

    paths = []
    for n, (colour, label) in enumerate(
        [((40, 90, 160), "Avant"), ((150, 40, 40), "Profil"), ((60, 120, 60), "Habitacle")]
    ):
        image = Image.new("RGB", (1600, 1200), colour)
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle((250, 500, 1350, 900), radius=120, fill=(230, 230, 235))
        draw.ellipse((380, 800, 620, 1040), fill=(30, 30, 30))
        draw.ellipse((980, 800, 1220, 1040), fill=(30, 30, 30))
        draw.text((80, 80), label, fill=(255, 255, 255), font_size=120)
        path = directory / f"photo-{n + 1}.jpg"
        image.save(path, "JPEG", quality=90)
        paths.append(str(path))
    return paths


def test_dry_trade_in_from_estimate_to_completion(browser, page, live_server, demo, tmp_path):
    seller = User.objects.get(email="vendeur@demo.openflex.test")
    pos = seller.points_of_sale.order_by("code").first()
    customer = customers_services.customer_create(
        by=seller,
        point_of_sale=pos,
        kind=Customer.Kind.PERSON,
        civility="M.",
        last_name="Reprise",
        first_name="Hugo",
        email="hugo.reprise@example.test",
        allow_duplicate=True,
    )
    opportunity = sales_services.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller, title="Rachat VO"
    )

    # The salesperson adds the trade-in to the opportunity.
    login(page, live_server, "vendeur@demo.openflex.test")
    page.goto(f"{live_server.url}/opportunites/{opportunity.pk}/")
    page.get_by_role("link", name="Ajouter une reprise").click()
    page.wait_for_url("**/reprises/nouvelle/")
    page.locator("#id_kind").select_option("seche")
    page.locator("#id_brand").fill("Peugeot")
    page.locator("#id_model").fill("308")
    page.locator("#id_energy").select_option("essence")
    page.locator("#id_registration").fill("GH-123-JK")
    page.locator("#id_vin").fill("VF3LBHNZ6JS123456")
    page.locator("#id_mileage").fill("62000")
    page.locator("#id_requested_value").fill("12 000")
    # A negative value first: a message next to the field, the rest kept.
    page.locator("#id_proposed_value").fill("-10")
    page.get_by_role("button", name="Créer la reprise").click()
    page.get_by_text("Le montant ne peut pas être négatif.").wait_for()
    assert page.locator("#id_brand").input_value() == "Peugeot"
    screenshot(page, "tradein-form-error")
    page.locator("#id_proposed_value").fill("10 500")
    page.locator("#id_photos").set_input_files(_photos(tmp_path))
    screenshot(page, "tradein-form")
    page.get_by_role("button", name="Créer la reprise").click()
    page.wait_for_url("**/reprises/*/")
    trade_in = TradeIn.objects.get(opportunity=opportunity)
    assert trade_in.status == TradeIn.Status.TO_VALIDATE
    assert trade_in.proposed_value == Decimal("10500.00")
    assert page.get_by_role("button", name="Valider").count() == 0  # no right
    # The photos show as thumbnails served by the trade-in's photo view (#12).
    thumbnails = page.locator(".photo-grid img")
    assert thumbnails.count() == 3
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-grid img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    assert thumbnails.first.evaluate("(img) => img.naturalWidth") == 480
    screenshot(page, "tradein-created")
    with page.context.expect_page() as opened:
        page.locator(".photo-grid a").first.click()
    full = opened.value
    full.wait_for_load_state()
    assert "/photos/" in full.url
    assert full.evaluate("document.images[0].naturalWidth") == 1600
    full.close()

    # The validator sees it on his tile and validates it.
    validator_page = _new_page(browser)
    try:
        login(validator_page, live_server, "valideur-reprises@demo.openflex.test")
        wait_for_tiles(validator_page)
        tile = validator_page.locator("a", has_text="Reprises à valider").first
        tile.wait_for()
        screenshot(validator_page, "tradein-validator-home")
        tile.click()
        validator_page.wait_for_url("**/reprises/**")
        screenshot(validator_page, "tradein-validator-list")
        validator_page.locator(f"#tradein-{trade_in.pk} a").first.click()
        validator_page.wait_for_url(f"**/reprises/{trade_in.pk}/")
        validator_page.wait_for_function(
            "() => [...document.querySelectorAll('.photo-grid img')]"
            ".every((img) => img.complete && img.naturalWidth > 0)"
        )
        screenshot(validator_page, "tradein-validator-photos")
        validator_page.get_by_role("button", name="Valider", exact=True).click()
        validator_page.get_by_text("Reprise validée.").wait_for()
        screenshot(validator_page, "tradein-validated")
    finally:
        validator_page.context.close()
    trade_in.refresh_from_db()
    assert trade_in.status == TradeIn.Status.VALIDATED

    # The customer accepts: the salesperson finalises the trade-in.
    page.goto(f"{live_server.url}/reprises/{trade_in.pk}/")
    page.get_by_role("button", name="Finaliser la reprise").click()
    page.get_by_text("Reprise effectuée").first.wait_for()
    screenshot(page, "tradein-completed")
    trade_in.refresh_from_db()
    assert trade_in.completed_at is not None
    assert trade_in.stock_vehicle.status == StandardStatus.PRE_ENTRY
    assert trade_in.offer.status == Offer.Status.FINISHED
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.WON
    page.goto(f"{live_server.url}/opportunites/{opportunity.pk}/")
    assert page.locator(".badge-opp-gagnee").count() == 1
    screenshot(page, "tradein-opportunity-won")
