"""Two managers validating the same order at the same moment (O-5): the row lock lets
exactly one validation through; the other gets a clear refusal."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from opportunities.sales import services
from opportunities.sales.models import Opportunity, OpportunityEvent, Order, OrderEvent
from tests.accounts.factories import UserFactory
from vehicles.models import Vehicle

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.xdist_group("concurrency"),
]


def run_together(*calls):
    """Run each call in its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # the outcome is what the test checks
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_managers_validating_at_once_make_one_validation(pending_order, manager, pos):
    second = UserFactory(
        group_type="chef-des-ventes", points_of_sale=[pos], rights=["validate_orders"]
    )

    outcomes = run_together(
        lambda: services.order_validate(order=pending_order, by=manager),
        lambda: services.order_validate(order=pending_order, by=second),
    )

    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ValidationError)
    assert "déjà été validée" in error.messages[0]
    order = Order.objects.get(pk=pending_order.pk)
    assert order.status == Order.Status.ORDERED
    assert OrderEvent.objects.filter(order=order, kind="validate").count() == 1
    assert (
        OpportunityEvent.objects.filter(
            opportunity=order.opportunity_id,
            kind=OpportunityEvent.Kind.STATUS,
        ).count()
        == 1
    )
    assert Opportunity.objects.get(pk=order.opportunity_id).status == Opportunity.Status.WON
    assert Vehicle.objects.get(pk=order.vehicle_id).status == "livraison"
    assert OrderEvent.objects.filter(order=order, kind="vehicle").count() == 1


def test_a_validation_and_a_refusal_at_once_make_one_decision(pending_order, manager, pos):
    second = UserFactory(
        group_type="chef-des-ventes", points_of_sale=[pos], rights=["validate_orders"]
    )

    outcomes = run_together(
        lambda: services.order_validate(order=pending_order, by=manager),
        lambda: services.order_refuse(order=pending_order, by=second, reason="Non"),
    )

    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    order = Order.objects.get(pk=pending_order.pk)
    assert order.status in (Order.Status.ORDERED, Order.Status.REFUSED)
    assert OrderEvent.objects.filter(order=order, kind__in=["validate", "refuse"]).count() == 1
