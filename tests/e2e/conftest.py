"""Browser fixtures for the end-to-end journeys (Playwright driving Debian's Chromium).

``browser`` is Chromium for one test, ``page`` a fresh context in it (its own cookies);
a Content-Security-Policy violation reported in any of its pages' consoles fails the test.
``login(page, live_server, email)`` signs in through the login form; ``wait_for_tiles``
waits for the lazy home tiles; ``screenshot(page, name)`` saves ``var/screenshots/<name>.png``.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
# tests to arrange data, would otherwise refuse to run beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("OPENFLEX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DEMO_PASSWORD = "openflex-demo"  # noqa: S105 — the documented demo password


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture
def browser(live_server):
    """Chromium for one test, started once the test database is ready.

    Not session-scoped on purpose: Playwright's sync API keeps an asyncio loop running
    in this thread, and while it runs Django hands out other connection objects (asgiref
    ``Local``). Started before the database fixtures, it made serialized rollbacks restore
    nothing; left running, it would leak into the tests that follow.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        violations = _watch_csp(browser)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()  # the connections opened while the loop ran
        if violations:
            pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


def _watch_csp(browser) -> list[str]:
    """Every context of this browser (the tests' own ones too) records the
    Content-Security-Policy violations that Chromium reports in the console; the test
    fails on the first one (#12)."""
    violations: list[str] = []
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", record)
        return context

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            where = message.location
            source = f"{where.get('url', '')}:{where.get('lineNumber', '')}"
            page = message.page.url if message.page else ""
            violations.append(f"{page} ({source}): {message.text}")

    browser.new_context = watched_new_context
    return violations


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, live_server, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the home page."""
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")


def wait_for_tiles(page) -> None:
    """Until every lazy HTMX tile has been swapped in."""
    # A function, not an expression: Playwright evaluates expressions with eval(), which
    # the Content-Security-Policy forbids in the page.
    page.wait_for_function("() => document.querySelectorAll('.tile-loading').length === 0")


@pytest.fixture
def demo(db):
    """The demo dealer group and its seven users (``seed_demo``)."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
