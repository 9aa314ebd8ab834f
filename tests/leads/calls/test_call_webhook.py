"""The telephony webhook ``POST /api/calls/`` (L-3): authentication, validation, tasks
created per the tracking number's settings, the caller matched to a customer and to an
open task, repeated missed calls added to the open task, idempotence on the call id."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from leads.calls.models import Call
from leads.inbox import services as inbox
from leads.inbox.models import LeadStatus, LeadTag, LeadTask, LeadTaskEvent
from leads.intake.services import api_key_create, api_key_revoke
from tests.accounts.factories import EntityFactory, PointOfSaleFactory, admin_user
from tests.leads.calls.factories import TrackingNumberFactory, phone_source
from tests.opportunities.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/calls/"
KEY = "ofk_test-telephony-key-0123456789"


@pytest.fixture
def source():
    source = phone_source()
    api_key_create(source=source, by=None, raw=KEY)
    return source


@pytest.fixture
def api(source):
    return Client(HTTP_AUTHORIZATION=f"Bearer {KEY}")


@pytest.fixture
def number():
    return TrackingNumberFactory(number="+33478000001", label="Site web Lyon")


def _post(client, **fields):
    payload = {
        "call_id": "c-1",
        "called": "+33478000001",
        "caller": "06 12 34 56 78",
        "started_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "duration": 0,
        "answered": False,
        **fields,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post(URL, json.dumps(payload), content_type="application/json")


# --- Authentication and validation ----------------------------------------------------


def test_without_a_key_the_webhook_answers_401(number, source):
    assert _post(Client()).status_code == 401
    assert Call.objects.count() == 0


def test_a_bad_or_revoked_key_answers_401(number, source):
    bad = Client(HTTP_AUTHORIZATION="Bearer nope")
    assert _post(bad).status_code == 401
    key = source.api_keys.get()
    api_key_revoke(key=key, by=admin_user())
    assert _post(Client(HTTP_AUTHORIZATION=f"Bearer {KEY}")).status_code == 401
    assert Call.objects.count() == 0


def test_each_bad_field_is_listed_with_422(api, number):
    response = api.post(
        URL,
        json.dumps({"called": "", "started_at": "hier", "duration": -3}),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert {"call_id", "called", "started_at", "duration", "answered"} <= fields


def test_a_number_that_is_not_a_tracking_number_is_refused(api, number):
    response = _post(api, called="+33499999999")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "called"
    number.is_active = False
    number.save(update_fields=["is_active"])
    assert _post(api).status_code == 422
    assert Call.objects.count() == 0


def test_a_body_that_does_not_parse_or_is_too_big(api, number):
    assert api.post(URL, "{", content_type="application/json").status_code == 400
    big = _post(api, summary="x" * 70_000)
    assert big.status_code == 413


# --- Tasks per the number's settings ----------------------------------------------------


def test_a_missed_call_creates_a_new_open_task_by_default(api, number, source):
    """L-3: missed call → task (status Nouveau, state Ouverte), the caller in E.164, the
    source of the provider's key, the number's tags."""
    vo = LeadTag.objects.get(code="vo")
    number.tags.set([vo])
    response = _post(api)
    assert response.status_code == 201
    call = Call.objects.get()
    assert response.json() == {"id": call.pk, "task": call.task_id}
    task = call.task
    assert call.task_link == Call.TaskLink.CREATED
    assert (task.status.code, task.state) == (LeadStatus.NEW, LeadTask.State.OPEN)
    assert task.point_of_sale == number.point_of_sale
    assert task.mobile == call.caller == "+33612345678"
    assert task.source == source
    assert list(task.tags.all()) == [vo]
    assert task.received_at == call.started_at
    assert "Appel manqué" in task.events.get(kind=LeadTaskEvent.Kind.CREATED).message


def test_a_missed_call_creates_no_task_when_the_setting_says_so(api, number):
    number.missed_creates_task = False
    number.save(update_fields=["missed_creates_task"])
    response = _post(api)
    assert response.status_code == 201
    assert response.json()["task"] is None
    assert LeadTask.objects.count() == 0
    assert Call.objects.get().task_link == ""


def test_a_connected_call_creates_a_task_with_its_own_status_and_state(api, number):
    """Connected calls: Suivi / Terminée as set; the summary is the task's message."""
    number.connected_creates_task = True
    number.connected_task_status = LeadStatus.FOLLOW_UP
    number.connected_task_state = LeadTask.State.DONE
    number.save()
    response = _post(api, answered=True, duration=125, summary="Veut essayer le 3008.")
    assert response.status_code == 201
    call = Call.objects.get()
    assert call.answered and call.duration_seconds == 125
    task = call.task
    assert (task.status.code, task.state) == (LeadStatus.FOLLOW_UP, LeadTask.State.DONE)
    assert task.message == "Veut essayer le 3008."


def test_a_connected_call_creates_no_task_by_default(api, number):
    assert _post(api, answered=True, duration=40).status_code == 201
    assert LeadTask.objects.count() == 0


