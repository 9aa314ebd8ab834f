"""403 and 404 pages: French, in the site's layout, with a way back; a 403 is logged
without a traceback (issue 13, "Rights seen by users")."""

import logging

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def salesperson_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(group_type="vendeur"))
    return client


def test_unknown_url_is_a_french_404_in_the_site_layout(salesperson_client):
    page = salesperson_client.get(
        "/vehicules/999999/", HTTP_REFERER="http://testserver/vehicules/?q=clio"
    )
    assert page.status_code == 404
    html = page.content.decode()
    assert "Page introuvable" in html
    assert 'class="topbar"' in html  # base.html, with the user's header
    assert 'href="/vehicules/?q=clio"' in html  # back where the user came from
    assert "Retour à l&#x27;accueil" in html or "Retour à l'accueil" in html
    assert "Not Found" not in html


def test_unknown_path_too(salesperson_client):
    page = salesperson_client.get("/nulle-part/")
    assert page.status_code == 404
    assert "Page introuvable" in page.content.decode()


def test_anonymous_404_has_no_header_and_offers_to_log_in():
    page = Client().get("/nulle-part/")
    html = page.content.decode()
    assert page.status_code == 404
    assert "Page introuvable" in html and "Se connecter" in html
    assert 'class="topbar"' not in html


def test_a_referer_of_another_site_is_not_offered_as_the_way_back(salesperson_client):
    page = salesperson_client.get("/nulle-part/", HTTP_REFERER="https://evil.test/x")
    assert "evil.test" not in page.content.decode()


def test_forbidden_page_is_a_french_403(salesperson_client):
    page = salesperson_client.get("/parametres/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "Accès refusé" in html and 'class="topbar"' in html
    assert "Forbidden" not in html


def test_a_403_is_logged_as_a_warning_without_traceback(salesperson_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        salesperson_client.get("/parametres/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.levelname for r in records] == ["WARNING"]
    assert "Forbidden" in records[0].getMessage()
    assert records[0].exc_info is None and not records[0].exc_text


def test_debug_shows_the_friendly_404_not_the_technical_page(salesperson_client, settings):
    """make run runs with DEBUG: the staff trying it see the production page."""
    settings.DEBUG = True
    for url in ("/nulle-part/", "/vehicules/999999/"):
        page = salesperson_client.get(url)
        assert page.status_code == 404
        html = page.content.decode()
        assert "Page introuvable" in html
        assert "URLconf" not in html and "Using the URLconf" not in html


def test_debug_technical_404_on_request(salesperson_client, settings):
    settings.DEBUG = True
    settings.OPENFLEX_TECHNICAL_404 = True
    page = salesperson_client.get("/nulle-part/")
    assert page.status_code == 404
    assert "Page introuvable" not in page.content.decode()


def test_server_error_page_is_french_and_standalone(rf):
    from openflex.core.errors import server_error

    page = server_error(rf.get("/"))
    assert page.status_code == 500
    assert "Une erreur est survenue" in page.content.decode()
