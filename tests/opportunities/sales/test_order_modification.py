"""Order modification (O-5 "en cours de modification", "remplacée"): a new version of
the offer is prepared; the order passed from it replaces the old one; withdrawing the
change restores the old order."""

import pytest
from django.core.exceptions import ValidationError

from opportunities.sales import services
from opportunities.sales.models import Offer, Opportunity, Order, OrderEvent

pytestmark = pytest.mark.django_db

S = Order.Status


def reload(order) -> Order:
    return Order.objects.get(pk=order.pk)


def opportunity_status(order) -> str:
    return Opportunity.objects.get(pk=order.opportunity_id).status


def test_modifying_an_order_prepares_a_new_version_of_its_offer(ordered, seller):
    new_offer = services.order_modify(order=ordered, by=seller)

    old = reload(ordered)
    assert (old.status, old.status_before) == (S.MODIFYING, S.ORDERED)
    event = OrderEvent.objects.filter(order=old).order_by("-pk").first()
    assert (event.kind, event.from_status, event.to_status, event.by) == (
        "start_modification",
        S.ORDERED,
        S.MODIFYING,
        seller,
    )
    assert (new_offer.status, new_offer.replaces_order_id, new_offer.previous_id) == (
        Offer.Status.OPEN,
        old.pk,
        old.offer_id,
    )
    assert new_offer.vehicle_id == old.vehicle_id
    # The sale is open again until the replacing order is validated.
    assert opportunity_status(old) == Opportunity.Status.OPEN


