"""The leads' demo data (L-1): the documented key lands a lead at Horizon Lyon Gerland."""

import json

import pytest

from leads import demo
from leads.inbox.models import LeadTask
from openflex.accounts import demo as accounts_demo

pytestmark = pytest.mark.django_db


def test_demo_key_and_tasks_in_every_state(client):
    accounts_demo.seed(log=lambda *a: None)
    demo.seed(log=lambda *a: None)
    demo.seed(log=lambda *a: None)  # idempotent
    tasks = LeadTask.objects.filter(external_id__startswith=demo.MARKER)
    assert tasks.count() == 150
    assert {t.state for t in tasks} == {"ouverte", "terminee"}
    assert {t.status.code for t in tasks} >= {"nouveau", "suivi", "rendez-vous", "sans-suite"}
    assert tasks.filter(neglected_at__isnull=False).exists()
    assert tasks.filter(next_reminder_at__isnull=False).exists()
    response = client.post(
        "/api/leads/",
        json.dumps({"external_id": "curl-1", "last_name": "Durand"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer demo-lead-key",
    )
    assert response.status_code == 201
    assert LeadTask.objects.get(pk=response.json()["id"]).point_of_sale.code == 61
