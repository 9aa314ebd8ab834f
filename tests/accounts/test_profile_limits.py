"""Hostile input on the profile (X-4): a too long address is a message, never a 500."""

import pytest

from openflex.accounts.models import SecurityCode

pytestmark = pytest.mark.django_db


def test_a_too_long_new_email_is_refused_next_to_the_field(client, user):
    client.force_login(user)
    typed = "x" * 300 + "@example.fr"
    response = client.post("/profil/", {"action": "email", "new_email": typed})
    assert response.status_code == 400
    assert "254 caractères" in response.content.decode()
    assert not SecurityCode.objects.exists()
