"""Periodic jobs of the sales journey (O-1, X-1): inactive opportunities abandoned after
the configured delay (183 days by default); neglected ones alerted once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openflex.notifications.models import Notification
from opportunities.sales import services as sales_services
from opportunities.sales.models import Offer, Opportunity, OpportunityEvent, Order, SalesSettings
from opportunities.sales.services import core as sales_core
from tests.opportunities.factories import CompanyFactory, CustomerFactory

pytestmark = pytest.mark.django_db

OS = Opportunity.Status


def idle_since(opportunity, days: float) -> Opportunity:
    when = timezone.now() - timedelta(days=days)
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=when, created_at=when)
    return Opportunity.objects.get(pk=opportunity.pk)


def new_opportunity(pos, seller, customer=None):
    return sales_services.opportunity_create(
        customer=customer or CustomerFactory(point_of_sale=pos),
        salesperson=seller,
        point_of_sale=pos,
        by=seller,
    )


def status(opportunity) -> str:
    return Opportunity.objects.get(pk=opportunity.pk).status


def test_the_default_delay_is_183_days():
    assert SalesSettings.current().inactivity_cancel_days == 183


def test_only_open_opportunities_inactive_for_the_delay_are_abandoned(offer, pos, seller):
    old = idle_since(offer.opportunity, 184)
    recent = idle_since(new_opportunity(pos, seller), 182)
    won = idle_since(new_opportunity(pos, seller), 400)
    sales_core.opportunity_win(opportunity=won, by=seller, message="Commande validée")

    assert sales_services.opportunities_cancel_inactive() == 1

    old.refresh_from_db()
    assert (old.status, old.close_reason) == (OS.ABANDONED, "Aucune activité depuis 183 jours")
    assert old.closed_at is not None
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.CANCELLED
    assert (
        OpportunityEvent.objects.filter(opportunity=old, kind=OpportunityEvent.Kind.STATUS).count()
        == 1
    )
    assert (status(recent), status(won)) == (OS.OPEN, OS.WON)


def test_a_second_run_does_nothing(opportunity):
    idle_since(opportunity, 200)
    assert sales_services.opportunities_cancel_inactive() == 1
    events = OpportunityEvent.objects.count()

    assert sales_services.opportunities_cancel_inactive() == 0

    assert OpportunityEvent.objects.count() == events


def test_the_configured_delay_is_used(opportunity):
    SalesSettings.objects.update_or_create(pk=1, defaults={"inactivity_cancel_days": 30})
    idle_since(opportunity, 31)

    assert sales_services.opportunities_cancel_inactive() == 1
    assert status(opportunity) == OS.ABANDONED


def test_an_opportunity_with_a_live_order_is_left_alone(ready_order, seller):
    sales_services.order_submit(order=ready_order, by=seller)
    idle_since(ready_order.opportunity, 400)

    assert sales_services.opportunities_cancel_inactive() == 0
    assert status(ready_order.opportunity) == OS.OPEN


def test_an_opportunity_with_an_order_being_modified_is_left_alone(ordered, seller):
    sales_services.order_modify(order=ordered, by=seller)
    idle_since(ordered.opportunity, 400)

    assert sales_services.opportunities_cancel_inactive() == 0
    assert status(ordered.opportunity) == OS.OPEN
    assert Order.objects.get(pk=ordered.pk).status == Order.Status.MODIFYING


def test_many_inactive_opportunities_are_abandoned_in_one_run(pos, seller):
    for _ in range(5):
        idle_since(new_opportunity(pos, seller), 190)

    assert sales_services.opportunities_cancel_inactive() == 5
    assert not Opportunity.objects.filter(status=OS.OPEN).exists()


# --- En souffrance ------------------------------------------------------------------------


def test_the_salesperson_is_alerted_once_of_a_neglected_opportunity(
    opportunity, pos, seller, customer
):
    """O-1: older than the average completion time (30 days by default)."""
    idle_since(opportunity, 31)
    fresh = idle_since(new_opportunity(pos, seller), 29)

    assert sales_services.opportunities_neglect_scan() == 1

    alert = Notification.objects.get(kind="opportunity_neglected")
    assert alert.recipient == seller
    assert f"n° {opportunity.pk}" in alert.title
    assert customer.last_name.upper() in alert.title
    assert (
        OpportunityEvent.objects.filter(
            opportunity=opportunity, kind=OpportunityEvent.Kind.ALERT
        ).count()
        == 1
    )
    assert not OpportunityEvent.objects.filter(
        opportunity=fresh, kind=OpportunityEvent.Kind.ALERT
    ).exists()

    assert sales_services.opportunities_neglect_scan() == 0
    assert Notification.objects.filter(kind="opportunity_neglected").count() == 1


def test_a_company_is_named_in_the_alert(pos, seller):
    company = CompanyFactory(point_of_sale=pos)
    idle_since(new_opportunity(pos, seller, company), 60)

    sales_services.opportunities_neglect_scan()

    assert company.company_name.upper() in Notification.objects.get().title


def test_closed_opportunities_are_not_neglected(opportunity, seller):
    idle_since(opportunity, 60)
    sales_services.opportunity_abandon(opportunity=opportunity, by=seller, reason="Parti")

    assert sales_services.opportunities_neglect_scan() == 0
    assert not Notification.objects.filter(kind="opportunity_neglected").exists()


def test_the_neglect_flag_of_the_list(opportunity, pos, seller):
    from opportunities.sales import selectors

    idle_since(opportunity, 31)
    fresh = new_opportunity(pos, seller)

    flags = {o.pk: o.neglected for o in selectors.opportunity_list(user=seller)}

    assert flags == {opportunity.pk: True, fresh.pk: False}
