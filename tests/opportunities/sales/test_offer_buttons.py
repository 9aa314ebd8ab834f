"""The buttons of an offer are its transitions open to the user (models + rights)."""

import pytest
from django.urls import reverse

from opportunities.sales import selectors, services
from opportunities.sales.actions import available_actions
from opportunities.sales.models import Offer

pytestmark = pytest.mark.django_db


def _names(offer, user) -> list[str]:
    offer = selectors.offer_get_for_user(user=user, pk=offer.pk)
    return [a["name"] for a in available_actions(offer, user)]


def test_an_offer_in_progress(offer, seller, manager):
    assert _names(offer, seller) == ["valider", "dupliquer", "annuler"]
    assert _names(offer, manager) == ["valider", "dupliquer", "annuler"]


def test_a_validated_offer_then_ordered(validated_offer, seller):
    assert _names(validated_offer, seller) == ["commander", "modifier", "dupliquer", "annuler"]
    services.order_create(offer=validated_offer, by=seller)
    # A live order holds the offer: no second order, no change, no cancellation.
    assert _names(validated_offer, seller) == ["dupliquer"]


def test_a_manager_of_another_point_of_sale_gets_nothing(offer, other_manager):
    offer = Offer.objects.select_related("opportunity").get(pk=offer.pk)
    assert available_actions(offer, other_manager) == []


def test_an_abandoned_opportunity_leaves_no_button(offer, seller):
    services.opportunity_abandon(opportunity=offer.opportunity, by=seller, reason="Parti")
    offer = Offer.objects.select_related("opportunity").get(pk=offer.pk)
    assert available_actions(offer, seller) == []


def test_the_page_posts_each_button_to_its_action(client, offer, seller):
    client.force_login(seller)
    page = client.get(reverse("opportunities:offer_detail", args=[offer.pk])).text
    assert reverse("opportunities:offer_action", args=[offer.pk, "valider"]) in page
    assert reverse("opportunities:offer_action", args=[offer.pk, "commander"]) not in page
    assert (
        client.post(reverse("opportunities:offer_action", args=[offer.pk, "x"])).status_code == 404
    )
