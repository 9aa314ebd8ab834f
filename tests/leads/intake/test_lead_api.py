"""The lead API, POST /api/leads/ (L-1): authentication, validation, size, duplicates,
ADF/XML; the OpenAPI document."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from leads.inbox.models import LeadTask
from leads.intake import services as intake
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory, admin_user
from tests.leads.factories import LeadSourceFactory, api_key_for
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

URL = "/api/leads/"


@pytest.fixture
def pos():
    return PointOfSaleFactory(code=7061)


@pytest.fixture
def source(pos):
    return LeadSourceFactory(default_point_of_sale=pos)


@pytest.fixture
def key(source):
    return api_key_for(source)


def post(client, payload, key=None, content_type="application/json", **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(URL, body, content_type=content_type, **headers, **extra)


PAYLOAD = {
    "external_id": "W-1",
    "first_name": "Jean",
    "last_name": "Dupont",
    "email": "jean.dupont@example.test",
    "phone": "06 12 34 56 78",
    "message": "Bonjour",
    "tags": ["VO", "particulier"],
}


def test_a_lead_is_created_at_the_sources_point_of_sale(client, key, source, pos):
    """L-1: 201 with the task id; no point_of_sale → the source's default one."""
    response = post(client, PAYLOAD, key)
    assert response.status_code == 201, response.content
    task = LeadTask.objects.get(pk=response.json()["id"])
    assert task.point_of_sale == pos and task.source == source
    assert task.external_id == "W-1"
    assert task.mobile == "+33612345678"
    assert sorted(t.code for t in task.tags.all()) == ["particulier", "vo"]
    assert task.status.code == "nouveau" and task.state == "ouverte"
    assert task.events.get().kind == "created"
    assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies


def test_point_of_sale_by_code_and_vehicle_by_number_or_vin(client, key):
    other = PointOfSaleFactory(code=7062)
    car = VehicleFactory(physical_site=PhysicalSiteFactory(point_of_sale=other))
    response = post(client, {**PAYLOAD, "point_of_sale": 7062, "vehicle": str(car.number)}, key)
    task = LeadTask.objects.get(pk=response.json()["id"])
    assert task.point_of_sale == other and task.vehicle == car
    response = post(client, {**PAYLOAD, "external_id": "W-2", "point_of_sale": "7062",
                             "vehicle": car.vin.lower()}, key)  # fmt: skip
    assert LeadTask.objects.get(pk=response.json()["id"]).vehicle == car


def test_an_unknown_vehicle_is_kept_as_a_reference(client, key):
    response = post(client, {**PAYLOAD, "vehicle": "999999999"}, key)
    task = LeadTask.objects.get(pk=response.json()["id"])
    assert task.vehicle is None and task.vehicle_reference == "999999999"


def test_a_vehicle_of_another_entity_is_never_attached(client, key):
    car = VehicleFactory()  # another entity's point of sale
    response = post(client, {**PAYLOAD, "vehicle": str(car.number)}, key)
    assert LeadTask.objects.get(pk=response.json()["id"]).vehicle is None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer nope", "Basic abc", "Bearer "],
    ids=["no-key", "bad-key", "not-bearer", "empty"],
)
def test_without_a_valid_key_401(client, key, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(URL, json.dumps(PAYLOAD), content_type="application/json", **extra)
    assert response.status_code == 401
    assert not LeadTask.objects.exists()


def test_a_revoked_key_or_an_inactive_source_401(client, key, source):
    intake.api_key_revoke(key=source.api_keys.get(), by=admin_user())
    assert post(client, PAYLOAD, key).status_code == 401
    other = LeadSourceFactory(is_active=False)
    assert post(client, PAYLOAD, api_key_for(other)).status_code == 401


def test_the_key_is_stored_hashed_and_its_use_recorded(client, key, source):
    stored = source.api_keys.get()
    assert key not in stored.key_hash and len(stored.key_hash) == 64
    assert stored.last_used_at is None
    post(client, PAYLOAD, key)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_validation_errors_list_each_field(client, key):
    response = post(
        client,
        {"first_name": "x" * 81, "email": "pas-un-email", "tags": "VO", "received_at": "hier"},
        key,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert {"external_id", "first_name", "tags", "received_at"} <= fields
    response = post(client, {**PAYLOAD, "email": "pas-un-email", "phone": "12"}, key)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert fields == {"email", "phone"}
    assert not LeadTask.objects.exists()


def test_unknown_point_of_sale_and_tags_422(client, key):
    response = post(client, {**PAYLOAD, "point_of_sale": 999999, "tags": ["VN", "XYZ"]}, key)
    assert response.status_code == 422
    detail = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert set(detail) == {"point_of_sale", "tags"} and "XYZ" in detail["tags"]


def test_no_point_of_sale_and_none_by_default_422(client):
    key = api_key_for(LeadSourceFactory())
    response = post(client, PAYLOAD, key)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "point_of_sale"


def test_a_contact_is_required(client, key):
    response = post(client, {"external_id": "W-9", "message": "?"}, key)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"a=b", "application/x-www-form-urlencoded", 415),
        (b"<adf><prospect>", "application/xml", 400),
        (b"<lead/>", "application/xml", 400),
    ],
)
def test_unreadable_bodies_4xx(client, key, body, content_type, status):
    assert post(client, body, key, content_type=content_type).status_code == status


