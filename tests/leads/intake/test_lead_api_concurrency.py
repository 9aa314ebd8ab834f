"""Two partners' servers post the same lead at once (L-1): one task, both get its id."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from leads.inbox.models import LeadTask
from leads.inbox.services import lead_reference_ensure
from tests.accounts.factories import PointOfSaleFactory
from tests.leads.factories import LeadSourceFactory, api_key_for


@pytest.mark.django_db(transaction=True)
def test_the_same_external_id_posted_concurrently_is_one_task():
    lead_reference_ensure()
    source = LeadSourceFactory(default_point_of_sale=PointOfSaleFactory())
    key = api_key_for(source)
    payload = json.dumps({"external_id": "RACE-1", "last_name": "Dupont"})
    for attempt in range(3):
        barrier = threading.Barrier(4)
        answers, errors = [], []

        def post(body=payload.replace("RACE-1", f"RACE-{attempt}")):
            try:
                barrier.wait()
                response = Client().post(
                    "/api/leads/",
                    body,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {key}",
                )
                answers.append((response.status_code, response.json()))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=post) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        statuses = sorted(status for status, _body in answers)
        assert statuses == [200, 200, 200, 201], answers
        assert len({body["id"] for _status, body in answers}) == 1
        assert LeadTask.objects.filter(external_id=f"RACE-{attempt}").count() == 1
