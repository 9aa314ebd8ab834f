"""An offer on a vehicle already ordered, or owned by another point of sale (issue 13).

The offer page says so as soon as the offer is made and after it is validated: the order
number of the live order, or the ownership transfer that the order will need (naming the
owning point of sale). Nothing that is allowed today is blocked: the offer is made and
validated as before; "Passer la commande" still refuses an ordered vehicle, and still
requests the transfer.
"""

import pytest
from django.urls import reverse

from opportunities.sales import services
from opportunities.sales.models import Offer
from tests.accounts.factories import PhysicalSiteFactory, PointOfSaleFactory
from tests.opportunities.factories import CustomerFactory
from tests.opportunities.sales.journey import draft_order_on
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

TRANSFER = "un transfert de propriété sera nécessaire"


def page_of(client, user, offer) -> str:
    client.force_login(user)
    response = client.get(reverse("opportunities:offer_detail", args=[offer.pk]))
    assert response.status_code == 200
    return " ".join(response.content.decode().replace("&#x27;", "'").replace("\xa0", " ").split())


@pytest.fixture
def ordered_car(car, pos, seller):
    """The car already has a live order, from another customer's opportunity."""
    order = draft_order_on(vehicle=car, customer=CustomerFactory(point_of_sale=pos), seller=seller)
    return services.order_submit(order=order, by=seller)


def test_an_offer_on_an_ordered_vehicle_says_so_when_made_and_when_validated(
    client, ordered_car, opportunity, car, seller
):
    offer = services.offer_create(opportunity=opportunity, vehicle=car, by=seller)

    notice = f"Ce véhicule est déjà commandé (commande n° {ordered_car.pk}"
    assert notice in page_of(client, seller, offer)
    # Not blocked: the customer may still accept the offer (e.g. if the order falls through).
    offer = services.offer_validate(offer=offer, by=seller)
    assert offer.status == Offer.Status.VALIDATED
    assert notice in page_of(client, seller, offer)


def test_the_notice_goes_once_the_order_is_cancelled(
    client, ordered_car, opportunity, car, seller, manager
):
    offer = services.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    services.order_cancel(order=ordered_car, by=manager, reason="Le client renonce")

    assert "déjà commandé" not in page_of(client, seller, offer)


def test_an_offer_on_a_vehicle_of_another_point_of_sale_names_the_transfer(
    client, opportunity, pos, seller
):
    other = PointOfSaleFactory(entity=pos.entity, name="Garage des Lilas")
    seller.points_of_sale.add(other)  # he sees both stocks
    foreign = VehicleFactory(physical_site=PhysicalSiteFactory(point_of_sale=other))

    offer = services.offer_create(opportunity=opportunity, vehicle=foreign, by=seller)
    page = page_of(client, seller, offer)
    assert TRANSFER in page and "Garage des Lilas" in page

    offer = services.offer_validate(offer=offer, by=seller)
    page = page_of(client, seller, offer)
    assert TRANSFER in page and "Garage des Lilas" in page
    # "Passer la commande" is still offered (the order will wait for the transfer).
    assert reverse("opportunities:offer_action", args=[offer.pk, "commander"]) in page


def test_an_offer_on_a_free_vehicle_of_its_point_of_sale_says_nothing(
    client, validated_offer, seller
):
    page = page_of(client, seller, validated_offer)

    assert "déjà commandé" not in page and TRANSFER not in page


def test_the_notices_come_from_the_services(ordered_car, opportunity, car, seller):
    offer = services.offer_create(opportunity=opportunity, vehicle=car, by=seller)

    notices = services.offer_vehicle_notices(offer=offer)

    assert [n["level"] for n in notices] == ["warning"]
    assert f"commande n° {ordered_car.pk}" in notices[0]["text"]
