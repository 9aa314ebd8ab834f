"""One safe ``next``/``back`` rule (``openflex.core.redirects.safe_next``, issue 11), used
by the sale side's actions, the late vehicles' "Gérer le statut" and the notifications.
The order actions are pinned in tests/opportunities/test_hostile_input.py, the late
vehicles' view in tests/vehicles/delays/test_delay_views.py."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from openflex.core.redirects import safe_next
from openflex.notifications.services import notification_create
from tests.accounts.factories import UserFactory

UNSAFE = [
    "https://evil.test/x",
    "//evil.test/",
    "/\\evil.test/",
    "\\\\evil.test",
    "javascript:alert(1)",
    "http://testserver/ok",
    "",
    None,
]


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_targets_fall_back(url):
    request = RequestFactory().get("/")
    assert safe_next(request, url, "/fallback/") == "/fallback/"


def test_a_path_of_this_site_is_kept():
    request = RequestFactory().get("/")
    assert safe_next(request, "/commandes/?page=2", "/fallback/") == "/commandes/?page=2"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://evil.test/x", "//evil.test/", "/\\evil.test/"])
def test_a_notification_never_opens_another_site(client, url):
    user = UserFactory()
    notification = notification_create(recipient=user, kind="k", title="T", url=url)
    client.force_login(user)

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
