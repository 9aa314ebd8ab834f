"""Browser journeys of the foundation: login, home tiles, user menu, profile, settings."""

import re

import pytest
from playwright.sync_api import expect

from openflex.accounts.models import User
from openflex.home.tiles import tiles_for_user
from tests.e2e.conftest import login, screenshot, wait_for_tiles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MANAGER = "chef-des-ventes@demo.openflex.test"
ADMIN = "admin@demo.openflex.test"


def test_sales_manager_logs_in_and_sees_the_tiles(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    screenshot(page, "foundation-login")

    login(page, live_server, MANAGER)
    expect(page.get_by_role("heading", name="Bonjour Sophie")).to_be_visible()
    wait_for_tiles(page)

    expected = [str(t.title) for t in tiles_for_user(User.objects.get(email=MANAGER))]
    assert expected, "the sales manager sees at least one tile"
    tiles = page.locator("section.tiles a.tile")
    expect(tiles).to_have_count(len(expected))
    titles = [t.strip() for t in page.locator("section.tiles .tile-title").all_inner_texts()]
    assert titles == expected
    for count in page.locator("section.tiles .tile-count").all_inner_texts():
        assert re.fullmatch(r"[\d\u00a0\u202f ]+", count), count
    assert "Comptes en attente d'activation" not in titles  # administrators only

    nav = page.get_by_role("navigation", name="Navigation principale")
    for label in ("Accueil", "Véhicules", "Opportunités", "Clients", "Leads", "Paiements"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    screenshot(page, "foundation-home")

    # The user menu works with the keyboard alone: Enter opens it, Tab walks its links,
    # Escape closes it and gives the focus back (a plain disclosure, no role="menu").
    summary = page.locator("details.usermenu summary")
    summary.focus()
    page.keyboard.press("Enter")
    menu = page.locator("details.usermenu ul")
    expect(menu.get_by_role("link", name="Mon profil")).to_be_visible()
    expect(menu.get_by_role("link", name="Notifications")).to_be_visible()
    expect(menu.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(menu.get_by_role("link", name="Paramètres")).to_have_count(0)
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Mon profil")).to_be_focused()
    screenshot(page, "foundation-usermenu")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(summary).to_be_focused()

    summary.click()
    menu.get_by_role("link", name="Mon profil").click()
    expect(page.get_by_role("heading", name="Mon profil")).to_be_visible()
    screenshot(page, "foundation-profile")

    page.locator("details.usermenu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


def test_admin_creates_an_account_from_the_settings(page, live_server, demo):
    login(page, live_server, ADMIN)
    wait_for_tiles(page)
    expect(page.locator('a.tile[data-tile="accounts-pending-activation"]')).to_be_visible()

    page.locator("details.usermenu summary").click()
    page.get_by_role("link", name="Paramètres", exact=True).click()
    expect(page.get_by_role("heading", name="Paramètres", exact=True)).to_be_visible()
    screenshot(page, "foundation-settings")

    page.goto(f"{live_server.url}/parametres/comptes/")
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Adresse email").fill("camille.roche@demo.openflex.test")
    page.get_by_label(re.compile(r"^Nom\W*$")).fill("Roche")
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Vendeurs").check()
    page.get_by_label("Horizon Lyon Gerland").check()
    screenshot(page, "foundation-account-form")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(f"{live_server.url}/parametres/comptes/")
    expect(page.get_by_text("une invitation a été envoyée")).to_be_visible()
    row = page.locator("tr", has_text="Roche Camille")
    expect(row).to_contain_text("camille.roche@demo.openflex.test")
    expect(row).to_contain_text("En attente d'activation")
    expect(row).to_contain_text("Vendeurs")
    screenshot(page, "foundation-accounts")

    page.goto(f"{live_server.url}/")
    wait_for_tiles(page)
    tile = page.locator('a.tile[data-tile="accounts-pending-activation"] .tile-count')
    expect(tile).to_have_text("1")


def test_narrow_screen_menu(browser, live_server, demo):
    """Responsive header: the navigation folds behind a button on a phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    try:
        login(page, live_server, MANAGER)
        wait_for_tiles(page)
        nav_link = page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Véhicules"
        )
        expect(nav_link).to_be_hidden()
        page.locator("label.nav-toggle-label").click()
        expect(nav_link).to_be_visible()
        screenshot(page, "foundation-home-mobile")
        page.locator("label.nav-toggle-label").click()
        expect(nav_link).to_be_hidden()
        # Keyboard users reach the toggle too.
        page.get_by_role("checkbox", name="Ouvrir le menu").focus()
        page.keyboard.press("Space")
        expect(nav_link).to_be_visible()
    finally:
        context.close()
