"""Customers (O-2): duplicates, the legal representative of a company and the rule that
blocks a company's order until it is complete, on paper and e-signed alike."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opportunities.customers import services as customers_services
from opportunities.customers.models import Customer
from opportunities.sales import services as sales_services
from opportunities.sales.models import Order, OrderEvent
from tests.opportunities.factories import CompanyFactory, CustomerFactory
from tests.opportunities.sales.journey import draft_order_on

pytestmark = pytest.mark.django_db

S = Order.Status


def create(pos, user, **fields):
    values = {"kind": "particulier", "civility": "M.", "last_name": "Durand", "first_name": "Paul"}
    values.update(fields)
    return customers_services.customer_create(by=user, point_of_sale=pos, **values)


# --- Creation and duplicates -----------------------------------------------------------


def test_a_customer_is_created(pos, seller):
    customer = create(pos, seller, email="paul.durand@example.test", mobile="06 11 22 33 44")

    customer.refresh_from_db()
    assert (customer.point_of_sale, customer.created_by) == (pos, seller)
    assert "durand" in customer.search_text
    assert "0611223344" in customer.search_text


def test_a_same_email_is_a_duplicate_whatever_the_case(pos, seller, customer):
    with pytest.raises(ValidationError) as exc:
        create(pos, seller, email=customer.email.upper())

    assert exc.value.code == "duplicate"
    assert exc.value.params["duplicates"] == [customer.pk]
    assert Customer.objects.count() == 1


def test_a_same_mobile_is_a_duplicate_whatever_the_spacing(pos, seller):
    first = create(pos, seller, mobile="0612345678")

    with pytest.raises(ValidationError) as exc:
        create(pos, seller, last_name="Autre", mobile="06 12 34 56 78")

    assert exc.value.code == "duplicate"
    assert exc.value.params["duplicates"] == [first.pk]
    assert Customer.objects.count() == 1


def test_a_duplicate_is_created_when_the_user_confirms(pos, seller, customer):
    twin = create(pos, seller, email=customer.email, allow_duplicate=True)

    assert Customer.objects.filter(email=customer.email).count() == 2
    assert twin.pk != customer.pk


def test_a_different_customer_is_no_duplicate(pos, seller, customer):
    create(pos, seller, email="autre@example.test", mobile="07 99 88 77 66")

    assert Customer.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"last_name": "  "}, "last_name"),
        ({"kind": "societe", "last_name": "", "company_name": ""}, "company_name"),
        ({"kind": "societe", "company_name": "ACME", "siret": "1234567890123"}, "siret"),
        ({"mobile": "06 1"}, "mobile"),
        ({"email": "pas-un-email"}, "email"),
    ],
)
def test_an_incomplete_or_invalid_customer_is_refused(pos, seller, fields, error_field):
    with pytest.raises(ValidationError) as exc:
        create(pos, seller, **fields)

    assert error_field in exc.value.message_dict
    assert not Customer.objects.exists()


# --- The legal representative (O-2) ---------------------------------------------------


@pytest.fixture
def company(pos):
    return CompanyFactory(point_of_sale=pos)


def represent(company, by, **fields):
    values = {
        "civility": "Mme",
        "last_name": "Lefèvre",
        "first_name": "Anne",
        "email": "anne.lefevre@example.test",
        "mobile": "06 55 44 33 22",
    }
    values.update(fields)
    return customers_services.legal_representative_create(company=company, by=by, **values)


def test_the_legal_representative_is_created_and_linked(company, seller):
    assert customers_services.legal_representative_missing(company) == [
        "le représentant légal n'est pas renseigné"
    ]

    person = represent(company, seller)

    company.refresh_from_db()
    assert company.legal_representative == person
    assert person.kind == Customer.Kind.PERSON
    assert person.point_of_sale == company.point_of_sale
    assert customers_services.legal_representative_missing(company) == []


def test_a_known_person_becomes_the_representative_without_a_twin(company, seller, pos):
    known = CustomerFactory(
        point_of_sale=pos, last_name="Lefèvre", email="anne.lefevre@example.test", mobile=""
    )

    person = represent(company, seller, email="Anne.Lefevre@example.test")

    assert person.pk == known.pk
    known.refresh_from_db()
    assert known.mobile == "06 55 44 33 22"
    assert Customer.objects.filter(kind=Customer.Kind.PERSON).count() == 1


@pytest.mark.parametrize("field", ["last_name", "first_name", "email", "mobile"])
def test_the_representative_needs_every_field(company, seller, field):
    with pytest.raises(ValidationError) as exc:
        represent(company, seller, **{field: " "})

    assert field in exc.value.message_dict
    company.refresh_from_db()
    assert company.legal_representative is None


def test_a_private_person_has_no_legal_representative(customer, seller):
    with pytest.raises(ValidationError):
        represent(customer, seller)

    assert customers_services.legal_representative_missing(customer) == []


def test_an_incomplete_representative_says_what_is_missing(company, seller, pos):
    person = CustomerFactory(point_of_sale=pos, mobile="", email="")
    customers_services.legal_representative_link(company=company, person=person, by=seller)
    company.refresh_from_db()

    assert customers_services.legal_representative_missing(company) == [
        "il manque au représentant légal : email, mobile"
    ]


def test_a_company_cannot_represent_a_company(company, seller, pos):
    with pytest.raises(ValidationError):
        customers_services.legal_representative_link(
            company=company, person=CompanyFactory(point_of_sale=pos), by=seller
        )


# --- A company's order waits for its representative (O-2) -----------------------------


@pytest.fixture
def company_order(company, car, seller):
    return draft_order_on(vehicle=car, customer=company, seller=seller)


@pytest.mark.parametrize("mode", ["papier", "electronique"])
@pytest.mark.parametrize("who", ["seller", "manager"])
def test_a_company_order_without_representative_cannot_be_submitted(
    company_order, mode, who, request
):
    events = OrderEvent.objects.filter(order=company_order).count()

    with pytest.raises(ValidationError) as exc:
        sales_services.order_submit(
            order=company_order, by=request.getfixturevalue(who), signature_mode=mode
        )

    assert exc.value.messages == ["Société : le représentant légal n'est pas renseigné."]
    order = Order.objects.get(pk=company_order.pk)
    assert (order.status, order.submitted_at) == (S.DRAFT, None)
    assert OrderEvent.objects.filter(order=order).count() == events


@pytest.mark.parametrize("mode", ["papier", "electronique"])
def test_a_company_order_with_an_incomplete_representative_cannot_be_submitted(
    company_order, company, seller, pos, mode
):
    person = CustomerFactory(point_of_sale=pos, mobile="")
    customers_services.legal_representative_link(company=company, person=person, by=seller)

    with pytest.raises(ValidationError) as exc:
        sales_services.order_submit(order=company_order, by=seller, signature_mode=mode)

    assert exc.value.messages == ["Société : il manque au représentant légal : mobile."]
    assert sales_services.order_submit_blockers(Order.objects.get(pk=company_order.pk)) == [
        "Société : il manque au représentant légal : mobile."
    ]
    assert Order.objects.get(pk=company_order.pk).status == S.DRAFT


@pytest.mark.parametrize(
    ("mode", "status"),
    [("papier", S.PENDING_VALIDATION), ("electronique", S.PENDING_SIGNATURE)],
)
def test_a_company_order_with_a_complete_representative_is_submitted(
    company_order, company, seller, mode, status
):
    represent(company, seller)

    order = sales_services.order_submit(order=company_order, by=seller, signature_mode=mode)

    assert Order.objects.get(pk=order.pk).status == status


def test_the_manager_cannot_validate_once_the_representative_became_incomplete(
    company_order, company, seller, manager
):
    person = represent(company, seller)
    sales_services.order_submit(order=company_order, by=seller)
    Customer.objects.filter(pk=person.pk).update(email="")

    with pytest.raises(ValidationError) as exc:
        sales_services.order_validate(order=company_order, by=manager)

    assert exc.value.messages == ["Société : il manque au représentant légal : email."]
    order = Order.objects.get(pk=company_order.pk)
    assert (order.status, order.validated_by) == (S.PENDING_VALIDATION, None)


def test_the_manager_validates_a_company_order_with_its_representative(
    company_order, company, seller, manager
):
    represent(company, seller)
    sales_services.order_submit(order=company_order, by=seller)

    sales_services.order_validate(order=company_order, by=manager)

    order = Order.objects.get(pk=company_order.pk)
    assert order.status == S.ORDERED
    assert order.snapshot["customer"]["legal_representative"] is None  # frozen at creation


def test_the_representative_is_in_the_snapshot_when_known_at_creation(company, car, seller):
    represent(company, seller)

    order = draft_order_on(vehicle=car, customer=company, seller=seller)

    assert order.snapshot["customer"]["legal_representative"] == {
        "name": "LEFÈVRE Anne",
        "email": "anne.lefevre@example.test",
        "mobile": "06 55 44 33 22",
    }
    assert order.total_ttc == Decimal("15000.00")
