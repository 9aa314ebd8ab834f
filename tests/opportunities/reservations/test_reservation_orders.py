"""V-11 (issue 13): a reservation holds against orders too, not only against offers.

Opportunity A reserves the car from its validated offer; opportunity B validated its own
offer on the car before the reservation. B may neither "Passer la commande", nor send a
draft order passed earlier, nor have it validated by a manager or through an ownership
transfer, nor "Modifier" its offer or its draft order into a new open offer on the car.
A keeps selling it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opportunities.reservations import services as reservations
from opportunities.reservations.models import Reservation
from opportunities.sales import actions as sales_actions
from opportunities.sales import selectors, services
from opportunities.sales.models import Offer, Order
from tests.accounts.factories import PointOfSaleFactory, UserFactory
from vehicles.models import OwnershipTransfer, ReservationKind, Vehicle
from vehicles.services import transfer_approve, vehicle_reservation_set

pytestmark = pytest.mark.django_db

RESERVED = "Véhicule réservé par l'opportunité n° %s"


def pay(order, by):
    return services.order_payment_update(
        order=order,
        by=by,
        balance_method="virement",
        deposit_amount=order.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )


@pytest.fixture
def earlier_offer(switch_on, other_opportunity, other_seller, preentry_car):
    """B's offer on the car, validated before A reserved it."""
    offer = services.offer_create(
        opportunity=other_opportunity, vehicle=preentry_car, by=other_seller
    )
    return services.offer_validate(offer=offer, by=other_seller)


def reserve_for_a(reserving_offer, seller):
    return reservations.reservation_create(offer=reserving_offer, by=seller)


def plant_reservation(offer, by):
    """A reservation written while B's order was already on its way: the services no
    longer allow it (a live order makes the car sold), but rows from before the fix, or a
    race, may exist; the later order steps must still refuse."""
    reservation = Reservation.objects.create(
        offer=offer, vehicle=offer.vehicle, opportunity=offer.opportunity, reserved_by=by
    )
    vehicle_reservation_set(vehicle=offer.vehicle, kind=ReservationKind.UNLIMITED)
    return reservation


def test_another_opportunity_cannot_order_the_reserved_vehicle(
    earlier_offer, reserving_offer, seller, other_seller
):
    reserve_for_a(reserving_offer, seller)

    with pytest.raises(ValidationError) as exc:
        services.order_create(offer=Offer.objects.get(pk=earlier_offer.pk), by=other_seller)

    assert RESERVED % reserving_offer.opportunity_id in " ".join(exc.value.messages)
    assert not Order.objects.exists()


def test_a_draft_order_passed_before_the_reservation_cannot_be_sent(
    earlier_offer, reserving_offer, seller, other_seller, preentry_car
):
    draft = pay(services.order_create(offer=earlier_offer, by=other_seller), other_seller)
    reserve_for_a(reserving_offer, seller)  # a draft is not a sale: A may still reserve

    blockers = services.order_submit_blockers(Order.objects.get(pk=draft.pk))
    assert any(RESERVED % reserving_offer.opportunity_id in b for b in blockers)
    with pytest.raises(ValidationError) as exc:
        services.order_submit(order=draft, by=other_seller)
    assert RESERVED % reserving_offer.opportunity_id in " ".join(exc.value.messages)
    assert Order.objects.get(pk=draft.pk).status == Order.Status.DRAFT
    preentry_car.refresh_from_db()
    assert preentry_car.status == "pre_entree"


def test_the_manager_cannot_validate_an_order_on_a_vehicle_reserved_by_another(
    earlier_offer, reserving_offer, seller, other_seller, manager, preentry_car
):
    order = services.order_submit(
        order=pay(services.order_create(offer=earlier_offer, by=other_seller), other_seller),
        by=other_seller,
    )
    assert order.status == Order.Status.PENDING_VALIDATION
    reservation = plant_reservation(reserving_offer, seller)

    # No "Valider" button, in the list or on the page…
    listed = selectors.order_list(user=manager).get(pk=order.pk)
    assert "validate" not in [a["name"] for a in sales_actions.available_actions(listed, manager)]
    # …and the service refuses with the reason.
    with pytest.raises(ValidationError) as exc:
        services.order_validate(order=order, by=manager)
    assert RESERVED % reserving_offer.opportunity_id in " ".join(exc.value.messages)

    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_VALIDATION
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.ACTIVE
    preentry_car.refresh_from_db()
    assert preentry_car.status == "pre_entree"
    # A manager may still refuse it.
    services.order_refuse(order=order, by=manager, reason="Véhicule réservé")


def test_the_order_page_says_why_validate_is_missing(
    client, earlier_offer, reserving_offer, seller, other_seller, manager
):
    order = services.order_submit(
        order=pay(services.order_create(offer=earlier_offer, by=other_seller), other_seller),
        by=other_seller,
    )
    plant_reservation(reserving_offer, seller)
    client.force_login(manager)

    page = client.get(reverse("opportunities:order_detail", args=[order.pk])).content.decode()

    assert RESERVED % reserving_offer.opportunity_id in page.replace("&#x27;", "'")
    assert reverse("opportunities:order_action", args=[order.pk, "validate"]) not in page


