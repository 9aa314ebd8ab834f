"""P-1: Paramètres > Opportunités > Parcours de vente digitalisé — administrators only;
the passphrases are stored encrypted and never shown back ("se termine par …")."""

import pytest
from django.db import connection
from django.urls import reverse

from payments.transactions.models import PaymentConfiguration
from tests.accounts.factories import admin_user

pytestmark = pytest.mark.django_db

VALUES = {
    "provider": "ingenico",
    "pspid": "MYPSPID",
    "sha_in": "In-Passphrase-1234",
    "sha_out": "Out-Passphrase-5678",
    "hash_algorithm": "sha512",
    "mode": "test",
    "api_user": "",
    "api_password": "",
}


def test_only_administrators(client, manager, pos):
    client.force_login(manager)
    assert client.get(reverse("payments:configuration")).status_code == 403
    assert client.get(reverse("payments:configuration_edit", args=[pos.pk])).status_code == 403
    assert (
        client.post(reverse("payments:configuration_edit", args=[pos.pk]), VALUES).status_code
        == 403
    )
    assert not PaymentConfiguration.objects.exists()


def test_configure_encrypted_and_never_shown_back(client, pos):
    admin = admin_user()
    client.force_login(admin)
    url = reverse("payments:configuration_edit", args=[pos.pk])
    assert client.post(url, VALUES).status_code == 302
    config = PaymentConfiguration.objects.get(point_of_sale=pos)
    assert config.sha_in == "In-Passphrase-1234" and config.configured_by == admin
    with connection.cursor() as cursor:
        cursor.execute("SELECT sha_in, sha_out FROM payments_paymentconfiguration")
        stored = cursor.fetchone()
    assert all(value.startswith("fernet:") and "Passphrase" not in value for value in stored)
    listing = client.get(reverse("payments:configuration")).content.decode()
    form = client.get(url).content.decode()
    for page in (listing, form):
        assert "In-Passphrase-1234" not in page and "Out-Passphrase-5678" not in page
        assert "…1234" in page and "…5678" in page
    assert "configurée le" in listing.lower()


def test_blank_secrets_keep_the_stored_ones(client, pos):
    client.force_login(admin_user())
    url = reverse("payments:configuration_edit", args=[pos.pk])
    client.post(url, VALUES)
    response = client.post(url, {**VALUES, "sha_in": "", "sha_out": "", "pspid": "OTHER"})
    assert response.status_code == 302
    config = PaymentConfiguration.objects.get(point_of_sale=pos)
    assert config.pspid == "OTHER" and config.sha_in == "In-Passphrase-1234"


def test_bad_input_is_shown_next_to_the_field_and_nothing_changes(client, pos):
    client.force_login(admin_user())
    url = reverse("payments:configuration_edit", args=[pos.pk])
    response = client.post(url, {**VALUES, "sha_in": "", "pspid": "KEPT-PSPID", "sha_out": "short"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce champ est obligatoire" in body and "Au moins 8 caractères" in body
    assert 'value="KEPT-PSPID"' in body
    assert not PaymentConfiguration.objects.exists()


def test_remove_the_configuration(client, pos):
    client.force_login(admin_user())
    url = reverse("payments:configuration_edit", args=[pos.pk])
    client.post(url, VALUES)
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not PaymentConfiguration.objects.exists()


def test_the_section_is_listed_for_administrators(client):
    client.force_login(admin_user())
    page = client.get(reverse("configuration:index")).content.decode()
    assert "Parcours de vente digitalisé — e-paiement" in page
