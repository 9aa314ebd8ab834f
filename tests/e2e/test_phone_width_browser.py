"""Every main page fits a phone (#13): at 375×812 no page is wider than the screen, for
every user type of the demo; the sales manager's pages are also shot at 1366 px.

The crawl opens the fixed pages (lists, forms, settings) and, for the detail pages, the
first link of the right shape found on the page that lists them. A page the user may not
open (403/404) is skipped for that user; every page is checked by at least one user.
Screenshots: ``var/screenshots/phone-<page>.png`` and ``desktop-<page>.png`` (the first
user who reaches the page), ``phone-<user>-<page>.png`` for a page that overflows.
"""

import re

import pytest

from tests.e2e.conftest import login, screenshot, wait_for_tiles

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}

# The sales manager first: the screenshots are theirs where they may open the page.
USERS = [
    "chef-des-ventes",
    "admin",
    "vendeur",
    "secretaire",
    "gestionnaire-parc",
    "valideur-reprises",
    "directeur",
]

# (name, path) or (name, (page listing it, pattern of the detail link)).
PAGES = [
    ("home", "/"),
    ("stock", "/vehicules/"),
    ("vehicle", ("/vehicules/", r"^/vehicules/\d+/$")),
    ("vehicle-form", ("/vehicules/", r"^/vehicules/\d+/modifier/$", r"^/vehicules/\d+/$")),
    ("late", "/vehicules/retards/"),
    ("price-changes", "/vehicules/prix-a-valider/"),
    ("transfers", "/vehicules/transferts/"),
    ("opportunities", "/opportunites/"),
    ("opportunity", ("/opportunites/", r"^/opportunites/\d+/$")),
    ("opportunity-form", "/opportunites/nouvelle/"),
    ("offer", ("/commandes/", r"^/offres/\d+/$", r"^/commandes/\d+/$")),
    ("orders", "/commandes/"),
    ("order", ("/commandes/", r"^/commandes/\d+/$")),
    ("esign-resend", "/signatures/relances/"),  # the S-8 tiles' list (issue 15)
    ("customers", "/clients/"),
    ("customer", ("/clients/", r"^/clients/\d+/$")),
    ("customer-form", "/clients/nouveau/"),
    ("tradeins", "/reprises/"),
    ("tradein", ("/reprises/", r"^/reprises/\d+/$")),
    ("products", "/parametres/produits/"),
    ("settings", "/parametres/"),
    ("settings-organisation", "/parametres/organisation/"),
    ("settings-emails", "/parametres/emails/"),
    ("settings-email", ("/parametres/emails/", r"^/parametres/emails/\d+/$")),
    ("settings-lifeline", "/parametres/vehicules/"),
    ("settings-sales", "/parametres/ventes/"),
    ("settings-esign", "/parametres/e-signature/"),  # issue 15 (S-3, S-6, S-7)
    ("settings-promotions", "/parametres/operations-promotionnelles/"),
    ("settings-certificates", "/parametres/e-signature/certificats/"),
    ("settings-sms", "/parametres/sms/"),
    ("esign-verify", "/signatures/verifier/"),
    ("settings-reservation", "/parametres/reservation-vo/"),
    ("payments", "/paiements/"),
    ("settings-ereservation", "/parametres/e-reservation/"),
    ("settings-payments", "/parametres/e-paiement/"),
    ("settings-payment", ("/parametres/e-paiement/", r"^/parametres/e-paiement/\d+/$")),
    ("settings-accounts", "/parametres/comptes/"),
    ("settings-groups", "/parametres/groupes/"),
    ("leads", "/leads/"),  # issue 16 (L-1, L-2, L-7)
    ("lead", ("/leads/", r"^/leads/\d+/$")),
    ("lead-form", "/leads/nouvelle/"),
    ("lead-convert", ("/leads/", r"^/leads/\d+/convertir/$", r"^/leads/\d+/$")),
    ("settings-leads", "/parametres/leads/"),
    ("settings-leads-pos", ("/parametres/leads/", r"^/parametres/leads/points-de-vente/\d+/$")),
    ("settings-lead-lists", "/parametres/leads/etiquettes-et-statuts/"),
    ("settings-lead-sources", "/parametres/leads/sources/"),
    ("settings-lead-source", ("/parametres/leads/sources/", r"^/parametres/leads/sources/\d+/$")),
    ("lead-calls-missed", "/leads/appels/manques/"),  # issue 16 (L-3)
    ("lead-calls-connected", "/leads/appels/connectes/"),
    ("lead-tracking-numbers", "/leads/numeros-traceurs/"),
    ("lead-tracking-number", ("/leads/numeros-traceurs/", r"^/leads/numeros-traceurs/\d+/")),
    ("lead-statistics", "/leads/statistiques/"),  # issue 16 (L-5, L-6)
    ("lead-statistics-collaborators", "/leads/statistiques/?vue=collaborateurs"),
    ("lead-statistics-transformation", "/leads/statistiques/?vue=transformation"),
    ("settings-tracking-numbers", "/parametres/leads/numeros-traceurs/"),
    ("notifications", "/notifications/"),
    ("profile", "/profil/"),
]

OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && el.offsetParent !== null)
    .filter(el => !el.closest('.table-wrap, .dropdown-panel, .visually-hidden'))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""

# Buttons, fields and the filters' summary: at least 44 px high on a phone (WCAG 2.5.5).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main .btn, main button, main select, main summary, '
    + 'main input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
  .filter(el => el.checkVisibility({checkVisibilityCSS: true}))
  .filter(el => el.getBoundingClientRect().height > 0)
  .filter(el => !el.closest('.linklike, .dropdown-panel') && !el.classList.contains('linklike'))
  .filter(el => el.getBoundingClientRect().height < 43.5)
  .slice(0, 5)
  .map(el => el.tagName.toLowerCase() + '.' + String(el.className).trim().split(/\\s+/).join('.')
    + ' "' + (el.innerText || el.name || '').trim().slice(0, 30) + '" '
    + Math.round(el.getBoundingClientRect().height) + 'px')"""


def _open(page, base: str, path: str) -> bool:
    response = page.goto(base + path)
    if response is None or response.status in (403, 404):
        return False
    if response.status != 200:
        ERRORS.append(f"{path}: {response.status}")
        return False
    if page.locator(".tile-loading").count():
        wait_for_tiles(page)
    return True


ERRORS: list[str] = []


def _resolve(page, base: str, target) -> str | None:
    """The path of a page: a fixed one, or the first detail link found on its list (or on
    the first page the list leads to, for an offer reached through its order)."""
    if isinstance(target, str):
        return target
    source, pattern, *via = target
    if not _open(page, base, source):
        return None
    hrefs = page.eval_on_selector_all(
        "main a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    found = next((h for h in hrefs if re.match(pattern, h)), None)
    if found or not via:
        return found
    for step in [h for h in hrefs if re.match(via[0], h)][:3]:
        if not _open(page, base, step):
            continue
        hrefs = page.eval_on_selector_all(
            "main a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        found = next((h for h in hrefs if re.match(pattern, h)), None)
        if found:
            return found
    return None


def test_every_page_fits_a_phone(browser, live_server, demo):
    base = live_server.url
    ERRORS.clear()
    problems: list[str] = []
    seen: set[str] = set()
    for user in USERS:
        context = browser.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(15_000)
        page = context.new_page()
        login(page, live_server, f"{user}@demo.openflex.test")
        for name, target in PAGES:
            path = _resolve(page, base, target)
            if path is None or not _open(page, base, path):
                continue
            overflow = page.evaluate(OVERFLOW)
            small = page.evaluate(SMALL_TARGETS)
            if overflow:
                problems.append(f"{user} {name} {path}: wider than the screen {overflow}")
                screenshot(page, f"phone-{user}-{name}")
            if small:
                problems.append(f"{user} {name} {path}: touch targets under 44 px {small}")
            if "---------" in page.content():
                problems.append(f"{user} {name} {path}: Django's empty choice '---------'")
            if name not in seen:
                seen.add(name)
                screenshot(page, f"phone-{name}")
                page.set_viewport_size(DESKTOP)
                page.reload()
                if page.locator(".tile-loading").count():
                    wait_for_tiles(page)
                screenshot(page, f"desktop-{name}")
                page.set_viewport_size(PHONE)
        context.close()
    missing = [name for name, _ in PAGES if name not in seen]
    assert not (missing or ERRORS or problems), "\n".join(
        [f"pages no user could open: {missing}", *ERRORS, *problems]
    )
