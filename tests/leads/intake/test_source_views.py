"""Paramètres > Leads entrants > Sources (L-1): a key shown once, stored hashed, revocable."""

import json

import pytest
from django.urls import reverse

from leads.intake.models import ApiKey, LeadSource
from tests.accounts.factories import PointOfSaleFactory, UserFactory, admin_user
from tests.leads.factories import LeadSourceFactory

pytestmark = pytest.mark.django_db


def test_create_a_source_then_a_key_shown_once(client):
    client.force_login(admin_user())
    pos = PointOfSaleFactory()
    category = LeadSource.objects.get(name="Saisie manuelle").category
    response = client.post(
        reverse("leads:sources"),
        {"name": "Site Peugeot", "category": category.pk, "default_point_of_sale": pos.pk,
         "is_active": "on"},
    )  # fmt: skip
    source = LeadSource.objects.get(name="Site Peugeot")
    assert response.status_code == 302
    url = reverse("leads:source_detail", args=[source.pk])
    page = client.post(url, {"do": "key", "label": "Production"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    secret = page.context["new_key"]
    assert secret.startswith("ofk_") and secret in page.content.decode()
    assert secret not in client.get(url).content.decode()  # never shown again
    key = ApiKey.objects.get()
    assert key.key_hash != secret and key.prefix == secret[:12]
    lead = client.post(
        "/api/leads/", json.dumps({"external_id": "1", "last_name": "A"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}",
    )  # fmt: skip
    assert lead.status_code == 201
    client.post(reverse("leads:key_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None
    again = client.post(
        "/api/leads/", json.dumps({"external_id": "2", "last_name": "A"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}",
    )  # fmt: skip
    assert again.status_code == 401


def test_a_source_with_a_bad_name_keeps_the_input(client):
    client.force_login(admin_user())
    LeadSourceFactory(name="Existante")
    response = client.post(reverse("leads:sources"), {"name": "Existante", "category": ""})
    assert response.status_code == 400
    assert {"name", "category"} <= set(response.context["form"].errors)


def test_only_administrators(client):
    source = LeadSourceFactory()
    client.force_login(UserFactory(group_type="directeur"))
    assert client.get(reverse("leads:sources")).status_code == 403
    assert client.get(reverse("leads:source_detail", args=[source.pk])).status_code == 403