def test_missed_call_status_suivi_and_state_terminee(api, number):
    number.missed_task_status = LeadStatus.FOLLOW_UP
    number.missed_task_state = LeadTask.State.DONE
    number.save()
    _post(api)
    task = LeadTask.objects.get()
    assert (task.status.code, task.state) == (LeadStatus.FOLLOW_UP, LeadTask.State.DONE)


# --- Idempotence --------------------------------------------------------------------------


def test_the_same_call_id_twice_records_one_call_and_one_task(api, number):
    first = _post(api)
    second = _post(api, caller="+33700000000", answered=True)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Call.objects.count() == 1 and LeadTask.objects.count() == 1


def test_two_providers_may_use_the_same_call_id(api, number):
    other = phone_source("Autre opérateur")
    api_key_create(source=other, by=None, raw="ofk_other-provider-key-987654")
    _post(api)
    response = _post(Client(HTTP_AUTHORIZATION="Bearer ofk_other-provider-key-987654"))
    assert response.status_code == 201
    assert Call.objects.count() == 2


# --- Caller matching ----------------------------------------------------------------------


def test_repeated_missed_calls_while_a_task_is_open_add_to_that_task(api, number):
    """L-3: a second and third missed call from the same caller → no new task, an event
    "Appel manqué" on the open task each time."""
    task_id = _post(api, call_id="c-1").json()["task"]
    second = _post(api, call_id="c-2", caller="+33 6 12 34 56 78")
    third = _post(api, call_id="c-3", caller="0612345678")
    assert second.json()["task"] == third.json()["task"] == task_id
    assert LeadTask.objects.count() == 1
    calls = Call.objects.order_by("pk")
    assert [c.task_link for c in calls] == ["created", "joined", "joined"]
    events = LeadTaskEvent.objects.filter(task_id=task_id, kind=LeadTaskEvent.Kind.CALL)
    assert events.count() == 2
    assert all("Appel manqué" in e.message for e in events)


def test_a_call_joins_the_open_task_of_the_point_of_sale_created_otherwise(api, number):
    """An open web lead of the same mobile at the point of sale: the call joins it."""
    task = inbox.lead_task_create(
        point_of_sale=number.point_of_sale, last_name="Durand", mobile="06 12 34 56 78"
    )
    response = _post(api)
    assert response.json()["task"] == task.pk
    assert Call.objects.get().task_link == Call.TaskLink.JOINED


def test_a_finished_task_is_not_joined_a_new_one_is_created(api, number):
    first = LeadTask.objects.get(pk=_post(api, call_id="c-1").json()["task"])
    inbox.lead_task_finish(task=first, by=None)
    second = _post(api, call_id="c-2").json()["task"]
    assert second != first.pk
    assert LeadTask.objects.count() == 2


def test_an_open_task_of_another_point_of_sale_is_not_joined(api, number):
    inbox.lead_task_create(
        point_of_sale=PointOfSaleFactory(), last_name="Durand", mobile="0612345678"
    )
    _post(api)
    assert LeadTask.objects.count() == 2
    assert Call.objects.get().task_link == Call.TaskLink.CREATED


def test_the_caller_is_matched_to_a_customer_of_the_same_entity(api, number):
    """The customer's mobile typed "06 12 34 56 78" matches +33612345678; the task takes
    the customer's name and email."""
    pos = number.point_of_sale
    sister = PointOfSaleFactory(entity=pos.entity)
    customer = CustomerFactory(
        point_of_sale=sister, mobile="06 12 34 56 78", last_name="Lefèvre", first_name="Anne"
    )
    _post(api)
    call = Call.objects.select_related("task").get()
    assert call.customer == customer
    assert (call.task.last_name, call.task.first_name) == ("Lefèvre", "Anne")
    assert call.task.email == customer.email


def test_a_customer_of_another_entity_is_never_matched(api, number):
    other = PointOfSaleFactory(entity=EntityFactory())
    CustomerFactory(point_of_sale=other, mobile="0612345678", last_name="Ailleurs")
    _post(api)
    call = Call.objects.select_related("task").get()
    assert call.customer is None
    assert call.task.last_name == ""


def test_a_hidden_caller_creates_a_task_named_numero_masque(api, number):
    response = _post(api, caller="anonymous")
    assert response.status_code == 201
    call = Call.objects.get()
    assert call.caller == ""
    assert call.task.last_name == "Numéro masqué"
    # A second hidden call is not "the same caller".
    _post(api, call_id="c-2", caller=None)
    assert LeadTask.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_call_posted_twice_at_once_records_it_once():
    """Two concurrent posts of one call id (real connections): one call, one task; both
    answers carry the same ids (the unique constraint and the number's lock decide)."""
    inbox.lead_reference_ensure()
    source = phone_source()
    api_key_create(source=source, by=None, raw=KEY)
    TrackingNumberFactory(number="+33478000001")
    answers = []
    barrier = threading.Barrier(2)

    def post():
        try:
            barrier.wait()
            client = Client(HTTP_AUTHORIZATION=f"Bearer {KEY}")
            response = _post(client, call_id="same")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _body in answers) == [200, 201]
    assert answers[0][1] == answers[1][1]
    assert Call.objects.count() == 1 and LeadTask.objects.count() == 1
