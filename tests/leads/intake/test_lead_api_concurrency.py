"""Two partners' servers post the same lead at once (L-1): one task, all get its id."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from leads.inbox.models import LeadTask
from leads.inbox.services import lead_reference_ensure
from tests.accounts.factories import PointOfSaleFactory
from tests.leads.factories import LeadSourceFactory, api_key_for

POSTERS = 4


def _race(key: str, external_id: str) -> tuple[list, list]:
    """POSTERS threads, each with its own connection, post the same lead at once."""
    barrier = threading.Barrier(POSTERS)
    answers, errors = [], []
    body = json.dumps({"external_id": external_id, "last_name": "Dupont"})

    def post():
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

    threads = [threading.Thread(target=post) for _ in range(POSTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_external_id_posted_concurrently_is_one_task():
    lead_reference_ensure()
    source = LeadSourceFactory(default_point_of_sale=PointOfSaleFactory())
    key = api_key_for(source)
    for attempt in range(3):
        answers, errors = _race(key, f"RACE-{attempt}")
        assert errors == []
        statuses = sorted(status for status, _body in answers)
        assert statuses == [200] * (POSTERS - 1) + [201], answers
        assert len({body["id"] for _status, body in answers}) == 1
        assert LeadTask.objects.filter(external_id=f"RACE-{attempt}").count() == 1
