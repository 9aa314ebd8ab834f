"""Pre-entry reservation of used vehicles (V-11) and its effect on publication (V-12)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openflex.notifications.models import Notification, OutboundEmail
from opportunities.reservations import services as reservations
from opportunities.reservations.models import Reservation
from opportunities.sales import services
from opportunities.sales.models import Offer
from tests.accounts.factories import UserFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import LifelineStatus, VehicleEvent
from vehicles.services import (
    lifeline_status_create,
    publication_criteria,
    vehicle_status_change,
)

pytestmark = pytest.mark.django_db


def move(vehicle, to, by=None, reason=""):
    return vehicle_status_change(vehicle=vehicle, to=to, by=by, reason=reason, check_rights=False)


def reserve(offer, by):
    return reservations.reservation_create(offer=offer, by=by)


# --- Reserving ----------------------------------------------------------------------


def test_the_switch_off_refuses(reserving_offer, seller):
    with pytest.raises(ValidationError) as exc:
        reserve(reserving_offer, seller)
    assert "n'est pas activée" in exc.value.messages[0]
    assert not Reservation.objects.exists()


def test_reserving_holds_without_end_and_unpublishes(
    switch_on, reserving_offer, seller, preentry_car
):
    # In sales stock a vehicle would be published; in pré-entrée it is not: check the
    # criterion itself, and the history line.
    reservation = reserve(reserving_offer, seller)

    assert reservation.status == Reservation.Status.ACTIVE
    assert (reservation.kind, reservation.ends_at) == ("illimitee", None)
    assert reservation.opportunity == reserving_offer.opportunity
    preentry_car.refresh_from_db()
    assert (preentry_car.reservation_kind, preentry_car.reservation_ends_at) == ("illimitee", None)
    assert not preentry_car.is_published
    criteria = {str(label): ok for label, ok in publication_criteria(preentry_car)}
    assert criteria["Non réservé sans limite de durée"] is False
    event = preentry_car.events.get(kind=VehicleEvent.Kind.RESERVATION)
    assert event.by == seller
    assert f"opportunité n° {reserving_offer.opportunity_id}" in event.message
    assert f"offre n° {reserving_offer.pk}" in event.message


def test_reserving_unpublishes_a_published_vehicle(switch_on, reserving_offer, seller):
    """Even a vehicle published through another sellable status loses its publication."""
    from vehicles.models import Vehicle

    Vehicle.objects.filter(pk=reserving_offer.vehicle_id).update(is_published=True)
    reserve(reserving_offer, seller)
    vehicle = Vehicle.objects.get(pk=reserving_offer.vehicle_id)
    assert not vehicle.is_published
    assert vehicle.events.filter(
        kind=VehicleEvent.Kind.PUBLICATION, message__contains="Non réservé sans limite"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"parc": "VN"}, "Seuls les véhicules d'occasion"),
        ({"parc": "VD"}, "Seuls les véhicules d'occasion"),
        ({"destination": "professionnel"}, "destinés aux particuliers"),
        ({"status": "entree_physique"}, "n'est plus en pré-entrée"),
        ({"status": "stock_vente"}, "n'est plus en pré-entrée"),
    ],
)
def test_only_a_private_vo_in_pre_entry_is_reserved(
    switch_on, opportunity, seller, site, changes, message
):
    fields = {"status": "pre_entree", "parc": "VO", "destination": "particulier", **changes}
    vehicle = VehicleFactory(physical_site=site, **fields)
    offer = services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
    offer = services.offer_validate(offer=offer, by=seller)

    with pytest.raises(ValidationError) as exc:
        reserve(offer, seller)
    assert message in exc.value.messages[0]
    vehicle.refresh_from_db()
    assert vehicle.reservation_kind == ""


def test_an_offer_in_progress_does_not_reserve(switch_on, opportunity, preentry_car, seller):
    offer = services.offer_create(opportunity=opportunity, vehicle=preentry_car, by=seller)
    with pytest.raises(ValidationError) as exc:
        reserve(offer, seller)
    assert "offre validée" in exc.value.messages[0]


def test_a_sold_vehicle_is_not_sellable(
    switch_on, reserving_offer, seller, manager, other_opportunity, other_seller, preentry_car
):
    """A live order on the vehicle (not a draft) makes it sold: another opportunity's
    validated offer can no longer reserve it. Waiting for validation, the vehicle is still
    in pré-entrée; once validated, it is in livraison at once (same transaction)."""
    from opportunities.sales.models import Order

    offer = services.offer_create(
        opportunity=other_opportunity, vehicle=preentry_car, by=other_seller
    )
    offer = services.offer_validate(offer=offer, by=other_seller)
    order = services.order_create(offer=offer, by=other_seller)
    services.order_payment_update(
        order=order,
        by=other_seller,
        balance_method="virement",
        deposit_amount=order.deposit_amount,
        deposit_method="",
        deposit_not_online=False,
    )
    order = services.order_submit(order=order, by=other_seller)
    assert order.status == Order.Status.PENDING_VALIDATION
    with pytest.raises(ValidationError) as exc:
        reserve(Offer.objects.get(pk=reserving_offer.pk), seller)
    assert "vendu" in exc.value.messages[0]

    assert services.order_validate(order=order, by=manager).status == Order.Status.ORDERED
    with pytest.raises(ValidationError) as exc:
        reserve(Offer.objects.get(pk=reserving_offer.pk), seller)
    assert "plus en pré-entrée" in exc.value.messages[0]


def test_a_vehicle_reserved_by_a_customer_is_not_reserved_again(
    switch_on, reserving_offer, seller, preentry_car
):
    from vehicles.services import vehicle_reservation_set

    vehicle_reservation_set(vehicle=preentry_car, kind="client")
    with pytest.raises(ValidationError) as exc:
        reserve(reserving_offer, seller)
    assert "réservé par un client" in exc.value.messages[0]


def test_another_salesperson_cannot_reserve_from_someone_elses_offer(
    switch_on, reserving_offer, other_seller
):
    with pytest.raises(PermissionDenied):
        reserve(reserving_offer, other_seller)


def test_a_second_reservation_is_refused_with_a_clear_message(switch_on, reserving_offer, seller):
    reserve(reserving_offer, seller)
    with pytest.raises(ValidationError) as exc:
        reserve(reserving_offer, seller)
    assert "déjà réservé" in exc.value.messages[0]
    assert Reservation.objects.count() == 1


# --- Other opportunities are blocked ----------------------------------------------------


def test_another_opportunity_cannot_make_or_validate_an_offer(
    switch_on, reserving_offer, seller, other_opportunity, other_seller, preentry_car
):
    # An offer prepared before the reservation cannot be validated afterwards.
    earlier = services.offer_create(
        opportunity=other_opportunity, vehicle=preentry_car, by=other_seller
    )
    reserve(reserving_offer, seller)
    preentry_car.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        services.offer_create(opportunity=other_opportunity, vehicle=preentry_car, by=other_seller)
    text = exc.value.message_dict["vehicle"][0]
    assert f"Véhicule réservé par l'opportunité n° {reserving_offer.opportunity_id}" in text
    assert seller.get_full_name() in text

    with pytest.raises(ValidationError) as exc:
        services.offer_validate(offer=earlier, by=other_seller)
    assert "Véhicule réservé par l'opportunité" in exc.value.message_dict["vehicle"][0]


def test_the_reserving_opportunity_keeps_working(
    switch_on, reserving_offer, seller, opportunity, preentry_car
):
    reserve(reserving_offer, seller)
    preentry_car.refresh_from_db()
    assert reservations.reservation_refusal(vehicle=preentry_car, opportunity=opportunity) is None
    second = services.offer_create(opportunity=opportunity, vehicle=preentry_car, by=seller)
    services.offer_validate(offer=second, by=seller)
    assert Offer.objects.filter(opportunity=opportunity, status="validee").count() == 2


def test_an_unreserved_vehicle_costs_no_query(preentry_car, opportunity, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert (
            reservations.reservation_refusal(vehicle=preentry_car, opportunity=opportunity) is None
        )


# --- Ending ---------------------------------------------------------------------------


def test_abandoning_the_validated_offer_ends_it_and_republishes(
    switch_on, reserving_offer, seller, preentry_car
):
    reservation = reserve(reserving_offer, seller)
    # Eligible for publication apart from the reservation: in sales stock through a
    # status it would have after a correction; here we check the criterion is back.
    services.offer_cancel(offer=reserving_offer, by=seller, reason="Client parti")

    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.ENDED
    assert reservation.ended_by == seller
    assert f"offre n° {reserving_offer.pk} abandonnée" in reservation.end_reason
    preentry_car.refresh_from_db()
    assert preentry_car.reservation_kind == ""
    criteria = {str(label): ok for label, ok in publication_criteria(preentry_car)}
    assert criteria["Non réservé sans limite de durée"] is True
    assert preentry_car.events.filter(
        kind=VehicleEvent.Kind.RESERVATION, message__contains="terminée par"
    ).exists()


def test_the_vehicle_is_published_again_when_eligible(switch_on, seller, opportunity, site):
    """A reserved vehicle moved to sales stock (48 h) is unpublished only while unlimited;
    abandoning the offer leaves it published when every criterion holds."""
    from vehicles.models import Vehicle

    vehicle = VehicleFactory(physical_site=site, status="pre_entree")
    offer = services.offer_validate(
        offer=services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller),
        by=seller,
    )
    reserve(offer, seller)
    move(vehicle, "entree_physique")
    move(Vehicle.objects.get(pk=vehicle.pk), "stock_vente")
    vehicle = Vehicle.objects.get(pk=vehicle.pk)
    assert vehicle.reservation_kind == "48h"
    assert vehicle.is_published  # a 48 h reservation does not unpublish

    services.offer_cancel(offer=offer, by=seller)
    vehicle = Vehicle.objects.get(pk=vehicle.pk)
    assert vehicle.reservation_kind == ""
    assert vehicle.is_published


def test_republished_when_eligible_after_abandon(switch_on, seller, opportunity, site):
    """In sales stock with an unlimited reservation (a vehicle reserved then its lifeline
    corrected): unpublished while reserved, published again once the offer is abandoned."""
    from vehicles.models import Vehicle
    from vehicles.services import vehicle_reservation_set

    vehicle = VehicleFactory(physical_site=site, status="stock_vente")
    offer = services.offer_validate(
        offer=services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller),
        by=seller,
    )
    Reservation.objects.create(
        offer=offer, vehicle=vehicle, opportunity=opportunity, reserved_by=seller
    )
    vehicle_reservation_set(vehicle=vehicle, kind="illimitee")
    assert not Vehicle.objects.get(pk=vehicle.pk).is_published

    services.offer_cancel(offer=offer, by=seller)
    vehicle = Vehicle.objects.get(pk=vehicle.pk)
    assert vehicle.is_published
    assert vehicle.events.filter(kind=VehicleEvent.Kind.PUBLICATION, message__startswith="Publié")


def test_a_manager_ends_it_with_a_reason(switch_on, reserving_offer, seller, manager, preentry_car):
    reservation = reserve(reserving_offer, seller)

    with pytest.raises(ValidationError):
        reservations.reservation_end(reservation=reservation, by=manager, reason=" ", manager=True)
    reservations.reservation_end(
        reservation=reservation, by=manager, reason="Client injoignable", manager=True
    )

    reservation.refresh_from_db()
    assert (reservation.status, reservation.ended_by, reservation.end_reason) == (
        "terminee",
        manager,
        "Client injoignable",
    )
    event = preentry_car.events.filter(kind=VehicleEvent.Kind.RESERVATION).first()
    assert "annulée par" in event.message and "Client injoignable" in event.message
    assert event.by == manager
    with pytest.raises(ValidationError):
        reservations.reservation_end(
            reservation=reservation, by=manager, reason="encore", manager=True
        )


@pytest.mark.parametrize("group_type", ["directeur", "admin"])
def test_directors_and_admins_are_managers(switch_on, reserving_offer, seller, pos, group_type):
    reservation = reserve(reserving_offer, seller)
    user = UserFactory(group_type=group_type, points_of_sale=[pos])
    reservations.reservation_end(reservation=reservation, by=user, reason="ok", manager=True)
    reservation.refresh_from_db()
    assert reservation.status == "terminee"


def test_a_salesperson_or_a_foreign_manager_cannot_end_it(
    switch_on, reserving_offer, seller, other_seller
):
    from tests.accounts.factories import PointOfSaleFactory

    reservation = reserve(reserving_offer, seller)
    foreign = UserFactory(group_type="chef-des-ventes", points_of_sale=[PointOfSaleFactory()])
    for user in (seller, other_seller, foreign):
        with pytest.raises(PermissionDenied):
            reservations.reservation_end(reservation=reservation, by=user, reason="x", manager=True)
    reservation.refresh_from_db()
    assert reservation.status == "active"


def test_the_status_is_protected(switch_on, reserving_offer, seller):
    reservation = reserve(reserving_offer, seller)
    with pytest.raises(AttributeError):
        reservation.status = "terminee"


def test_bulk_abandon_of_inactive_opportunities_ends_the_reservation(
    switch_on, reserving_offer, seller, preentry_car
):
    reservation = reserve(reserving_offer, seller)
    ended = reservations.reservations_end_for_opportunities(
        opportunity_ids=[reserving_offer.opportunity_id], reason="Aucune activité"
    )
    assert ended == 1
    reservation.refresh_from_db()
    assert reservation.status == "terminee"
    preentry_car.refresh_from_db()
    assert preentry_car.reservation_kind == ""


# --- The lifeline -----------------------------------------------------------------------


def test_entree_physique_cuts_it_to_48h_and_tells_the_salesperson(
    switch_on, reserving_offer, seller, manager, preentry_car, django_capture_on_commit_callbacks
):
    reservation = reserve(reserving_offer, seller)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        move(preentry_car, "entree_physique", by=manager)

    reservation.refresh_from_db()
    assert reservation.kind == "48h"
    assert (
        before + timedelta(hours=48) <= reservation.ends_at <= timezone.now() + timedelta(hours=48)
    )
    preentry_car.refresh_from_db()
    assert (preentry_car.reservation_kind, preentry_car.reservation_ends_at) == (
        "48h",
        reservation.ends_at,
    )
    email = OutboundEmail.objects.get(kind="reservation_48h")
    assert email.to == seller.email and email.recipient == seller
    assert "finalisez la vente" in email.body_text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [seller.email]
    notification = Notification.objects.get(recipient=seller, kind="reservation_48h")
    assert f"/opportunites/{reserving_offer.opportunity_id}/" in notification.url
    assert preentry_car.events.filter(
        kind=VehicleEvent.Kind.RESERVATION, message__contains="ramenée à 48 h"
    ).exists()


def test_a_custom_status_after_pre_entry_also_cuts_to_48h(
    switch_on, reserving_offer, seller, preentry_car
):
    """Decision: leaving pré-entrée forward ends the unlimited time, whatever the status."""
    custom = lifeline_status_create(
        label="En transport", after=LifelineStatus.objects.get(code="pre_entree")
    )
    reservation = reserve(reserving_offer, seller)
    move(preentry_car, custom.code)
    reservation.refresh_from_db()
    assert reservation.kind == "48h"
    assert Notification.objects.filter(recipient=seller, kind="reservation_48h").count() == 1


def test_back_to_pre_entry_keeps_the_48h(switch_on, reserving_offer, seller, preentry_car):
    """Decision: the clock started at entrée physique does not restart nor stop."""
    from vehicles.models import Vehicle

    reservation = reserve(reserving_offer, seller)
    move(preentry_car, "entree_physique")
    reservation.refresh_from_db()
    ends_at = reservation.ends_at
    move(Vehicle.objects.get(pk=preentry_car.pk), "pre_entree", reason="Erreur de saisie")
    reservation.refresh_from_db()
    assert (reservation.status, reservation.kind, reservation.ends_at) == (
        "active",
        "48h",
        ends_at,
    )
    assert Notification.objects.filter(kind="reservation_48h").count() == 1


def test_the_sale_moving_the_vehicle_to_delivery_ends_it(
    switch_on, reserving_offer, seller, preentry_car
):
    """Decision: an order puts the vehicle in livraison: the reservation did its job."""
    from vehicles.services import vehicle_status_follow_sale

    reservation = reserve(reserving_offer, seller)
    vehicle_status_follow_sale(vehicle=preentry_car, to="livraison", by=seller, reason="Commande")
    reservation.refresh_from_db()
    assert reservation.status == "terminee"
    assert reservation.end_reason == "véhicule vendu"
    preentry_car.refresh_from_db()
    assert preentry_car.reservation_kind == ""


# --- Expiry ----------------------------------------------------------------------------


def test_the_expiry_job_ends_expired_reservations_once(
    switch_on, reserving_offer, seller, preentry_car
):
    reservation = reserve(reserving_offer, seller)
    move(preentry_car, "entree_physique")
    reservation.refresh_from_db()

    assert reservations.reservations_expire(now=reservation.ends_at - timedelta(minutes=1)) == 0
    later = reservation.ends_at + timedelta(minutes=1)
    assert reservations.reservations_expire(now=later) == 1
    assert reservations.reservations_expire(now=later) == 0

    reservation.refresh_from_db()
    assert reservation.status == "terminee" and reservation.ended_by is None
    assert reservation.end_reason == "délai de 48 h écoulé"
    preentry_car.refresh_from_db()
    assert (preentry_car.reservation_kind, preentry_car.reservation_ends_at) == ("", None)
    assert (
        preentry_car.events.filter(
            kind=VehicleEvent.Kind.RESERVATION, message__contains="expirée"
        ).count()
        == 1
    )


def test_the_expiry_job_leaves_unlimited_reservations(switch_on, reserving_offer, seller):
    reserve(reserving_offer, seller)
    assert reservations.reservations_expire(now=timezone.now() + timedelta(days=3650)) == 0


def test_modifying_the_reserving_offer_keeps_the_vehicle_reserved(
    switch_on, reserving_offer, seller, preentry_car, other_opportunity, other_seller
):
    """V-11: "Modifier" on the validated offer moves the reservation to its new version."""
    reservation = reservations.reservation_create(offer=reserving_offer, by=seller)
    copy = services.offer_modify(offer=reserving_offer, by=seller)
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.ACTIVE
    assert reservation.offer_id == copy.pk
    with pytest.raises(ValidationError, match="réservé"):
        services.offer_create(opportunity=other_opportunity, vehicle=preentry_car, by=other_seller)
    services.offer_validate(offer=copy, by=seller)
    services.offer_cancel(offer=copy, by=seller)  # abandoning the new version frees it
    reservation.refresh_from_db()
    assert reservation.status != Reservation.Status.ACTIVE