def test_nul_bytes_never_reach_the_database(client, key):
    response = post(client, {**PAYLOAD, "last_name": "Du\x00pont", "external_id": "A\x00B"}, key)
    assert response.status_code == 201
    task = LeadTask.objects.get()
    assert task.last_name == "Dupont" and task.external_id == "AB"


def test_over_64_kb_413(client, key):
    big = {**PAYLOAD, "message": "x" * (65 * 1024)}
    assert post(client, big, key).status_code == 413
    # announced length over the limit: refused before reading
    response = client.generic(
        "POST", URL, b"{}", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}", CONTENT_LENGTH=str(70 * 1024),
    )  # fmt: skip
    assert response.status_code == 413
    assert not LeadTask.objects.exists()


def test_the_same_external_id_again_200_same_id(client, key):
    first = post(client, PAYLOAD, key)
    again = post(client, {**PAYLOAD, "first_name": "Autre"}, key)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert LeadTask.objects.count() == 1
    # the same id from another source is another lead
    other = api_key_for(
        LeadSourceFactory(default_point_of_sale=LeadTask.objects.get().point_of_sale)
    )
    assert post(client, PAYLOAD, other).status_code == 201


def test_received_at_naive_is_local_and_future_is_now(client, key):
    response = post(client, {**PAYLOAD, "received_at": "2026-01-15T10:30:00"}, key)
    task = LeadTask.objects.get(pk=response.json()["id"])
    assert timezone.localtime(task.received_at).hour == 10
    future = (timezone.now() + timedelta(days=3)).isoformat()
    response = post(client, {**PAYLOAD, "external_id": "W-F", "received_at": future}, key)
    task = LeadTask.objects.get(pk=response.json()["id"])
    assert task.received_at <= timezone.now()


ADF = """<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf>
  <prospect>
    <id sequence="1" source="leboncoin">LBC-42</id>
    <requestdate>2026-03-30T15:30:20+02:00</requestdate>
    <vehicle interest="buy" status="used">
      <year>2021</year><make>Peugeot</make><model>308</model><stock>{number}</stock>
    </vehicle>
    <customer>
      <contact primarycontact="1">
        <name part="first">Claire</name>
        <name part="last">Martin</name>
        <email>claire.martin@example.test</email>
        <phone type="voice" time="morning">04 78 00 00 00</phone>
        <phone type="cellphone">06 98 76 54 32</phone>
      </contact>
      <comments>Disponible samedi ?</comments>
    </customer>
    <vendor><id source="openflex">7061</id><vendorname>Lyon</vendorname></vendor>
  </prospect>
</adf>"""


def test_an_adf_xml_lead(client, key, pos):
    car = VehicleFactory(physical_site=PhysicalSiteFactory(point_of_sale=pos))
    response = post(client, ADF.format(number=car.number), key, content_type="application/xml")
    assert response.status_code == 201, response.content
    task = LeadTask.objects.get(pk=response.json()["id"])
    assert (task.external_id, task.first_name, task.last_name) == ("LBC-42", "Claire", "Martin")
    assert task.email == "claire.martin@example.test" and task.mobile == "+33698765432"
    assert task.message == "Disponible samedi ?" and task.vehicle == car
    assert [t.code for t in task.tags.all()] == ["vo"]
    assert timezone.localtime(task.received_at).hour == 15
    again = post(client, ADF.format(number=car.number), key, content_type="text/xml")
    assert again.status_code == 200 and again.json() == response.json()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<adf><prospect><id>&lol2;</id></prospect></adf>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE adf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<adf><prospect><id>x</id><customer><comments>&xxe;</comments></customer></prospect></adf>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "xxe"])
def test_unsafe_xml_is_refused(client, key, body):
    response = post(client, body, key, content_type="application/xml")
    assert response.status_code == 400
    assert not LeadTask.objects.exists()


def test_get_is_not_allowed(client, key):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405


@pytest.mark.parametrize(
    "changes",
    [
        {"point_of_sale": 99999999999999999999},
        {"point_of_sale": -3},
        {"point_of_sale": "1e30"},
        {"tags": ["VO", 1, None]},
        {"external_id": "   "},
        {"received_at": "9999-12-31T99:00:00"},
        {"vehicle": "9" * 40},
        {"first_name": ["x"]},
    ],
)
def test_hostile_values_are_422_never_500(client, key, changes):
    response = post(client, {**PAYLOAD, **changes}, key)
    assert response.status_code in (201, 422), response.content