def test_an_approved_transfer_does_not_validate_an_order_on_a_reserved_vehicle(
    earlier_offer, reserving_offer, seller, other_seller, preentry_car
):
    """The transfer path: the manager's approval is refused with the reason (the transfer
    stays to be decided; rejecting it refuses the order)."""
    other_pos = PointOfSaleFactory(entity=preentry_car.point_of_sale.entity)
    other_pos.transfer_manager = UserFactory(
        group_type="chef-des-ventes", points_of_sale=[other_pos], rights=["validate_transfers"]
    )
    other_pos.save(update_fields=["transfer_manager"])
    Vehicle.objects.filter(pk=preentry_car.pk).update(point_of_sale=other_pos)
    order = services.order_submit(
        order=pay(services.order_create(offer=earlier_offer, by=other_seller), other_seller),
        by=other_seller,
    )
    assert order.status == Order.Status.PENDING_TRANSFER
    plant_reservation(reserving_offer, seller)
    transfer = OwnershipTransfer.objects.get(vehicle=preentry_car)

    with pytest.raises(ValidationError) as exc:
        transfer_approve(transfer=transfer, by=other_pos.transfer_manager)

    assert RESERVED % reserving_offer.opportunity_id in " ".join(exc.value.messages)
    transfer.refresh_from_db()
    assert transfer.status == OwnershipTransfer.Status.TO_VALIDATE
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_TRANSFER


def test_modifier_on_the_older_validated_offer_creates_no_open_offer(
    earlier_offer, reserving_offer, seller, other_seller, other_opportunity
):
    reserve_for_a(reserving_offer, seller)

    with pytest.raises(ValidationError) as exc:
        services.offer_modify(offer=Offer.objects.get(pk=earlier_offer.pk), by=other_seller)

    assert RESERVED % reserving_offer.opportunity_id in " ".join(exc.value.messages)
    assert list(other_opportunity.offers.values_list("pk", "status")) == [
        (earlier_offer.pk, Offer.Status.VALIDATED)
    ]


def test_modifier_on_a_draft_order_creates_no_open_offer(
    earlier_offer, reserving_offer, seller, other_seller, other_opportunity
):
    draft = pay(services.order_create(offer=earlier_offer, by=other_seller), other_seller)
    reserve_for_a(reserving_offer, seller)

    with pytest.raises(ValidationError) as exc:
        services.order_modify(order=draft, by=other_seller)

    assert RESERVED % reserving_offer.opportunity_id in " ".join(exc.value.messages)
    assert Order.objects.get(pk=draft.pk).status == Order.Status.DRAFT
    assert other_opportunity.offers.count() == 1


def test_the_offer_page_offers_neither_order_nor_modify_and_says_why(
    client, earlier_offer, reserving_offer, seller, other_seller
):
    reserve_for_a(reserving_offer, seller)
    offer = selectors.offer_get_for_user(user=other_seller, pk=earlier_offer.pk)
    names = [a["name"] for a in sales_actions.available_actions(offer, other_seller)]
    assert "commander" not in names and "modifier" not in names
    assert "annuler" in names  # abandoning stays possible

    client.force_login(other_seller)
    page = client.get(reverse("opportunities:offer_detail", args=[offer.pk])).content.decode()
    assert RESERVED % reserving_offer.opportunity_id in page.replace("&#x27;", "'")
    assert reverse("opportunities:offer_action", args=[offer.pk, "commander"]) not in page


def test_the_reserving_opportunity_orders_and_the_sale_ends_the_reservation(
    switch_on, reserving_offer, seller, manager, preentry_car
):
    reservation = reserve_for_a(reserving_offer, seller)
    offer = Offer.objects.get(pk=reserving_offer.pk)
    names = [
        a["name"]
        for a in sales_actions.available_actions(
            selectors.offer_get_for_user(user=seller, pk=offer.pk), seller
        )
    ]
    assert "commander" in names

    order = services.order_submit(
        order=pay(services.order_create(offer=offer, by=seller), seller), by=seller
    )
    order = services.order_validate(order=order, by=manager)

    assert order.status == Order.Status.ORDERED
    reservation.refresh_from_db()
    assert (reservation.status, reservation.end_reason) == ("terminee", "véhicule vendu")
    preentry_car.refresh_from_db()
    assert preentry_car.status == "livraison"


def test_an_unreserved_vehicle_costs_no_query_for_the_buttons(
    validated_offer, seller, django_assert_num_queries
):
    offer = selectors.offer_get_for_user(user=seller, pk=validated_offer.pk)
    sales_actions.available_actions(offer, seller)  # warm the user's cached rights
    with django_assert_num_queries(0):
        names = [a["name"] for a in sales_actions.available_actions(offer, seller)]
    assert "commander" in names
