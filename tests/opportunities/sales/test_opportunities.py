"""Opportunities (O-1, O-9): creation, salesperson, appointments and test drives, the
follow-up email and the abandon; and what each user may see of them (ORG-2)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from openflex.notifications.models import Notification, OutboundEmail
from opportunities.customers import selectors as customers_selectors
from opportunities.sales import selectors as sales_selectors
from opportunities.sales import services
from opportunities.sales.models import Appointment, Offer, Opportunity, OpportunityEvent
from tests.accounts.factories import PointOfSaleFactory, UserFactory
from tests.opportunities.factories import CustomerFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

OS = Opportunity.Status


def test_an_opportunity_is_created_with_its_history(opportunity, customer, seller, pos):
    assert (opportunity.status, opportunity.customer, opportunity.salesperson) == (
        OS.OPEN,
        customer,
        seller,
    )
    assert opportunity.point_of_sale == pos
    assert OpportunityEvent.objects.filter(
        opportunity=opportunity, kind=OpportunityEvent.Kind.CREATED, by=seller
    ).exists()


def test_the_salesperson_must_belong_to_the_point_of_sale_and_be_active(customer, seller, pos):
    stranger = UserFactory(group_type="vendeur", points_of_sale=[PointOfSaleFactory()])
    with pytest.raises(ValidationError):
        services.opportunity_create(
            customer=customer, salesperson=stranger, point_of_sale=pos, by=seller
        )
    gone = UserFactory(group_type="vendeur", points_of_sale=[pos], is_active=False)
    with pytest.raises(ValidationError):
        services.opportunity_create(
            customer=customer, salesperson=gone, point_of_sale=pos, by=seller
        )

    assert not Opportunity.objects.exists()


def test_the_opportunity_is_handed_to_another_salesperson(opportunity, manager, pos):
    colleague = UserFactory(group_type="vendeur", points_of_sale=[pos])

    services.opportunity_salesperson_change(
        opportunity=opportunity, salesperson=colleague, by=manager
    )

    assert Opportunity.objects.get(pk=opportunity.pk).salesperson == colleague
    assert Notification.objects.filter(recipient=colleague, kind="opportunity_assigned").exists()
    assert OpportunityEvent.objects.filter(
        opportunity=opportunity, kind=OpportunityEvent.Kind.SALESPERSON, by=manager
    ).exists()


def test_a_salesperson_of_another_point_of_sale_is_refused(opportunity, manager, seller):
    stranger = UserFactory(group_type="vendeur", points_of_sale=[PointOfSaleFactory()])

    with pytest.raises(ValidationError):
        services.opportunity_salesperson_change(
            opportunity=opportunity, salesperson=stranger, by=manager
        )

    assert Opportunity.objects.get(pk=opportunity.pk).salesperson == seller


# --- Appointments and test drives (O-9) --------------------------------------------------


def test_a_test_drive_is_planned_on_a_vehicle(opportunity, car, seller):
    before = Opportunity.objects.get(pk=opportunity.pk).last_activity_at

    appointment = services.appointment_create(
        opportunity=opportunity,
        by=seller,
        kind="essai",
        vehicle=car,
        starts_at=timezone.now() + timedelta(days=2),
    )

    assert appointment.vehicle == car
    assert OpportunityEvent.objects.filter(
        opportunity=opportunity, kind=OpportunityEvent.Kind.APPOINTMENT
    ).exists()
    assert Opportunity.objects.get(pk=opportunity.pk).last_activity_at > before
    assert list(sales_selectors.opportunities_on_vehicle(user=seller, vehicle=car)) == [opportunity]


@pytest.mark.parametrize(
    ("kind", "with_vehicle", "status"),
    [("essai", False, None), ("visite", False, None), ("essai", True, "sortie")],
)
def test_wrong_appointments_are_refused(opportunity, site, seller, kind, with_vehicle, status):
    vehicle = VehicleFactory(physical_site=site, status=status or "stock_vente")

    with pytest.raises(ValidationError):
        services.appointment_create(
            opportunity=opportunity,
            by=seller,
            kind=kind,
            vehicle=vehicle if with_vehicle else None,
            starts_at=timezone.now(),
        )

    assert not Appointment.objects.exists()


def test_no_appointment_in_an_abandoned_opportunity(opportunity, seller):
    services.opportunity_abandon(opportunity=opportunity, by=seller, reason="Parti")

    with pytest.raises(ValidationError):
        services.appointment_create(
            opportunity=opportunity, by=seller, kind="rdv", starts_at=timezone.now()
        )


# --- Follow-up email ----------------------------------------------------------------------


def test_the_customer_is_followed_up_by_email(
    opportunity, customer, seller, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_follow_up(
            opportunity=opportunity, by=seller, message="Avez-vous pu réfléchir ?"
        )

    email = OutboundEmail.objects.get(kind="opportunity_follow_up")
    assert email.to == customer.email
    assert "Avez-vous pu réfléchir ?" in email.body_text
    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert OpportunityEvent.objects.filter(
        opportunity=opportunity, kind=OpportunityEvent.Kind.FOLLOW_UP, by=seller
    ).exists()


def test_no_follow_up_without_an_email_address(pos, seller):
    customer = CustomerFactory(point_of_sale=pos, email="")
    opportunity = services.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller
    )

    with pytest.raises(ValidationError) as exc:
        services.opportunity_follow_up(opportunity=opportunity, by=seller, message="Bonjour")

    assert "pas d'email" in exc.value.message_dict["message"][0]
    assert not OutboundEmail.objects.exists()
    assert not OpportunityEvent.objects.filter(kind=OpportunityEvent.Kind.FOLLOW_UP).exists()


@pytest.mark.parametrize("message", ["", "   ", "x" * 4001])
def test_a_follow_up_needs_a_reasonable_message(opportunity, seller, message):
    with pytest.raises(ValidationError):
        services.opportunity_follow_up(opportunity=opportunity, by=seller, message=message)

    assert not OutboundEmail.objects.exists()


# --- Abandon -----------------------------------------------------------------------------


def test_an_opportunity_is_abandoned_with_a_reason(offer, seller):
    opportunity = services.opportunity_abandon(
        opportunity=offer.opportunity, by=seller, reason="A acheté ailleurs"
    )

    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    assert (opportunity.status, opportunity.close_reason) == (OS.ABANDONED, "A acheté ailleurs")
    assert opportunity.closed_at is not None
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.CANCELLED


def test_an_abandon_needs_a_reason(opportunity, seller):
    with pytest.raises(ValidationError):
        services.opportunity_abandon(opportunity=opportunity, by=seller, reason=" ")

    assert Opportunity.objects.get(pk=opportunity.pk).status == OS.OPEN


def test_an_opportunity_with_a_pending_order_is_not_abandoned(ready_order, seller):
    services.order_submit(order=ready_order, by=seller)

    with pytest.raises(ValidationError):
        services.opportunity_abandon(opportunity=ready_order.opportunity, by=seller, reason="X")

    assert Opportunity.objects.get(pk=ready_order.opportunity_id).status == OS.OPEN


def test_an_opportunity_is_abandoned_once(opportunity, seller):
    services.opportunity_abandon(opportunity=opportunity, by=seller, reason="Parti")

    with pytest.raises(ValidationError):
        services.opportunity_abandon(opportunity=opportunity, by=seller, reason="Encore")


# --- Scoping (ORG-2) ---------------------------------------------------------------------


@pytest.fixture
def colleague_opportunity(pos, customer):
    colleague = UserFactory(group_type="vendeur", points_of_sale=[pos])
    return services.opportunity_create(
        customer=customer, salesperson=colleague, point_of_sale=pos, by=colleague
    )


def test_a_salesperson_sees_only_his_opportunities(opportunity, colleague_opportunity, seller):
    assert list(sales_selectors.opportunity_list(user=seller)) == [opportunity]
    assert sales_selectors.opportunity_get_for_user(user=seller, pk=opportunity.pk) == opportunity
    with pytest.raises(Http404):
        sales_selectors.opportunity_get_for_user(user=seller, pk=colleague_opportunity.pk)


def test_a_sales_manager_sees_those_of_his_points_of_sale(
    opportunity, colleague_opportunity, manager, secretary
):
    expected = {opportunity.pk, colleague_opportunity.pk}
    assert {o.pk for o in sales_selectors.opportunity_list(user=manager)} == expected
    assert {o.pk for o in sales_selectors.opportunity_list(user=secretary)} == expected


def test_another_point_of_sale_sees_nothing(ordered, other_manager):
    assert not sales_selectors.opportunity_list(user=other_manager).exists()
    assert not sales_selectors.order_list(user=other_manager).exists()
    assert not customers_selectors.customer_search(user=other_manager).exists()
    with pytest.raises(Http404):
        sales_selectors.opportunity_get_for_user(user=other_manager, pk=ordered.opportunity_id)
    with pytest.raises(Http404):
        sales_selectors.offer_get_for_user(user=other_manager, pk=ordered.offer_id)
    with pytest.raises(Http404):
        sales_selectors.order_get_for_user(user=other_manager, pk=ordered.pk)
    with pytest.raises(Http404):
        customers_selectors.customer_get_for_user(
            user=other_manager, pk=ordered.opportunity.customer_id
        )


def test_a_salesperson_reaches_the_offers_and_orders_of_his_opportunities_only(
    ordered, seller, pos
):
    colleague = UserFactory(group_type="vendeur", points_of_sale=[pos])

    assert sales_selectors.order_get_for_user(user=seller, pk=ordered.pk) == ordered
    assert (
        sales_selectors.offer_get_for_user(user=seller, pk=ordered.offer_id).pk == ordered.offer_id
    )
    with pytest.raises(Http404):
        sales_selectors.order_get_for_user(user=colleague, pk=ordered.pk)
    with pytest.raises(Http404):
        sales_selectors.offer_get_for_user(user=colleague, pk=ordered.offer_id)
    # The customers of the point of sale are shared by its team.
    assert customers_selectors.customer_get_for_user(
        user=colleague, pk=ordered.opportunity.customer_id
    )


def test_the_customer_search_finds_names_and_phone_digits(customer, seller):
    assert list(customers_selectors.customer_search(user=seller, query=customer.last_name)) == [
        customer
    ]
    digits = customer.mobile[-6:]
    assert list(customers_selectors.customer_search(user=seller, query=digits)) == [customer]
    assert not customers_selectors.customer_search(user=seller, query="introuvable").exists()


def test_only_a_manager_hands_over_an_open_opportunity(opportunity, manager, seller, pos):
    """O-1: a salesperson cannot give his opportunity away; a closed one keeps its seller."""
    from django.core.exceptions import PermissionDenied

    colleague = UserFactory(group_type="vendeur", points_of_sale=[pos])
    with pytest.raises(PermissionDenied):
        services.opportunity_salesperson_change(
            opportunity=opportunity, salesperson=colleague, by=seller
        )
    services.opportunity_abandon(opportunity=opportunity, by=seller, reason="Projet reporté")
    with pytest.raises(ValidationError):
        services.opportunity_salesperson_change(
            opportunity=opportunity, salesperson=colleague, by=manager
        )
    assert Opportunity.objects.get(pk=opportunity.pk).salesperson == seller
