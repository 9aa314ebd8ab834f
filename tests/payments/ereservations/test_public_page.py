"""P-8: the public page of a published vehicle (the stock feed's link, no login) and its
"Réserver ce véhicule" form: bad input says what is wrong next to the field and keeps
what was typed; nothing is created."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from payments.ereservations.models import EReservationSettings
from payments.transactions.models import Payment
from tests.payments.ereservations.conftest import CONTACT

pytestmark = pytest.mark.django_db


def _public(car) -> str:
    return reverse("payments:vehicle_public", args=[car.pk])


def test_the_stock_feed_links_to_the_public_page(client, ready):
    """V-12 / P-8: the ad's URL is the public page, which opens without a login."""
    feed = json.loads(b"".join(client.get(reverse("vehicles:feed_json")).streaming_content))
    ad = next(a for a in feed["vehicles"] if a["reference"] == ready.pk)
    assert ad["url"].endswith(f"/annonces/{ready.pk}/")
    page = client.get(_public(ready))
    assert page.status_code == 200
    html = page.content.decode()
    assert ready.brand in html and "Réserver ce véhicule" in html
    assert "300,00" in html and "48 heures" in html
    xml = b"".join(client.get(reverse("vehicles:feed_xml")).streaming_content).decode()
    assert f"/annonces/{ready.pk}/</url>" in xml


def test_an_unpublished_vehicle_is_not_shown(client, ready):
    from vehicles.models import Vehicle

    Vehicle.objects.filter(pk=ready.pk).update(is_published=False)
    assert client.get(_public(ready)).status_code == 404
    assert (
        client.post(reverse("payments:vehicle_reserve", args=[ready.pk]), CONTACT).status_code
        == 404
    )
    assert client.get("/annonces/999999999/").status_code == 404


@pytest.mark.parametrize(
    ("why", "expected"),
    [
        ("switched_off", "n'est pas proposée"),
        ("no_configuration", "n'est pas proposé par ce point de vente"),
    ],
)
def test_no_form_when_e_reservation_is_not_offered(client, ready, config, why, expected):
    if why == "switched_off":
        EReservationSettings.objects.update(enabled=False)
    else:
        config.delete()
    html = unescape(client.get(_public(ready)).content.decode())
    assert expected in html and 'name="mobile"' not in html
    response = client.post(reverse("payments:vehicle_reserve", args=[ready.pk]), CONTACT)
    assert response.status_code == 409
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("civility", "", "Choisissez votre civilité."),
        ("last_name", "", "Indiquez votre nom."),
        ("first_name", "  ", "Indiquez votre prénom."),
        ("email", "julie@", "Indiquez une adresse email valide"),
        ("mobile", "12", "Indiquez un numéro de mobile valide"),
        ("mobile", "04 72 00 00 00", "Indiquez un numéro de mobile valide"),  # a landline
    ],
)
def test_bad_input_is_told_next_to_the_field_and_kept(client, ready, field, value, message):
    """X-4: the error next to its field, what was typed kept, nothing created, no 500."""
    data = {**CONTACT, field: value}
    response = client.post(reverse("payments:vehicle_reserve", args=[ready.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    # The error sits in the field's group, before the next field.
    group = re.search(rf'id="id_{field}"', html)
    assert group is not None and html.index(message) < html.index(f'name="{field}"') + 2000
    for other, typed in data.items():
        if other != field and other != "civility" and typed.strip():
            assert f'value="{typed}"' in html, other
    assert Payment.objects.count() == 0


def test_hostile_input_never_500(client, ready):
    data = {**CONTACT, "last_name": "a\x00b" * 50, "email": "x" * 300 + "@example.test"}
    response = client.post(reverse("payments:vehicle_reserve", args=[ready.pk]), data)
    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_a_valid_request_goes_to_the_payment_flow(client, ready):
    """The payment (kind 1 in the reference, the group's amount, no order, no salesperson)
    and the internet user sent to its customer link (then the hosted page)."""
    response = client.post(reverse("payments:vehicle_reserve", args=[ready.pk]), CONTACT)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.kind == Payment.Kind.RESERVATION
    assert payment.order_id is None and payment.salesperson_id is None
    assert str(payment.amount) == "300.00"
    assert payment.reference.split("_")[2].startswith("1")
    assert payment.mobile == "+33612345678" and payment.last_name == "Internaute"
    assert "/paiement/lien/" in response["Location"]
    link = client.get(response["Location"])
    assert link.status_code == 200 and payment.reference in link.content.decode()


def test_too_many_requests_from_one_address(client, ready, settings):
    from payments.ereservations import views

    url = reverse("payments:vehicle_reserve", args=[ready.pk])
    for _ in range(views.THROTTLE["limit"]):
        assert client.post(url, CONTACT).status_code == 302
    response = client.post(url, CONTACT)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
