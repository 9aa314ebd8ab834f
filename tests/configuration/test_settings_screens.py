"""Settings screens (ORG-5) and the organisation (ORG-1): administrators only."""

import re

import pytest

from openflex.accounts.models import PhysicalSite, UserGroupType
from tests.accounts.factories import (
    EntityFactory,
    PhysicalSiteFactory,
    PointOfSaleFactory,
    UserFactory,
)
from tests.lists import assert_list_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def pos(db):
    return PointOfSaleFactory(name="Horizon Gerland", city="Lyon")


@pytest.mark.parametrize(
    "group_type",
    [UserGroupType.SALESPERSON, UserGroupType.DIRECTOR, UserGroupType.FLEET_MANAGER],
)
def test_settings_screens_are_forbidden_to_non_administrators(client, pos, group_type):
    """ORG-5: settings are for administrators; checked on the server (ORG-2)."""
    client.force_login(UserFactory(group_type=group_type, rights=["access_vn"]))
    for method, url in [
        ("get", "/parametres/"),
        ("get", "/parametres/organisation/"),
        ("get", f"/parametres/organisation/points-de-vente/{pos.pk}/"),
        ("post", f"/parametres/organisation/points-de-vente/{pos.pk}/"),
    ]:
        assert getattr(client, method)(url, {"name": "X"}).status_code == 403, url
    pos.refresh_from_db()
    assert pos.name == "Horizon Gerland"


def test_settings_screens_send_anonymous_users_to_login(client, pos):
    for url in ("/parametres/", "/parametres/organisation/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")


def test_settings_index_lists_the_sections(admin_client):
    html = admin_client.get("/parametres/").content.decode()
    for title in ("Organisation", "Comptes utilisateurs", "Groupes et droits", "Emails envoyés"):
        assert title in html


def test_an_administrator_without_account_right_does_not_see_account_sections(client):
    client.force_login(UserFactory(group_type=UserGroupType.ADMIN))
    html = client.get("/parametres/").content.decode()
    assert "Organisation" in html
    assert "Comptes utilisateurs" not in html


def test_organisation_shows_entities_points_of_sale_and_sites(admin_client):
    """ORG-1: group → entities → points of sale → physical sites."""
    entity = EntityFactory(name="Horizon Automobiles Lyon")
    pdv = PointOfSaleFactory(entity=entity, name="Horizon Villeurbanne")
    PhysicalSiteFactory(point_of_sale=pdv, name="Villeurbanne — Atelier")
    html = admin_client.get("/parametres/organisation/").content.decode()
    for text in ("Horizon Automobiles Lyon", "Horizon Villeurbanne", "Villeurbanne — Atelier"):
        assert text in html


def test_organisation_query_count_does_not_grow(admin_client):
    def add(n):
        for _ in range(n):
            pdv = PointOfSaleFactory()
            PhysicalSiteFactory(point_of_sale=pdv)
            PhysicalSiteFactory(point_of_sale=pdv)

    assert_list_queries(
        admin_client, "/parametres/organisation/", add, budget=6, many=10, partial=False
    )


def test_administrator_edits_a_point_of_sale(admin_client, pos):
    manager = UserFactory(points_of_sale=[pos], last_name="Lefèvre")
    response = admin_client.post(
        f"/parametres/organisation/points-de-vente/{pos.pk}/",
        {"name": "Horizon Lyon Gerland", "city": "Lyon", "transfer_manager": manager.pk},
    )
    assert response.status_code == 302
    pos.refresh_from_db()
    assert pos.name == "Horizon Lyon Gerland"
    assert pos.transfer_manager == manager


def test_transfer_manager_must_work_at_the_point_of_sale(admin_client, pos):
    elsewhere = UserFactory(points_of_sale=[PointOfSaleFactory()])
    response = admin_client.post(
        f"/parametres/organisation/points-de-vente/{pos.pk}/",
        {"name": "Nouveau nom", "transfer_manager": elsewhere.pk},
    )
    assert response.status_code == 400
    assert 'value="Nouveau nom"' in response.content.decode()
    pos.refresh_from_db()
    assert pos.transfer_manager is None and pos.name == "Horizon Gerland"


def test_administrator_adds_a_physical_site_and_a_duplicate_is_refused(admin_client, pos):
    url = f"/parametres/organisation/points-de-vente/{pos.pk}/"
    response = admin_client.post(url, {"action": "site", "name": "Gerland — Parc VO"})
    assert response.status_code == 302
    assert PhysicalSite.objects.filter(point_of_sale=pos, name="Gerland — Parc VO").exists()

    response = admin_client.post(
        url, {"action": "site", "name": "Gerland — Parc VO", "address": "1 rue X"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'<div class="field field-invalid">.*?</div>', html, re.S).group(0)
    assert "Ce point de vente a déjà un site de ce nom." in field
    assert 'value="1 rue X"' in html
    assert PhysicalSite.objects.filter(point_of_sale=pos).count() == 1
