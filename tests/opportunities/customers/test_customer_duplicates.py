"""ORG-2 (issue 13): the duplicate check of a new customer looks only where the user may
look (the customers they can open) and never names a customer they cannot open.

Decision (docs/decisions.md): a same email or mobile known only outside the user's scope
gives no warning at all; the customer is created at the user's point of sale.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opportunities.customers import services as customers_services
from opportunities.customers.models import Customer
from tests.accounts.factories import PointOfSaleFactory, admin_user
from tests.opportunities.factories import CompanyFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(db):
    """A customer of another entity: the user may not open it."""
    return CustomerFactory(
        point_of_sale=PointOfSaleFactory(),
        last_name="Secrète",
        first_name="Agnès",
        email="agnes.secrete@example.test",
        mobile="06 98 76 54 32",
    )


def create(pos, user, **fields):
    values = {"kind": "particulier", "civility": "M.", "last_name": "Durand", "first_name": "Paul"}
    values.update(fields)
    return customers_services.customer_create(by=user, point_of_sale=pos, **values)


@pytest.mark.parametrize(
    "fields", [{"email": "AGNES.SECRETE@example.test"}, {"mobile": "0698765432"}]
)
def test_a_customer_of_another_entity_is_no_duplicate(pos, seller, stranger, fields):
    customer = create(pos, seller, **fields)

    assert customer.pk != stranger.pk
    assert customer.point_of_sale == pos


def test_only_the_customers_the_user_may_open_are_named(pos, seller, stranger):
    mine = CustomerFactory(point_of_sale=pos, email=stranger.email, last_name="Visible")

    with pytest.raises(ValidationError) as exc:
        create(pos, seller, email=stranger.email)

    assert exc.value.params["duplicates"] == [mine.pk]
    text = " ".join(exc.value.messages)
    assert "VISIBLE" in text and f"n° {mine.pk}" in text
    assert "SECRÈTE" not in text.upper() and f"(n° {stranger.pk})" not in text


def test_a_point_of_sale_of_the_same_entity_outside_the_users_scope_is_not_searched(
    pos, seller, stranger
):
    neighbour = CustomerFactory(
        point_of_sale=PointOfSaleFactory(entity=pos.entity), email="voisin@example.test"
    )

    assert create(pos, seller, email=neighbour.email).pk != neighbour.pk


def test_a_platform_administrator_is_warned_about_any_customer(pos, stranger):
    admin = admin_user(points_of_sale=[pos])

    with pytest.raises(ValidationError) as exc:
        create(pos, admin, email=stranger.email)

    assert exc.value.params["duplicates"] == [stranger.pk]


def test_the_form_never_shows_a_customer_of_another_entity(client, pos, seller, stranger):
    client.force_login(seller)

    response = client.post(
        reverse("opportunities:customer_create"),
        {
            "kind": "particulier",
            "civility": "M.",
            "last_name": "Durand",
            "first_name": "Paul",
            "email": stranger.email,
            "mobile": stranger.mobile,
        },
    )

    assert response.status_code == 302
    created = Customer.objects.exclude(pk=stranger.pk).get()
    assert response["Location"] == reverse("opportunities:customer_detail", args=[created.pk])
    page = client.get(response["Location"]).content.decode()
    assert "SECRÈTE" not in page.upper()


def test_the_legal_representative_never_reuses_a_person_of_another_entity(pos, seller, stranger):
    """The same defect in "Créer ce client": a person of another entity with the same
    email and name was linked to the company and her mobile overwritten."""
    company = CompanyFactory(point_of_sale=pos)

    person = customers_services.legal_representative_create(
        company=company,
        by=seller,
        last_name=stranger.last_name,
        first_name="Agnès",
        email=stranger.email,
        mobile="06 11 11 11 11",
    )

    assert person.pk != stranger.pk
    assert person.point_of_sale == pos
    stranger.refresh_from_db()
    assert stranger.mobile == "06 98 76 54 32"
