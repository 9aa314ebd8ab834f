"""The order form signed online (S-4, O-5): "Valider et envoyer pour e-signature" creates
the request and the order waits; signed → it proceeds as a paper-signed order would;
refused or expired → back to its salesperson as a draft with the reason; cancelled →
the request is supprimé and the customer's link says so."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from openflex.notifications.models import Notification
from opportunities.sales import services as sales
from opportunities.sales.models import Order, OrderEvent
from signatures.models import SignatureDocument, SignatureRequest
from signatures.requests import services as requests
from tests.opportunities.factories import CustomerFactory
from tests.signatures.flows.conftest import customer_signs

pytestmark = pytest.mark.django_db

S = Order.Status
R = SignatureRequest.Status


def _request_of(order) -> SignatureRequest:
    return SignatureRequest.objects.get(order=order, purpose=SignatureRequest.Purpose.ORDER)


def test_the_esign_button_sends_the_order_form_and_the_order_waits(
    client, ready_order, seller, django_capture_on_commit_callbacks
):
    """S-4: the order action "Valider et envoyer pour e-signature" (beside "Valider la
    commande"): the request holds the order form, the customer gets the link by email."""
    client.force_login(seller)
    page = client.get(reverse("opportunities:order_detail", args=[ready_order.pk]))
    assert "Valider et envoyer pour e-signature" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("opportunities:order_action", args=[ready_order.pk, "esign"]), follow=True
        )
    assert "envoyé au client pour e-signature" in response.content.decode()
    order = Order.objects.get(pk=ready_order.pk)
    assert order.status == S.PENDING_SIGNATURE
    assert order.signature_mode == Order.SignatureMode.ELECTRONIC
    signature_request = _request_of(order)
    assert signature_request.status == R.PENDING
    assert signature_request.email == order.opportunity.customer.email
    documents = list(signature_request.documents.all())
    assert [d.kind for d in documents] == [SignatureDocument.Kind.ORDER_FORM]
    pdf = bytes(documents[0].original_pdf)
    assert pdf.startswith(b"%PDF")
    assert b"Projet" not in pdf  # the form the customer signs is not a "draft"
    assert [m.to for m in mail.outbox] == [[order.opportunity.customer.email]]
    path = re.search(r"https?://[^/\s]+(/e-signature/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert f"Bon de commande n° {order.pk}" in page.content.decode()


def test_the_esign_action_is_refused_without_the_customers_mobile(
    client, ready_order, seller, django_capture_on_commit_callbacks
):
    """S-1: sending needs the signer's email and mobile: a clear message, nothing sent."""
    customer = ready_order.opportunity.customer
    customer.mobile = ""
    customer.save(update_fields=["mobile"])
    client.force_login(seller)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("opportunities:order_action", args=[ready_order.pk, "esign"]), follow=True
        )
    html = response.content.decode()
    assert "Envoi en e-signature impossible" in html and "le mobile" in html
    assert Order.objects.get(pk=ready_order.pk).status == S.DRAFT
    assert not SignatureRequest.objects.exists()


def test_a_company_order_is_signed_by_its_legal_representative(ready_order, seller):
    """O-2, S-1: for a company, the legal representative receives the link."""
    representative = CustomerFactory(point_of_sale=ready_order.point_of_sale)
    company = ready_order.opportunity.customer
    company.kind = "societe"
    company.company_name = "Transports Martin"
    company.legal_representative = representative
    company.save(update_fields=["kind", "company_name", "legal_representative"])
    order = sales.order_submit(order=ready_order, by=seller, signature_mode="electronique")
    signature_request = _request_of(order)
    assert signature_request.email == representative.email
    assert signature_request.signer_company == "Transports Martin"


def test_signed_the_order_proceeds_like_a_paper_one(sent_order, seller, manager):
    """S-4: signed → the order goes on as its author's paper order: without the right, it
    waits for a manager's validation (who is notified)."""
    customer_signs(_request_of(sent_order))
    order = Order.objects.get(pk=sent_order.pk)
    assert order.status == S.PENDING_VALIDATION
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert "signed" in kinds
    assert Notification.objects.filter(recipient=manager, kind="order_to_validate").exists()


def test_signed_by_a_manager_s_customer_the_order_is_validated(
    ready_order, manager, django_capture_on_commit_callbacks
):
    """S-4: sent by a holder of the validation right, signed → "commandée" at once (the
    e-payment module listens to this validation for the deposit's link)."""
    with django_capture_on_commit_callbacks(execute=True):
        order = sales.order_submit(order=ready_order, by=manager, signature_mode="electronique")
    seen = []
    from opportunities.sales.signals import order_status_changed

    def listen(sender, order, from_status, to_status, **kwargs):
        seen.append((from_status, to_status))

    order_status_changed.connect(listen, dispatch_uid="test-esign-listen")
    try:
        customer_signs(_request_of(order))
    finally:
        order_status_changed.disconnect(dispatch_uid="test-esign-listen")
    order = Order.objects.get(pk=order.pk)
    assert order.status == S.ORDERED
    assert order.validated_by == manager
    assert (S.PENDING_SIGNATURE, S.ORDERED) in seen
    signed = _request_of(order).documents.get()
    assert bytes(signed.signed_pdf).startswith(b"%PDF")


def test_refused_the_order_goes_back_to_its_salesperson_as_a_draft(sent_order, seller):
    """S-4: refused → back to the salesperson with the reason (draft: sent again, or on
    paper); the salesperson is told."""
    signature_request = _request_of(sent_order)
    outcome = requests.signature_request_refuse(
        request=signature_request,
        reason="Le prix de reprise ne me convient pas",
        client=requests.Client(),
    )
    assert outcome.ok
    order = Order.objects.get(pk=sent_order.pk)
    assert order.status == S.DRAFT
    event = OrderEvent.objects.filter(order=order).order_by("-at", "-pk").first()
    assert event.kind == "signature_failed"
    assert event.reason == "Le prix de reprise ne me convient pas"
    notification = Notification.objects.get(recipient=seller, kind="order_decided")
    assert "refusée par le client" in notification.title