def test_the_new_order_replaces_the_old_one(
    ordered, seller, manager, car, django_capture_on_commit_callbacks
):
    new_offer = services.order_modify(order=ordered, by=seller)
    services.offer_validate(offer=new_offer, by=seller)
    new = services.order_create(offer=new_offer, by=seller)
    assert new.replaces_id == ordered.pk
    services.order_payment_update(
        order=new,
        by=seller,
        balance_method="virement",
        deposit_amount=new.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.order_submit(order=new, by=manager)

    old = reload(ordered)
    assert old.status == S.REPLACED
    event = OrderEvent.objects.get(order=old, kind="mark_replaced")
    assert (event.from_status, event.to_status, event.by) == (S.MODIFYING, S.REPLACED, manager)
    assert reload(new).status == S.ORDERED
    assert opportunity_status(new) == Opportunity.Status.WON
    car.refresh_from_db()
    assert car.status == "livraison"


def test_a_replacing_order_sent_for_validation_replaces_the_old_one(ordered, seller):
    new_offer = services.order_modify(order=ordered, by=seller)
    services.offer_validate(offer=new_offer, by=seller)
    new = services.order_create(offer=new_offer, by=seller)
    services.order_payment_update(
        order=new,
        by=seller,
        balance_method="cheque",
        deposit_amount=new.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )

    services.order_submit(order=new, by=seller)

    # The old order holds the sale until the new one is validated (docs/decisions.md).
    assert reload(ordered).status == S.MODIFYING
    assert reload(new).status == S.PENDING_VALIDATION


def test_the_replacing_order_validated_replaces_the_old_one(ordered, seller, manager):
    new_offer = services.order_modify(order=ordered, by=seller)
    services.offer_validate(offer=new_offer, by=seller)
    new = services.order_create(offer=new_offer, by=seller)
    services.order_payment_update(
        order=new,
        by=seller,
        balance_method="cheque",
        deposit_amount=new.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )
    services.order_submit(order=new, by=seller)
    services.order_validate(order=new, by=manager)

    assert reload(ordered).status == S.REPLACED
    assert reload(new).status == S.ORDERED
    assert opportunity_status(reload(new)) == Opportunity.Status.WON


def test_a_refused_replacing_order_gives_the_sale_back_to_the_old_one(ordered, seller, manager):
    new_offer = services.order_modify(order=ordered, by=seller)
    services.offer_validate(offer=new_offer, by=seller)
    new = services.order_create(offer=new_offer, by=seller)
    services.order_payment_update(
        order=new,
        by=seller,
        balance_method="cheque",
        deposit_amount=new.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )
    services.order_submit(order=new, by=seller)
    services.order_refuse(order=new, by=manager, reason="Remise non accordée")

    assert reload(new).status == S.REFUSED
    old = reload(ordered)
    assert (old.status, old.status_before) == (S.ORDERED, "")
    assert opportunity_status(old) == Opportunity.Status.WON


def test_withdrawing_the_modification_restores_the_order(ordered, seller):
    new_offer = services.order_modify(order=ordered, by=seller)

    services.order_modification_withdraw(order=ordered, by=seller)

    old = reload(ordered)
    assert (old.status, old.status_before) == (S.ORDERED, "")
    event = OrderEvent.objects.filter(order=old).order_by("-pk").first()
    assert (event.kind, event.from_status, event.to_status) == ("restore", S.MODIFYING, S.ORDERED)
    assert Offer.objects.get(pk=new_offer.pk).status == Offer.Status.CANCELLED
    assert opportunity_status(old) == Opportunity.Status.WON


@pytest.mark.parametrize("fixture", ["ready_order", "pending_order", "to_deliver"])
def test_withdrawing_goes_back_to_the_status_it_had(fixture, seller, request):
    order = request.getfixturevalue(fixture)
    status = reload(order).status
    services.order_modify(order=order, by=seller)

    services.order_modification_withdraw(order=order, by=seller)

    assert reload(order).status == status


def test_nothing_to_withdraw_without_a_modification(ordered, seller):
    with pytest.raises(ValidationError):
        services.order_modification_withdraw(order=ordered, by=seller)

    assert reload(ordered).status == S.ORDERED


def test_a_delivered_order_is_not_modified(to_deliver, seller):
    services.order_deliver(order=to_deliver, by=seller)

    with pytest.raises(ValidationError):
        services.order_modify(order=to_deliver, by=seller)

    assert reload(to_deliver).status == S.DELIVERED
    assert not Offer.objects.filter(replaces_order=to_deliver).exists()


def test_cancelling_the_new_version_restores_the_order_and_the_won_sale(ordered, seller):
    """The modification abandoned from the offer is the same as withdrawn from the order."""
    new_offer = services.order_modify(order=ordered, by=seller)

    services.offer_cancel(offer=new_offer, by=seller, reason="Le client garde sa commande")

    assert reload(ordered).status == S.ORDERED
    assert opportunity_status(ordered) == Opportunity.Status.WON


def test_modifying_the_new_version_again_keeps_the_order_in_modification(ordered, seller):
    """A validated new version modified again: the next version still replaces the order."""
    first = services.order_modify(order=ordered, by=seller)
    services.offer_validate(offer=first, by=seller)

    second = services.offer_modify(offer=first, by=seller)

    assert Offer.objects.get(pk=first.pk).status == Offer.Status.CANCELLED
    assert second.replaces_order_id == ordered.pk
    assert reload(ordered).status == S.MODIFYING
    services.offer_validate(offer=second, by=seller)
    new = services.order_create(offer=second, by=seller)
    assert new.replaces_id == ordered.pk


def test_a_withdrawn_modification_cannot_order_the_vehicle_a_second_time(ordered, seller):
    """After the withdrawal the old order is live again: its vehicle is not sold twice."""
    new_offer = services.order_modify(order=ordered, by=seller)
    services.offer_validate(offer=new_offer, by=seller)
    services.order_modification_withdraw(order=ordered, by=seller)

    with pytest.raises(ValidationError):
        services.order_create(offer=new_offer, by=seller)

    assert reload(ordered).status == S.ORDERED
    assert Order.objects.filter(vehicle=ordered.vehicle).count() == 1


def test_another_sale_cannot_take_the_vehicle_of_an_order_being_modified(ordered, seller, pos, car):
    from tests.opportunities.factories import CustomerFactory
    from tests.opportunities.sales.journey import draft_order_on

    services.order_modify(order=ordered, by=seller)

    with pytest.raises(ValidationError):
        draft_order_on(vehicle=car, customer=CustomerFactory(point_of_sale=pos), seller=seller)

    assert Order.objects.filter(vehicle=car).count() == 1


def test_an_opportunity_with_an_order_being_modified_cannot_be_abandoned(ordered, seller):
    services.order_modify(order=ordered, by=seller)

    with pytest.raises(ValidationError):
        services.opportunity_abandon(opportunity=ordered.opportunity, by=seller, reason="Parti")

    assert opportunity_status(ordered) == Opportunity.Status.OPEN
    assert reload(ordered).status == S.MODIFYING


def test_an_opportunity_with_a_cancellation_to_confirm_cannot_be_abandoned(ordered, seller):
    services.order_cancel(order=ordered, by=seller, reason="Le client hésite")

    with pytest.raises(ValidationError):
        services.opportunity_abandon(opportunity=ordered.opportunity, by=seller, reason="Parti")

    assert reload(ordered).status == S.PENDING_CANCELLATION
