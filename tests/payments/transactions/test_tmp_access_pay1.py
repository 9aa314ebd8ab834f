import pytest
from django.test import Client

from tests.accounts import test_access_table as t

pytestmark = pytest.mark.django_db


def test_payments_rows():
    users, shared = t._world()
    t._users_by_kind.clear()
    t._users_by_kind.update(users)
    bad = []
    for name, route, _d in t._urls():
        if not name.startswith("payments:") or t.TABLE.get(name) == t.PUBLIC:
            continue
        for kind in t.KINDS:
            client = Client(raise_request_exception=True)
            client.force_login(users[kind])
            url = t._path(name, route, shared, users[kind])
            assert url, name
            method, status = t._probe(client, url, shared)
            allowed = status in (200, 302, 400)
            if allowed != (kind in t.TABLE[name]):
                bad.append((name, kind, method, status))
    assert bad == []
