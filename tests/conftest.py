import pytest

from tests.accounts.factories import UserFactory, admin_user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def admin(db):
    return admin_user()


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client
