"""Every main page passes axe-core's WCAG 2.1 A/AA rules (#13): no serious or critical
violation, for every user type of the demo and for the login pages.

The crawl opens the fixed pages (lists, forms, settings) and, for the detail pages, the
first link of the right shape found on a page already opened by the same user (the list,
or the order for its offer). A page the user may not open (403/404) is skipped for that
user; every page is checked by at least one user. One browser, one login per user type.
Screenshots: ``var/screenshots/a11y-<page>.png`` (1366 px, the first user who reaches it).
"""

import re
from collections import Counter

import pytest

from tests.e2e.a11y import axe_violations, format_violations
from tests.e2e.conftest import login, screenshot, wait_for_tiles

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORT = {"width": 1366, "height": 900}

# The sales manager first: the screenshots are theirs where they may open the page.
USERS = [
    "chef-des-ventes",
    "admin",
    "directeur",
    "vendeur",
    "secretaire",
    "gestionnaire-parc",
    "valideur-reprises",
]

# (name, path) or (name, (pages whose links lead to it, in order), pattern of the link).
# A detail page comes after the page(s) that link to it.
PAGES = [
    ("home", "/"),
    ("stock", "/vehicules/"),
    ("vehicle", (("/vehicules/",), r"^/vehicules/\d+/$")),
    ("vehicle-form", (("/vehicules/", "vehicle"), r"^/vehicules/\d+/modifier/$")),
    ("late", "/vehicules/retards/"),
    ("price-changes", "/vehicules/prix-a-valider/"),
    ("transfers", "/vehicules/transferts/"),
    ("opportunities", "/opportunites/"),
    ("opportunity", (("/opportunites/",), r"^/opportunites/\d+/$")),
    ("opportunity-form", "/opportunites/nouvelle/"),
    ("orders", "/commandes/"),
    ("order", (("/commandes/",), r"^/commandes/\d+/$")),
    ("esign-resend", "/signatures/relances/"),  # the S-8 tiles' list (issue 15)
    ("offer", (("order", "opportunity"), r"^/offres/\d+/$")),
    ("customers", "/clients/"),
    ("customer", (("/clients/",), r"^/clients/\d+/$")),
    ("customer-form", "/clients/nouveau/"),
    ("customer-edit", (("customer",), r"^/clients/\d+/modifier/$")),
    ("tradeins", "/reprises/"),
    ("tradein", (("/reprises/",), r"^/reprises/\d+/$")),
    ("tradein-request", "/reprises/demande/"),
    ("products", "/parametres/produits/"),
    ("settings", "/parametres/"),
    ("settings-organisation", "/parametres/organisation/"),
    ("settings-emails", "/parametres/emails/"),
    ("settings-email", (("/parametres/emails/",), r"^/parametres/emails/\d+/$")),
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
    ("settings-payment", (("/parametres/e-paiement/",), r"^/parametres/e-paiement/\d+/$")),
    ("settings-accounts", "/parametres/comptes/"),
    ("settings-account", (("/parametres/comptes/",), r"^/parametres/comptes/\d+/$")),
    ("settings-groups", "/parametres/groupes/"),
    ("leads", "/leads/"),  # issue 16 (L-1, L-2, L-7)
    ("lead", (("/leads/",), r"^/leads/\d+/$")),
    ("lead-form", "/leads/nouvelle/"),
    ("lead-convert", (("lead",), r"^/leads/\d+/convertir/$")),
    ("settings-leads", "/parametres/leads/"),
    ("settings-leads-pos", (("/parametres/leads/",), r"^/parametres/leads/points-de-vente/\d+/$")),
    ("settings-lead-lists", "/parametres/leads/etiquettes-et-statuts/"),
    ("settings-lead-sources", "/parametres/leads/sources/"),
    (
        "settings-lead-source",
        (("/parametres/leads/sources/",), r"^/parametres/leads/sources/\d+/$"),
    ),
    ("lead-calls-missed", "/leads/appels/manques/"),  # issue 16 (L-3)
    ("lead-calls-connected", "/leads/appels/connectes/"),
    ("lead-tracking-numbers", "/leads/numeros-traceurs/"),
    ("lead-tracking-number", (("/leads/numeros-traceurs/",), r"^/leads/numeros-traceurs/\d+/")),
    ("lead-statistics", "/leads/statistiques/"),  # issue 16 (L-5, L-6)
    ("lead-statistics-collaborators", "/leads/statistiques/?vue=collaborateurs"),
    ("lead-statistics-transformation", "/leads/statistiques/?vue=transformation"),
    ("settings-tracking-numbers", "/parametres/leads/numeros-traceurs/"),
    ("notifications", "/notifications/"),
    ("profile", "/profil/"),
]

ANONYMOUS_PAGES = [
    ("login", "/connexion/"),
    ("password-reset", "/mot-de-passe-oublie/"),
    ("payment-privacy", "/paiement/confidentialite/"),
]

LINKS = "links => links.map(a => a.getAttribute('href'))"
# Through the CSSOM, which the Content-Security-Policy allows (a style attribute it would not).
PALE_TEXT = """() => {
  const p = document.createElement('p');
  p.textContent = 'Texte trop pâle';
  p.style.color = '#d0d0d0';
  document.body.append(p);
}"""


def _open(page, url: str) -> bool:
    response = page.goto(url)
    if response is None or response.status in (403, 404):
        return False
    assert response.status == 200, f"{url}: {response.status}"
    if page.locator(".tile-loading").count():
        wait_for_tiles(page)
    return True


def test_every_main_page_is_accessible(browser, live_server, demo):
    base = live_server.url
    problems: list[str] = []
    counts: Counter[str] = Counter()
    seen: set[str] = set()

    def check(page, user: str, name: str) -> None:
        violations = axe_violations(page)
        for violation in violations:
            counts[violation["id"]] += len(violation["nodes"])
        problems.extend(format_violations(f"{user} {name} {page.url[len(base) :]}", violations))
        if name not in seen:
            seen.add(name)
            screenshot(page, f"a11y-{name}")

    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    page = context.new_page()
    for name, path in ANONYMOUS_PAGES:
        assert _open(page, base + path)
        check(page, "anonymous", name)
    # The engine does run and report: pale text added to the page is a violation.
    page.evaluate(PALE_TEXT)
    assert "color-contrast" in {v["id"] for v in axe_violations(page)}
    context.close()

    for user in USERS:
        context = browser.new_context(viewport=VIEWPORT, locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(15_000)
        page = context.new_page()
        login(page, live_server, f"{user}@demo.openflex.test")
        links: dict[str, list[str]] = {}  # page (path or name) -> hrefs in its <main>
        for name, target in PAGES:
            if isinstance(target, str):
                path = target
            else:
                sources, pattern = target
                hrefs = [h for source in sources for h in links.get(source, [])]
                path = next((h for h in hrefs if re.match(pattern, h)), None)
            if path is None or not _open(page, base + path):
                continue
            hrefs = page.eval_on_selector_all("main a[href]", LINKS)
            links[name] = links[path] = hrefs
            check(page, user, name)
        context.close()

    missing = [name for name, _ in PAGES if name not in seen]
    assert not missing, f"pages no user could open: {missing}"
    summary = ", ".join(f"{rule}: {n}" for rule, n in counts.most_common())
    assert not problems, f"serious/critical violations ({summary}):\n" + "\n".join(problems)
