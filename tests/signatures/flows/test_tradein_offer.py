"""S-4: the e-signature of a dry trade-in offer. Once the offer of reprise is validated,
"Envoyer pour e-signature" sends it when the customer has an email and a mobile; the
offer waits; refused, cancelled or expired → the offer is cancelled. Duplicating or
modifying it first asks for a confirmation ("la e-signature sera annulée")."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opportunities.sales import services as sales
from opportunities.sales.models import Offer
from opportunities.tradeins import services as tradeins
from opportunities.tradeins.models import TradeIn
from signatures.models import SignatureDocument, SignatureRequest
from signatures.requests import services as requests
from tests.opportunities.tradeins.conftest import validator, vehicle_data  # noqa: F401
from tests.signatures.flows.conftest import customer_signs

pytestmark = pytest.mark.django_db

R = SignatureRequest.Status


@pytest.fixture
def tradein_offer(opportunity, seller, validator, vehicle_data):  # noqa: F811
    """A validated dry trade-in and its offer of reprise (validated, on the VO)."""
    trade_in = tradeins.tradein_create(opportunity=opportunity, by=seller, **vehicle_data)
    trade_in = tradeins.tradein_validate(trade_in=trade_in, by=validator)
    return tradeins.tradein_offer_create(trade_in=trade_in, by=seller)


def _send(client, offer, user):
    client.force_login(user)
    return client.post(reverse("signatures:offer_send", args=[offer.pk]), follow=True)


def test_the_offer_of_reprise_is_validated_on_the_vo(tradein_offer):
    assert tradein_offer.status == Offer.Status.VALIDATED
    trade_in = TradeIn.objects.get(offer=tradein_offer)
    assert tradein_offer.vehicle_id == trade_in.stock_vehicle_id
    assert tradein_offer.trade_in_value == trade_in.proposed_value


def test_send_for_esignature_and_the_offer_waits(client, tradein_offer, seller):
    """S-4: the button on the offer page; the trade-in offer document is signed."""
    client.force_login(seller)
    page = client.get(reverse("opportunities:offer_detail", args=[tradein_offer.pk]))
    assert "Envoyer pour e-signature" in page.content.decode()
    response = _send(client, tradein_offer, seller)
    assert "l'offre attend la signature" in response.content.decode().replace("&#x27;", "'")
    request = SignatureRequest.objects.get(offer=tradein_offer)
    assert request.purpose == SignatureRequest.Purpose.TRADEIN_OFFER
    assert request.documents.get().kind == SignatureDocument.Kind.TRADEIN_OFFER
    assert Offer.objects.get(pk=tradein_offer.pk).status == Offer.Status.VALIDATED
    # Waiting: no second request.
    response = _send(client, tradein_offer, seller)
    assert "attend déjà une signature" in response.content.decode()
    assert SignatureRequest.objects.filter(offer=tradein_offer).count() == 1


def test_without_the_customers_email_the_button_explains(client, tradein_offer, seller):
    customer = tradein_offer.opportunity.customer
    customer.email = ""
    customer.save(update_fields=["email"])
    client.force_login(seller)
    html = client.get(reverse("opportunities:offer_detail", args=[tradein_offer.pk])).content
    assert "Envoyer pour e-signature</button>" not in html.decode()
    assert "l&#x27;email" in html.decode() or "l'email" in html.decode()
    _send(client, tradein_offer, seller)
    assert not SignatureRequest.objects.exists()


@pytest.mark.parametrize("outcome", ["expire", "refuse", "delete"])
def test_expired_refused_or_deleted_the_offer_is_cancelled(tradein_offer, seller, outcome):
    """S-4: the trade-in cascade."""
    request = services_send(tradein_offer, seller)
    if outcome == "expire":
        requests.signature_request_expire(request=request)
    elif outcome == "refuse":
        requests.signature_request_refuse(
            request=request, reason="Valeur trop basse", client=requests.Client()
        )
    else:
        requests.signature_request_delete(request=request, by=seller, reason="test")
    offer = Offer.objects.get(pk=tradein_offer.pk)
    assert offer.status == Offer.Status.CANCELLED


def test_signed_the_offer_stays_validated_and_the_trade_in_completes_on_it(tradein_offer, seller):
    """Signed: the customer accepted; "Finaliser la reprise" ends this very offer
    terminée (no second offer)."""
    customer_signs(services_send(tradein_offer, seller))
    assert Offer.objects.get(pk=tradein_offer.pk).status == Offer.Status.VALIDATED
    trade_in = TradeIn.objects.get(offer=tradein_offer)
    tradeins.tradein_complete(trade_in=trade_in, by=seller)
    assert Offer.objects.get(pk=tradein_offer.pk).status == Offer.Status.FINISHED
    assert Offer.objects.filter(opportunity=tradein_offer.opportunity).count() == 1


def test_duplicating_a_waiting_offer_asks_for_a_confirmation_then_cancels(
    client, tradein_offer, seller
):
    """S-4: "Dupliquer" first says that the e-signature will be cancelled; without the
    confirmation the service refuses; confirmed, the request is supprimé and the offer
    cancelled, the copy opens."""
    request = services_send(tradein_offer, seller)
    client.force_login(seller)
    html = client.get(reverse("opportunities:offer_detail", args=[tradein_offer.pk])).content
    assert "la e-signature sera annulée" in html.decode()
    with pytest.raises(ValidationError) as refused:
        sales.offer_duplicate(offer=tradein_offer, by=seller)
    assert [e.code for e in refused.value.error_list] == ["confirm"]
    response = client.post(
        reverse("opportunities:offer_action", args=[tradein_offer.pk, "dupliquer"]),
        {"confirm": "1"},
    )
    assert response.status_code == 302
    assert SignatureRequest.objects.get(pk=request.pk).status == R.DELETED
    assert Offer.objects.get(pk=tradein_offer.pk).status == Offer.Status.CANCELLED
    assert Offer.objects.filter(previous=tradein_offer).count() == 1


def test_modifying_a_waiting_offer_cancels_its_signature(tradein_offer, seller):
    request = services_send(tradein_offer, seller)
    copy = sales.offer_modify(offer=tradein_offer, by=seller, confirmed=True)
    assert copy.pk != tradein_offer.pk
    assert SignatureRequest.objects.get(pk=request.pk).status == R.DELETED
    assert Offer.objects.get(pk=tradein_offer.pk).status == Offer.Status.CANCELLED


def test_an_offer_without_signature_duplicates_without_confirmation(validated_offer, seller):
    copy = sales.offer_duplicate(offer=validated_offer, by=seller)
    assert copy.pk != validated_offer.pk


def services_send(offer, user) -> SignatureRequest:
    from signatures.flows import services

    return services.tradein_offer_send(offer=offer, by=user)
