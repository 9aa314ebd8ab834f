"""Account management (ORG-2, ORG-3): only holders of the account-management right."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client

from openflex.accounts.models import User, UserGroup, UserGroupType
from openflex.notifications.models import OutboundEmail
from tests.accounts.factories import (
    PASSWORD,
    PointOfSaleFactory,
    UserFactory,
    UserGroupFactory,
)
from tests.lists import assert_list_queries

pytestmark = pytest.mark.django_db


def _right(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="accounts", codename=codename)


@pytest.fixture
def target(db):
    return UserFactory(group_type=UserGroupType.SALESPERSON)


@pytest.fixture
def group(db):
    return UserGroupFactory(type=UserGroupType.SALESPERSON, name="Vendeurs Lyon")


def _views(target, group):
    """Every account-management view, with the methods it answers."""
    return [
        ("get", "/parametres/comptes/"),
        ("get", "/parametres/comptes/nouveau/"),
        ("post", "/parametres/comptes/nouveau/"),
        ("get", f"/parametres/comptes/{target.pk}/"),
        ("post", f"/parametres/comptes/{target.pk}/"),
        ("post", f"/parametres/comptes/{target.pk}/activation/"),
        ("get", f"/parametres/comptes/{target.pk}/supprimer/"),
        ("post", f"/parametres/comptes/{target.pk}/supprimer/"),
        ("get", "/parametres/groupes/"),
        ("get", "/parametres/groupes/nouveau/"),
        ("post", "/parametres/groupes/nouveau/"),
        ("get", f"/parametres/groupes/{group.pk}/"),
        ("post", f"/parametres/groupes/{group.pk}/"),
    ]


@pytest.mark.parametrize(
    "group_type",
    [
        UserGroupType.SALESPERSON,
        UserGroupType.SALES_MANAGER,
        UserGroupType.DIRECTOR,
        UserGroupType.ADMIN,  # an administrator without the right is refused too
    ],
)
def test_every_account_view_is_forbidden_without_the_right(client, target, group, group_type):
    """ORG-3: only holders of the account-management right; checked on the server."""
    other_rights = ["access_vn", "validate_orders", "validate_transfers", "validate_tradeins"]
    client.force_login(UserFactory(group_type=group_type, rights=other_rights))
    for method, url in _views(target, group):
        response = getattr(client, method)(url, {"active": "0", "name": "X", "type": "admin"})
        assert response.status_code == 403, (method, url)
    target.refresh_from_db()
    assert target.is_active
    assert UserGroup.objects.filter(name="X").count() == 0


def test_every_account_view_sends_anonymous_users_to_login(client, target, group):
    for method, url in _views(target, group):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/connexion/?next="), (method, url)
    assert User.objects.filter(pk=target.pk).exists()


def test_the_settings_menu_entry_only_shows_to_administrators(client, admin):
    client.force_login(UserFactory(group_type=UserGroupType.SALES_MANAGER))
    assert "/parametres/" not in client.get("/").content.decode()
    client.force_login(admin)
    assert 'href="/parametres/"' in client.get("/").content.decode()


# --- creation -------------------------------------------------------------------------


def test_administrator_creates_an_account_and_the_person_is_invited(
    admin_client, django_capture_on_commit_callbacks
):
    """ORG-3: creation by an account manager; invitation email with a set-password link."""
    vendeurs = UserGroupFactory(type=UserGroupType.SALESPERSON, name="Vendeurs")
    pdv = PointOfSaleFactory(name="Horizon Gerland")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/parametres/comptes/nouveau/",
            {
                "email": "Nouveau.Vendeur@Example.test",
                "last_name": "Petit",
                "first_name": "Hugo",
                "phone": "06 00 00 00 01",
                "user_groups": [vendeurs.pk],
                "points_of_sale": [pdv.pk],
                "rights": [_right("validate_orders").pk],
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/parametres/comptes/"

    account = User.objects.get(email="nouveau.vendeur@example.test")
    assert account.is_pending_activation
    assert list(account.groups.values_list("name", flat=True)) == ["Vendeurs"]
    assert list(account.points_of_sale.all()) == [pdv]
    assert account.has_perm("accounts.validate_orders")
    assert not account.has_perm("accounts.manage_accounts")

    # The list shows it as pending activation, with its group and point of sale.
    listing = admin_client.get("/parametres/comptes/").content.decode()
    row = re.search(r"<tr>\s*<td><a[^>]*>Petit Hugo</a>.*?</tr>", listing, re.S).group(0)
    assert "En attente d'activation" in row
    assert "Vendeurs" in row and "Horizon Gerland" in row
    pending = admin_client.get("/parametres/comptes/?state=pending").content.decode()
    assert "Petit Hugo" in pending

    # The home tile counts it.
    tile = admin_client.get("/accueil/tuiles/accounts-pending-activation/")
    assert re.search(r'<span class="tile-count">1</span>', tile.content.decode())

    # The invitation: a real email with a link to choose the password.
    record = OutboundEmail.objects.get(kind="account_invitation")
    assert record.to == "nouveau.vendeur@example.test"
    assert record.status == OutboundEmail.Status.SENT
    (message,) = mail.outbox
    assert message.to == ["nouveau.vendeur@example.test"]
    link = re.search(r"https?://[^/\s]+(/reinitialiser/\S+/)", message.body).group(1)

    admin_client.post("/deconnexion/")
    form = admin_client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    done = admin_client.post(
        set_url, {"new_password1": "Premier-Mdp-2024", "new_password2": "Premier-Mdp-2024"}
    )
    assert done["Location"] == "/reinitialiser/termine/"
    account.refresh_from_db()
    assert not account.is_pending_activation
    login = admin_client.post(
        "/connexion/", {"username": account.email, "password": "Premier-Mdp-2024"}
    )
    assert login.status_code == 302


def test_creation_with_an_existing_email_keeps_the_input_and_says_why(admin_client, target):
    response = admin_client.post(
        "/parametres/comptes/nouveau/",
        {"email": target.email.upper(), "last_name": "Doublon", "first_name": "Léa"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'<div class="field field-invalid">.*?</div>', html, re.S).group(0)
    assert "Un compte existe déjà avec cet email." in field
    assert 'value="Doublon"' in html
    assert User.objects.filter(last_name="Doublon").count() == 0
    assert not OutboundEmail.objects.exists()


def test_account_management_right_cannot_go_to_a_non_admin_user(admin_client):
    """ORG-3: the account-management right can only be granted to platform administrators."""
    vendeurs = UserGroupFactory(type=UserGroupType.SALESPERSON)
    response = admin_client.post(
        "/parametres/comptes/nouveau/",
        {
            "email": "pirate@example.test",
            "last_name": "Pirate",
            "first_name": "Paul",
            "user_groups": [vendeurs.pk],
            "rights": [_right("manage_accounts").pk],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "qu&#x27;à un administrateur de plateforme" in html
    assert 'value="pirate@example.test"' in html
    assert not User.objects.filter(email="pirate@example.test").exists()
    assert not OutboundEmail.objects.exists()


def test_account_management_right_cannot_be_added_to_an_existing_non_admin(admin_client, target):
    groups = list(target.groups.values_list("pk", flat=True))
    response = admin_client.post(
        f"/parametres/comptes/{target.pk}/",
        {
            "last_name": target.last_name,
            "first_name": target.first_name,
            "user_groups": groups,
            "rights": [_right("manage_accounts").pk],
        },
    )
    assert response.status_code == 400
    assert "qu&#x27;à un administrateur de plateforme" in response.content.decode()
    target.refresh_from_db()
    assert not target.has_perm("accounts.manage_accounts")


def test_account_management_right_can_go_to_an_administrator(admin_client, target):
    admins = UserGroupFactory(type=UserGroupType.ADMIN, name="Admins 2")
    response = admin_client.post(
        f"/parametres/comptes/{target.pk}/",
        {
            "last_name": target.last_name,
            "first_name": target.first_name,
            "user_groups": [admins.pk],
            "rights": [_right("manage_accounts").pk],
        },
    )
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.has_perm("accounts.manage_accounts")


def test_account_management_right_cannot_go_to_a_non_admin_group(admin_client, group):
    response = admin_client.post(
        f"/parametres/groupes/{group.pk}/",
        {
            "name": group.name,
            "type": UserGroupType.SALESPERSON,
            "rights": [_right("manage_accounts").pk],
        },
    )
    assert response.status_code == 400
    assert "groupe d&#x27;administrateurs de plateforme" in response.content.decode()
    assert not group.permissions.exists()

    response = admin_client.post(
        "/parametres/groupes/nouveau/",
        {
            "name": "Chefs",
            "type": UserGroupType.SALES_MANAGER,
            "rights": [_right("manage_accounts").pk],
        },
    )
    assert response.status_code == 400
    assert 'value="Chefs"' in response.content.decode()
    assert not UserGroup.objects.filter(name="Chefs").exists()


def test_a_group_loses_the_right_when_it_stops_being_an_admin_group(admin_client):
    admins = UserGroupFactory(
        type=UserGroupType.ADMIN, name="Ex-admins", rights=["manage_accounts"]
    )
    response = admin_client.post(
        f"/parametres/groupes/{admins.pk}/",
        {
            "name": "Ex-admins",
            "type": UserGroupType.SECRETARY,
            "rights": [_right("manage_accounts").pk],
        },
    )
    assert response.status_code == 400
    admins.refresh_from_db()
    assert admins.type == UserGroupType.ADMIN


def test_administrator_creates_and_edits_a_group_with_rights(admin_client):
    response = admin_client.post(
        "/parametres/groupes/nouveau/",
        {
            "name": "Gestion parc Lyon",
            "type": UserGroupType.FLEET_MANAGER,
            "rights": [_right("change_vehicle_configuration").pk, _right("access_vn").pk],
        },
    )
    assert response.status_code == 302
    created = UserGroup.objects.get(name="Gestion parc Lyon")
    assert created.type == UserGroupType.FLEET_MANAGER
    assert set(created.permissions.values_list("codename", flat=True)) == {
        "change_vehicle_configuration",
        "access_vn",
    }
    member = UserFactory()
    member.groups.add(created)
    assert User.objects.get(pk=member.pk).has_perm("accounts.change_vehicle_configuration")
    listing = admin_client.get("/parametres/groupes/").content.decode()
    assert "Gestion parc Lyon" in listing
    assert "Droit de modifier la configuration des véhicules" in listing


# --- deactivate, reactivate, delete ------------------------------------------------------


def test_deactivate_then_reactivate_an_account(admin_client, target):
    client = Client()  # the person's own browser, beside the administrator's
    response = admin_client.post(f"/parametres/comptes/{target.pk}/activation/", {"active": "0"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert "Compte désactivé." in admin_client.get(response["Location"]).content.decode()
    # A deactivated account cannot log in any more.
    assert (
        client.post("/connexion/", {"username": target.email, "password": PASSWORD}).status_code
        == 200
    )
    listing = admin_client.get("/parametres/comptes/?state=inactive").content.decode()
    assert target.last_name in listing and "Désactivé" in listing

    admin_client.post(f"/parametres/comptes/{target.pk}/activation/", {"active": "1"})
    target.refresh_from_db()
    assert target.is_active
    assert (
        client.post("/connexion/", {"username": target.email, "password": PASSWORD}).status_code
        == 302
    )


def test_a_deactivated_user_loses_the_open_session(admin_client, target):
    client = Client()
    client.force_login(target)
    assert client.get("/").status_code == 200
    admin_client.post(f"/parametres/comptes/{target.pk}/activation/", {"active": "0"})
    assert client.get("/").status_code == 302


def test_a_session_opened_before_deactivation_is_not_revived_by_reactivation(admin_client, target):
    """Security finding (#12): deactivating ends the sessions; reactivating does not bring
    them back — the person logs in again."""
    browser = Client()
    assert (
        browser.post("/connexion/", {"username": target.email, "password": PASSWORD}).status_code
        == 302
    )
    assert browser.get("/").status_code == 200
    admin_client.post(f"/parametres/comptes/{target.pk}/activation/", {"active": "0"})
    admin_client.post(f"/parametres/comptes/{target.pk}/activation/", {"active": "1"})

    assert browser.get("/").status_code == 302
    assert (
        browser.post("/connexion/", {"username": target.email, "password": PASSWORD}).status_code
        == 302
    )
    assert browser.get("/").status_code == 200


def test_an_unchanged_account_keeps_its_sessions(admin_client, target):
    """Saving an active account again (reactivating an active one) ends nothing."""
    browser = Client()
    browser.force_login(target)
    admin_client.post(f"/parametres/comptes/{target.pk}/activation/", {"active": "1"})
    assert browser.get("/").status_code == 200


def test_delete_an_account(admin_client, target):
    confirm = admin_client.get(f"/parametres/comptes/{target.pk}/supprimer/")
    assert confirm.status_code == 200
    assert "supprimé définitivement" in confirm.content.decode()
    assert User.objects.filter(pk=target.pk).exists()  # GET changes nothing
    response = admin_client.post(f"/parametres/comptes/{target.pk}/supprimer/")
    assert response.status_code == 302
    assert response["Location"] == "/parametres/comptes/"
    assert not User.objects.filter(pk=target.pk).exists()


def test_administrator_cannot_deactivate_or_delete_self(admin_client, admin):
    response = admin_client.post(f"/parametres/comptes/{admin.pk}/activation/", {"active": "0"})
    assert response.status_code == 302
    assert (
        "Vous ne pouvez pas désactiver votre propre compte."
        in admin_client.get(response["Location"]).content.decode()
    )
    response = admin_client.post(f"/parametres/comptes/{admin.pk}/supprimer/")
    assert (
        "Vous ne pouvez pas supprimer votre propre compte."
        in admin_client.get(response["Location"]).content.decode()
    )
    admin.refresh_from_db()
    assert admin.is_active


def test_administrator_cannot_remove_own_admin_group(admin_client, admin):
    response = admin_client.post(
        f"/parametres/comptes/{admin.pk}/",
        {"last_name": admin.last_name, "first_name": admin.first_name, "user_groups": []},
    )
    assert response.status_code == 400
    assert "votre propre accès administrateur" in response.content.decode()
    assert admin.groups.filter(usergroup__type=UserGroupType.ADMIN).exists()


def test_unknown_account_is_404(admin_client):
    assert admin_client.get("/parametres/comptes/999999/").status_code == 404


# --- list -------------------------------------------------------------------------------


def test_user_list_filters(admin_client):
    UserFactory(last_name="Zidane", group_type=UserGroupType.DIRECTOR)
    UserFactory(last_name="Henry", group_type=UserGroupType.SALESPERSON)
    html = admin_client.get("/parametres/comptes/?q=zid").content.decode()
    assert "Zidane" in html and "Henry" not in html
    html = admin_client.get("/parametres/comptes/?type=vendeur").content.decode()
    assert "Henry" in html and "Zidane" not in html
    partial = admin_client.get("/parametres/comptes/?q=henry", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "Henry" in body and "<html" not in body


def test_user_list_query_count_does_not_grow_with_rows(admin_client):
    """X-2: the list's query count does not depend on the number of rows."""
    pdv = PointOfSaleFactory()

    def add(n):
        for _ in range(n):
            UserFactory(group_type=UserGroupType.SALESPERSON, points_of_sale=[pdv])

    # With the administrator: 5 users, then 25.
    assert_list_queries(admin_client, "/parametres/comptes/", add, budget=10, few=4, many=24)
    assert User.objects.count() == 25
    assert_list_queries(admin_client, "/parametres/comptes/?type=vendeur", add, budget=10)


def test_group_list_query_count_does_not_grow_with_rows(admin_client):
    rights = iter([["access_vn"]] * 2 + [["access_vn", "validate_orders"]] * 10)

    def add(n):
        for _ in range(n):
            UserGroupFactory(rights=next(rights))

    assert_list_queries(admin_client, "/parametres/groupes/", add, budget=7, partial=False)


def test_an_account_kept_by_history_is_not_deleted_but_explained(admin_client, target, monkeypatch):
    """Accounts referenced by protected records (orders …) must be deactivated instead."""
    from django.db.models import ProtectedError

    def protected(self, *args, **kwargs):
        raise ProtectedError("référencé", set())

    monkeypatch.setattr(User, "delete", protected)
    response = admin_client.post(f"/parametres/comptes/{target.pk}/supprimer/")
    assert response.status_code == 302
    assert response["Location"] == f"/parametres/comptes/{target.pk}/"
    page = admin_client.get(response["Location"]).content.decode()
    assert "désactivez-le plutôt" in page
    assert User.objects.filter(pk=target.pk).exists()