def test_expired_the_order_goes_back_to_a_draft_and_can_be_sent_again(sent_order, seller):
    """S-3, S-4: the periodic scan expires the request → the order is a draft again; sent
    again, a new request replaces it."""
    signature_request = _request_of(sent_order)
    requests.signature_request_expire(request=signature_request)
    order = Order.objects.get(pk=sent_order.pk)
    assert order.status == S.DRAFT
    assert "délai de e-signature dépassé" in Notification.objects.get(recipient=seller).title
    order = sales.order_submit(order=order, by=seller, signature_mode="electronique")
    assert order.status == S.PENDING_SIGNATURE
    assert SignatureRequest.objects.filter(order=order, status=R.PENDING).count() == 1


def test_a_cancelled_order_deletes_its_request_and_the_link_says_so(client, sent_order, seller):
    """S-2, S-4: order cancelled → request supprimé; the customer's page says that the
    document no longer needs signing."""
    signature_request = _request_of(sent_order)
    link = requests.signature_link_path(signature_request)
    sales.order_cancel(order=sent_order, by=seller, reason="Le client renonce")
    # A salesperson without the right asks for the cancellation: the request is deleted
    # at once (the customer should not sign an order on its way out).
    assert Order.objects.get(pk=sent_order.pk).status == S.PENDING_CANCELLATION
    assert SignatureRequest.objects.get(pk=signature_request.pk).status == R.DELETED
    page = client.get(link)
    assert "n'a plus besoin d'être signé" in page.content.decode()


def test_a_draft_cancelled_from_pending_signature_by_a_manager(sent_order, manager):
    sales.order_cancel(order=sent_order, by=manager, reason="Doublon")
    assert Order.objects.get(pk=sent_order.pk).status == S.CANCELLED
    assert _request_of(sent_order).status == R.DELETED


def test_a_rejected_cancellation_request_sends_a_new_link(sent_order, seller, manager):
    """Back to "en attente de e-signature": a new request is sent (the old one stays
    supprimé)."""
    sales.order_cancel(order=sent_order, by=seller, reason="Le client hésite")
    sales.order_cancellation_reject(order=sent_order, by=manager, reason="Il confirme")
    assert Order.objects.get(pk=sent_order.pk).status == S.PENDING_SIGNATURE
    statuses = sorted(
        SignatureRequest.objects.filter(order=sent_order).values_list("status", flat=True)
    )
    assert statuses == sorted([R.DELETED, R.PENDING])


def test_signature_failed_is_refused_outside_pending_signature(ready_order):
    """The transition added for S-4 is allowed only from "en attente de e-signature"."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        sales.order_signature_failed(order=ready_order, expired=True)
    with pytest.raises(ValidationError):
        sales.order_signature_signed(order=ready_order)


def test_a_promotion_ending_soon_on_the_vehicle_shortens_the_expiry(ready_order, seller):
    """S-3 through the order: a promotional operation on the vehicle that ends before the
    delay sets the request's expiry to its end (the rule is SIG-CORE's)."""
    from datetime import timedelta

    from django.utils import timezone

    from signatures.promotions.models import PromotionalOperation

    today = timezone.localdate()
    promotion = PromotionalOperation.objects.create(
        name="Offre de fin d'année", starts_on=today, ends_on=today + timedelta(days=2)
    )
    promotion.vehicles.add(ready_order.vehicle)
    order = sales.order_submit(order=ready_order, by=seller, signature_mode="electronique")
    expires = timezone.localtime(_request_of(order).expires_at).date()
    assert expires == today + timedelta(days=2)


def test_an_order_with_a_trade_in_sends_its_estimate_and_the_chosen_annexes(
    opportunity, car, seller
):
    """S-4, S-1: the order form and the trade-in estimate together, each with its own
    boxes, then the annexes chosen in the settings."""
    from decimal import Decimal

    from opportunities.tradeins import services as tradeins
    from signatures.models import SignatureSettings
    from tests.accounts.factories import UserFactory

    validator = UserFactory(
        group_type="valideur-reprises",
        points_of_sale=[opportunity.point_of_sale],
        rights=["validate_tradeins"],
    )
    config = SignatureSettings.current()
    config.annexes = ["contre_expertise"]
    config.save(update_fields=["annexes"])
    offer = sales.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    trade_in = tradeins.tradein_create(
        opportunity=opportunity,
        by=seller,
        offer=offer,
        kind="avec_commande",
        brand="Renault",
        model="Clio",
        energy="essence",
        vin="VF15RBJ0A12345678",
        mileage=80000,
        proposed_value=Decimal("5000.00"),
    )
    tradeins.tradein_validate(trade_in=trade_in, by=validator)
    sales.offer_validate(offer=offer, by=seller)
    order = sales.order_payment_update(
        order=sales.order_create(offer=offer, by=seller),
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("0.00"),
        deposit_method="",
        deposit_not_online=False,
    )
    order = sales.order_submit(order=order, by=seller, signature_mode="electronique")
    documents = list(_request_of(order).documents.all())
    assert [d.kind for d in documents] == [
        SignatureDocument.Kind.ORDER_FORM,
        SignatureDocument.Kind.TRADEIN_ESTIMATE,
        SignatureDocument.Kind.ANNEX,
    ]
    assert all(bytes(d.original_pdf).startswith(b"%PDF") for d in documents)
    assert documents[2].title.startswith("Contre-expertise")
