"""Home page tiles (issue 2; X-2: every tile count is one query; ORG-2: visibility)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openflex.accounts.models import User, UserGroupType
from openflex.home import tiles as registry
from openflex.home.tiles import Tile
from openflex.notifications.services import notification_create
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_RIGHTS = [
    "manage_accounts",
    "change_vehicle_configuration",
    "access_vn",
    "validate_orders",
    "validate_tradeins",
    "validate_transfers",
]


def _user_count(user) -> int:
    return User.objects.filter(is_active=True).count()


@pytest.fixture
def test_tiles():
    """Two tiles of this test module: one for sales managers, one needing the VN right."""
    added = [
        Tile(
            key="test-managers-only",
            title="Tuile chefs des ventes",
            count=_user_count,
            url=lambda user: "/",
            group_types=frozenset({UserGroupType.SALES_MANAGER}),
            order=1,
        ),
        Tile(
            key="test-vn-right",
            title="Tuile droit VN",
            count=_user_count,
            url=lambda user: "/",
            permission="accounts.access_vn",
            order=2,
        ),
    ]
    for tile in added:
        registry.register(tile)
    yield added
    for tile in added:
        registry._registry.pop(tile.key, None)


def _home_tile_keys(client) -> list[str]:
    response = client.get("/")
    assert response.status_code == 200
    return re.findall(r'hx-get="/accueil/tuiles/([\w-]+)/"', response.content.decode())


def test_home_lists_only_the_tiles_the_user_may_see(client, test_tiles):
    """ORG-2: by user-group type and by right."""
    salesperson = UserFactory(group_type=UserGroupType.SALESPERSON)
    client.force_login(salesperson)
    keys = _home_tile_keys(client)
    assert "unread-notifications" in keys  # everyone
    assert "test-managers-only" not in keys  # group type
    assert "test-vn-right" not in keys  # right
    assert "accounts-pending-activation" not in keys

    manager = UserFactory(group_type=UserGroupType.SALES_MANAGER, rights=["access_vn"])
    client.force_login(manager)
    keys = _home_tile_keys(client)
    assert {"test-managers-only", "test-vn-right", "unread-notifications"} <= set(keys)
    assert "accounts-pending-activation" not in keys
    assert keys.index("test-managers-only") < keys.index("unread-notifications")  # by order


def test_administrator_sees_the_account_tile(admin_client):
    keys = _home_tile_keys(admin_client)
    assert "accounts-pending-activation" in keys
    html = admin_client.get("/").content.decode()
    assert "Comptes en attente d&#x27;activation" in html


def test_home_loads_the_tiles_lazily_without_counting(client, test_tiles):
    """The page only lists the tiles; each count comes from its own request."""
    client.force_login(UserFactory(group_type=UserGroupType.SALES_MANAGER, rights=["access_vn"]))
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/").content.decode()
    assert 'class="tile tile-loading"' in html
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_tile_endpoint_returns_the_count_and_the_link(client):
    user = UserFactory()
    for i in range(3):
        notification_create(recipient=user, kind="test", title=f"Alerte {i}")
    notification_create(recipient=UserFactory(), kind="test", title="Pas pour moi")
    client.force_login(user)
    response = client.get("/accueil/tuiles/unread-notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="tile-count">3</span>' in html
    assert 'href="/notifications/?unread=1"' in html
    assert 'data-tile="unread-notifications"' in html


def test_tile_endpoint_is_forbidden_to_who_may_not_see_it(client, test_tiles):
    client.force_login(UserFactory(group_type=UserGroupType.SALESPERSON))
    assert client.get("/accueil/tuiles/test-managers-only/").status_code == 403
    assert client.get("/accueil/tuiles/test-vn-right/").status_code == 403
    assert client.get("/accueil/tuiles/accounts-pending-activation/").status_code == 403


def test_tile_endpoint_unknown_key_is_404(client, user):
    client.force_login(user)
    assert client.get("/accueil/tuiles/pas-une-tuile/").status_code == 404


def test_tile_endpoint_and_home_send_anonymous_users_to_login(client):
    for url in ("/", "/accueil/tuiles/unread-notifications/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")


def _queries(client, key: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/accueil/tuiles/{key}/")
    assert response.status_code == 200, key
    return [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def everyone(client):
    """A user of every group type holding every right: sees every tile."""
    user = UserFactory(group_type=UserGroupType.ADMIN, rights=ALL_RIGHTS)
    for group_type in UserGroupType.values:
        if group_type != UserGroupType.ADMIN:
            user.groups.add(UserFactory(group_type=group_type).groups.get())
    client.force_login(user)
    return client


def _control_of(tile: Tile) -> Tile:
    """The same tile (same visibility rules, same link) whose count costs nothing."""
    return Tile(
        key=f"control-{tile.key}",
        title="Contrôle",
        count=lambda user: 0,
        url=tile.url,
        group_types=tile.group_types,
        permission=tile.permission,
        allowed=tile.allowed,
    )


def _measure(client, tile: Tile) -> tuple[list[str], list[str]]:
    control = registry.register(_control_of(tile))
    try:
        _queries(client, tile.key)  # warm-up: content types and other process caches
        return _queries(client, tile.key), _queries(client, control.key)
    finally:
        registry._registry.pop(control.key, None)


def _count_queries(queries: list[str]) -> list[str]:
    return [q for q in queries if "COUNT(" in q.upper()]


@pytest.mark.parametrize("key", ["accounts-pending-activation", "unread-notifications"])
def test_foundation_tile_count_is_exactly_one_query(everyone, key):
    """X-2: the tile view costs what any tile view costs, plus exactly one count query."""
    with_count, without_count = _measure(everyone, registry.tile_get(key))
    assert len(with_count) == len(without_count) + 1, with_count
    assert len(_count_queries(with_count)) == len(_count_queries(without_count)) + 1


@pytest.mark.parametrize("key", sorted(t.key for t in registry.all_tiles()))
def test_every_registered_tile_counts_with_a_single_count_query(everyone, key):
    """X-2, for the tiles of every module: at most one COUNT (none when the answer is
    known without asking), never a query per row; scope lookups stay few."""
    with_count, without_count = _measure(everyone, registry.tile_get(key))
    assert len(_count_queries(with_count)) - len(_count_queries(without_count)) <= 1, with_count
    assert len(with_count) - len(without_count) <= 3, with_count


def test_tile_view_query_budget(client, django_assert_num_queries):
    """The unread-notifications tile: session, user, group types, count."""
    client.force_login(UserFactory())
    client.get("/accueil/tuiles/unread-notifications/")
    with django_assert_num_queries(3):  # session, user, count (no type nor right needed)
        client.get("/accueil/tuiles/unread-notifications/")
