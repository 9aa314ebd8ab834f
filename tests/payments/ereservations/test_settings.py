"""ORG-5 / P-8: Paramètres > Opportunités > E-réservation — administrators only; the
group's switch, duration and amount; bad values told next to the field, nothing saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from openflex.configuration.sections import sections_for_user
from payments.ereservations.models import EReservationSettings
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/parametres/e-reservation/"


def test_the_section_is_listed_for_administrators_only(admin, pos):
    assert reverse("payments:ereservation_settings") == URL
    assert "payments-ereservation" in {s.key for s in sections_for_user(admin)}
    manager = UserFactory(group_type="chef-des-ventes", points_of_sale=[pos])
    assert "payments-ereservation" not in {s.key for s in sections_for_user(manager)}


def test_an_administrator_changes_the_settings(admin_client):
    page = admin_client.get(URL)
    assert page.status_code == 200 and "Durée de la réservation" in page.content.decode()
    response = admin_client.post(
        URL, {"enabled": "on", "duration_hours": "72", "amount": "1 000,00"}
    )
    assert response.status_code == 302
    current = EReservationSettings.current()
    assert current.enabled and current.duration_hours == 72
    assert current.amount == Decimal("1000.00") and current.updated_at is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [("duration_hours", "0"), ("duration_hours", "abc"), ("amount", "-5"), ("amount", "dix")],
)
def test_bad_values_are_refused_next_to_the_field(admin_client, field, value):
    data = {"enabled": "on", "duration_hours": "24", "amount": "250,00", field: value}
    response = admin_client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{value}"' in html  # kept as typed
    assert "field-invalid" in html or "errorlist" in html
    assert EReservationSettings.current().duration_hours == 48  # unchanged default


def test_other_users_are_refused(client, pos):
    client.force_login(UserFactory(group_type="directeur", points_of_sale=[pos]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"duration_hours": "1", "amount": "1"}).status_code == 403
    assert EReservationSettings.current().duration_hours == 48
