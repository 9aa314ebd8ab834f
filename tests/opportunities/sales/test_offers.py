"""Offers (O-3, O-4, O-9, V-10): created on a vehicle, joined to the test-drive
opportunity, duplicated, modified, validated and cancelled."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from opportunities.products.models import VehicleProduct
from opportunities.sales import services
from opportunities.sales.models import Offer, OfferLine, Opportunity, OpportunityEvent
from tests.opportunities.factories import CustomerFactory, PackElementFactory, ProductFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import VehicleEvent
from vehicles.services import vehicle_status_follow_sale

pytestmark = pytest.mark.django_db

OS = Offer.Status


def status_of(offer) -> str:
    return Offer.objects.get(pk=offer.pk).status


def test_an_offer_takes_the_vehicle_price_and_is_recorded_on_both_sides(offer, car, seller):
    assert (offer.status, offer.vehicle_price, offer.created_by) == (
        OS.OPEN,
        Decimal("15000.00"),
        seller,
    )
    assert OpportunityEvent.objects.filter(
        opportunity=offer.opportunity, kind=OpportunityEvent.Kind.OFFER
    ).exists()
    assert VehicleEvent.objects.filter(vehicle=car, kind=VehicleEvent.Kind.OFFER).exists()


def test_an_offer_proposes_the_best_pack_and_the_vehicle_products(opportunity, car, seller):
    """V-10: the dearest fitting pack, and the products attached to the vehicle."""
    element = PackElementFactory(price=Decimal("300.00"))
    accessory = ProductFactory(name="Attelage", price=Decimal("450.00"))
    VehicleProduct.objects.create(vehicle=car, product=accessory)

    offer = services.offer_create(opportunity=opportunity, vehicle=car, by=seller)

    assert offer.pack == element.pack
    assert sorted(offer.lines.values_list("kind", "label", "amount")) == [
        ("accessoire", "Attelage", Decimal("450.00")),
        ("pack", element.label, Decimal("300.00")),
    ]
    assert services.offer_totals(offer).total_ttc == Decimal("15750.00")


def test_the_empty_weight_of_a_configurator_vehicle_is_copied(opportunity, site, seller):
    """O-4: for the weight penalty (malus au poids) of the administrative fees."""
    vn = VehicleFactory(physical_site=site, from_configurator=True, empty_weight=1480)

    offer = services.offer_create(opportunity=opportunity, vehicle=vn, by=seller)
    services.offer_validate(offer=offer, by=seller)
    order = services.order_create(offer=offer, by=seller)

    assert offer.empty_weight == 1480
    assert order.snapshot["vehicle"]["empty_weight"] == 1480


def test_the_empty_weight_of_another_vehicle_is_not_copied(opportunity, site, seller):
    other = VehicleFactory(physical_site=site, from_configurator=False, empty_weight=1480)

    offer = services.offer_create(opportunity=opportunity, vehicle=other, by=seller)

    assert offer.empty_weight is None


def test_no_offer_on_a_vehicle_that_left_the_stock(opportunity, site, seller):
    gone = VehicleFactory(physical_site=site, status="sortie")

    with pytest.raises(ValidationError) as exc:
        services.offer_create(opportunity=opportunity, vehicle=gone, by=seller)

    assert "vehicle" in exc.value.message_dict
    assert not Offer.objects.exists()


def test_no_offer_in_an_abandoned_opportunity(opportunity, car, seller):
    services.opportunity_abandon(opportunity=opportunity, by=seller, reason="Injoignable")

    with pytest.raises(ValidationError):
        services.offer_create(opportunity=opportunity, vehicle=car, by=seller)

    assert not Offer.objects.exists()


# --- O-9: the offer joins the test-drive opportunity -----------------------------------


def plan_test_drive(opportunity, vehicle, by):
    return services.appointment_create(
        opportunity=opportunity,
        by=by,
        kind="essai",
        vehicle=vehicle,
        starts_at=timezone.now() + timedelta(days=1),
    )


def test_an_offer_for_the_customer_of_a_test_drive_on_the_vehicle_joins_its_opportunity(
    opportunity, customer, car, seller
):
    plan_test_drive(opportunity, car, seller)

    offer = services.offer_create(customer=customer, vehicle=car, by=seller)

    assert offer.opportunity_id == opportunity.pk
    assert Opportunity.objects.count() == 1


def test_without_a_test_drive_the_offer_opens_a_new_opportunity(
    opportunity, customer, car, seller, pos
):
    offer = services.offer_create(customer=customer, vehicle=car, by=seller)

    assert offer.opportunity_id != opportunity.pk
    created = Opportunity.objects.get(pk=offer.opportunity_id)
    assert (created.customer, created.salesperson, created.point_of_sale) == (
        customer,
        seller,
        pos,
    )


def test_a_test_drive_on_another_vehicle_or_of_another_customer_is_not_joined(
    opportunity, customer, car, site, seller, pos
):
    plan_test_drive(opportunity, VehicleFactory(physical_site=site), seller)
    other_customer = CustomerFactory(point_of_sale=pos)
    other_opportunity = services.opportunity_create(
        customer=other_customer, salesperson=seller, point_of_sale=pos, by=seller
    )
    plan_test_drive(other_opportunity, car, seller)

    offer = services.offer_create(customer=customer, vehicle=car, by=seller)

    assert offer.opportunity_id not in (opportunity.pk, other_opportunity.pk)


def test_a_closed_test_drive_opportunity_is_not_joined(opportunity, customer, car, seller):
    plan_test_drive(opportunity, car, seller)
    services.opportunity_abandon(opportunity=opportunity, by=seller, reason="Parti")

    offer = services.offer_create(customer=customer, vehicle=car, by=seller)

    assert offer.opportunity_id != opportunity.pk
    assert Opportunity.objects.get(pk=offer.opportunity_id).status == Opportunity.Status.OPEN


# --- Validation ------------------------------------------------------------------------


def test_the_customer_accepts_the_offer(offer, seller):
    validated = services.offer_validate(offer=offer, by=seller)

    assert validated.status == OS.VALIDATED
    assert validated.validated_at is not None


def test_an_offer_is_validated_once(validated_offer, seller):
    with pytest.raises(ValidationError):
        services.offer_validate(offer=validated_offer, by=seller)


def test_an_offer_without_price_cannot_be_validated(offer, seller):
    services.offer_update(offer=offer, by=seller, vehicle_price=Decimal("0.00"))

    with pytest.raises(ValidationError) as exc:
        services.offer_validate(offer=offer, by=seller)

    assert "vehicle_price" in exc.value.message_dict
    assert status_of(offer) == OS.OPEN


def test_abandoning_the_opportunity_cancels_its_offers(offer, validated_offer, seller):
    services.opportunity_abandon(opportunity=offer.opportunity, by=seller, reason="Parti")

    assert status_of(validated_offer) == OS.CANCELLED
    with pytest.raises(ValidationError):
        services.offer_validate(offer=validated_offer, by=seller)


def test_no_validation_once_the_vehicle_left(offer, car, seller):
    vehicle_status_follow_sale(vehicle=car, to="sortie", by=seller, reason="vendu ailleurs")

    with pytest.raises(ValidationError):
        services.offer_validate(offer=offer, by=seller)

    assert status_of(offer) == OS.OPEN


# --- Duplicate, modify, cancel ----------------------------------------------------------


def lines_of(offer) -> list:
    return list(
        OfferLine.objects.filter(offer=offer)
        .order_by("position", "label")
        .values_list("kind", "label", "amount")
    )


@pytest.fixture
def priced_offer(offer, seller):
    services.offer_update(
        offer=offer,
        by=seller,
        vehicle_price=Decimal("14500.00"),
        administrative_fees=Decimal("276.76"),
        deposit=Decimal("500.00"),
        lines=[("remise", "Remise", Decimal("300.00"), None)],
    )
    return Offer.objects.get(pk=offer.pk)


def test_an_offer_is_duplicated(priced_offer, seller):
    """O-3 "An offer may be duplicated"; several offers live in one opportunity."""
    copy = services.offer_duplicate(offer=priced_offer, by=seller)

    assert copy.pk != priced_offer.pk
    assert (copy.status, copy.previous, copy.opportunity) == (
        OS.OPEN,
        priced_offer,
        priced_offer.opportunity,
    )
    assert (copy.vehicle_price, copy.administrative_fees, copy.deposit) == (
        Decimal("14500.00"),
        Decimal("276.76"),
        Decimal("500.00"),
    )
    assert lines_of(copy) == lines_of(priced_offer)
    assert status_of(priced_offer) == OS.OPEN


def test_a_validated_offer_is_modified_as_a_new_version(priced_offer, seller):
    """O-3: the validated offer is cancelled (annulée) and replaced by a version en cours."""
    services.offer_validate(offer=priced_offer, by=seller)

    new = services.offer_modify(offer=priced_offer, by=seller)

    assert status_of(priced_offer) == OS.CANCELLED
    assert (new.status, new.previous_id) == (OS.OPEN, priced_offer.pk)
    assert lines_of(new) == lines_of(priced_offer)
    assert new.vehicle_price == Decimal("14500.00")


def test_an_offer_in_progress_is_modified_in_place(offer, seller):
    assert services.offer_modify(offer=offer, by=seller).pk == offer.pk
    assert Offer.objects.count() == 1


def test_a_cancelled_offer_is_not_modified(offer, seller):
    services.offer_cancel(offer=offer, by=seller)

    with pytest.raises(ValidationError):
        services.offer_modify(offer=offer, by=seller)

    assert Offer.objects.count() == 1


def test_an_ordered_offer_is_modified_through_its_order(draft_order, seller):
    with pytest.raises(ValidationError):
        services.offer_modify(offer=draft_order.offer, by=seller)

    assert status_of(draft_order.offer) == OS.VALIDATED
    assert Offer.objects.count() == 1


def test_an_offer_is_cancelled(offer, seller):
    services.offer_cancel(offer=offer, by=seller, reason="Trop cher")

    offer = Offer.objects.get(pk=offer.pk)
    assert offer.status == OS.CANCELLED
    assert offer.cancelled_at is not None
    assert OpportunityEvent.objects.filter(message__contains="annulée : Trop cher").exists()


def test_an_offer_with_a_live_order_cannot_be_cancelled(draft_order, seller):
    with pytest.raises(ValidationError):
        services.offer_cancel(offer=draft_order.offer, by=seller)

    assert status_of(draft_order.offer) == OS.VALIDATED


def test_an_offer_whose_order_was_cancelled_can_be_cancelled(draft_order, seller):
    services.order_cancel(order=draft_order, by=seller, reason="Erreur")

    services.offer_cancel(offer=draft_order.offer, by=seller)

    assert status_of(draft_order.offer) == OS.CANCELLED


def test_an_offer_is_cancelled_once(offer, seller):
    services.offer_cancel(offer=offer, by=seller)

    with pytest.raises(ValidationError):
        services.offer_cancel(offer=offer, by=seller)


def test_a_reason_with_a_percent_sign_is_recorded_as_typed(offer, seller):
    services.offer_cancel(offer=offer, by=seller, reason="Remise de 10 % refusée")

    assert OpportunityEvent.objects.filter(message__endswith="Remise de 10 % refusée").exists()


def test_a_duplicate_needs_an_open_opportunity(offer, seller):
    services.opportunity_abandon(opportunity=offer.opportunity, by=seller, reason="Parti")

    with pytest.raises(ValidationError):
        services.offer_duplicate(offer=offer, by=seller)

    assert Offer.objects.count() == 1
