"""S-8: the tiles "Commandes en attente de e-signature / de e-paiement" and their list:
check and correct the signer's email and mobile (only those), then resend the
e-signature link, the e-payment link, or both; a resend kills the previous link. Also
the order panel's "Corriger et renvoyer" (S-5) and its "en erreur" state (S-2)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from openflex.home.tiles import tile_get
from opportunities.customers.models import Customer
from opportunities.sales import services as sales
from opportunities.sales.models import Order
from payments.models import Payment
from signatures.models import SignatureRequest
from signatures.requests import services as requests
from tests.accounts.factories import PointOfSaleFactory, UserFactory
from tests.lists import assert_list_queries
from tests.opportunities.factories import CustomerFactory
from tests.opportunities.sales.journey import draft_order_on
from tests.payments.factories import PaymentFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

R = SignatureRequest.Status
LIST = reverse("signatures:resend_list")


def _request_of(order) -> SignatureRequest:
    return SignatureRequest.objects.get(order=order, status__in=SignatureRequest.OPEN)


def _sent_orders(n, *, seller, pos, site):
    orders = []
    for _ in range(n):
        order = draft_order_on(
            vehicle=VehicleFactory(physical_site=site, status="stock_vente"),
            customer=CustomerFactory(point_of_sale=pos),
            seller=seller,
        )
        orders.append(sales.order_submit(order=order, by=seller, signature_mode="electronique"))
    return orders


def _pending_payment(order) -> Payment:
    return PaymentFactory(
        order=order,
        vehicle=order.vehicle,
        point_of_sale=order.point_of_sale,
        customer=order.opportunity.customer,
        salesperson=order.opportunity.salesperson,
        email=order.opportunity.customer.email,
        amount=Decimal("500.00"),
        document_number=order.pk,
        link_nonce="old-nonce",
    )


# --- Tiles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group_type, sees",
    [
        ("vendeur", True),
        ("chef-des-ventes", True),
        ("directeur", True),
        ("secretaire", True),
        ("gestionnaire-parc", False),
        ("valideur-reprises", False),
    ],
)
def test_the_two_tiles_are_shown_to_the_sale_side(pos, group_type, sees):
    """S-8, O-10: the sale side sees both tiles; the fleet and the trade-in validators
    do not."""
    user = UserFactory(group_type=group_type, points_of_sale=[pos])
    for key in ("orders-waiting-esignature", "orders-waiting-epayment"):
        assert tile_get(key).visible_to(user) is sees


def test_the_tiles_count_in_one_query_the_orders_of_the_users_scope(
    sent_order, seller, manager, django_assert_num_queries
):
    """X-2: one query each; a salesperson counts his orders, another point of sale none."""
    _pending_payment(sent_order)
    esign, epay = tile_get("orders-waiting-esignature"), tile_get("orders-waiting-epayment")
    for user in (seller, manager):
        esign.count(user)  # warm the user's cached points of sale
        with django_assert_num_queries(1):
            assert esign.count(user) == 1
        with django_assert_num_queries(1):
            assert epay.count(user) == 1
    stranger = UserFactory(group_type="chef-des-ventes", points_of_sale=[PointOfSaleFactory()])
    assert esign.count(stranger) == 0 and epay.count(stranger) == 0
    assert esign.url(seller).endswith("?vue=esignature")


# --- The list ----------------------------------------------------------------------------


def test_the_list_query_count_does_not_grow_with_the_rows(client, seller, pos, site):
    """X-2: the rows' requests and payments come from two prefetches."""
    client.force_login(seller)

    def make_rows(n):
        for order in _sent_orders(n, seller=seller, pos=pos, site=site):
            _pending_payment(order)

    counts = assert_list_queries(client, LIST, make_rows, budget=14)
    assert "Renvoyer les deux" in counts.html


def test_the_views_of_the_tiles_filter_the_list(client, sent_order, ready_order, seller):
    client.force_login(seller)
    html = client.get(LIST + "?vue=esignature").content.decode()
    assert f'id="order-{sent_order.pk}"' in html
    assert "Commandes en attente de e-signature" in html
    html = client.get(LIST + "?vue=epaiement").content.decode()
    assert f'id="order-{sent_order.pk}"' not in html


def test_another_point_of_sale_never_sees_the_orders(client, sent_order):
    stranger = UserFactory(group_type="chef-des-ventes", points_of_sale=[PointOfSaleFactory()])
    client.force_login(stranger)
    assert f'id="order-{sent_order.pk}"' not in client.get(LIST).content.decode()
    response = client.post(
        reverse("signatures:order_links_resend", args=[sent_order.pk]),
        {"email": "x@example.test", "mobile": "0611223344", "what": "esign"},
    )
    assert response.status_code == 404


def test_a_resend_corrects_the_contact_and_kills_the_previous_link(
    client, sent_order, seller, django_capture_on_commit_callbacks
):
    """S-5, S-8: the email and mobile corrected on the customer's record and the request;
    a new link by email; the old link no longer opens the documents."""
    old = _request_of(sent_order)
    old_link = requests.signature_link_path(old)
    assert client.get(old_link).status_code == 200
    client.force_login(seller)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signatures:order_links_resend", args=[sent_order.pk]),
            {"email": "Nouveau@Example.test", "mobile": "06 99 88 77 66", "what": "esign"},
        )
    assert response.status_code == 302
    customer = Customer.objects.get(pk=sent_order.opportunity.customer_id)
    assert (customer.email, customer.mobile) == ("nouveau@example.test", "06 99 88 77 66")
    request = SignatureRequest.objects.get(pk=old.pk)
    assert request.status == R.PENDING
    assert request.email == "nouveau@example.test"
    assert request.mobile == "+33699887766"
    assert [m.to for m in mail.outbox] == [["nouveau@example.test"]]
    client.logout()
    old_page = client.get(old_link).content.decode()
    assert f"Bon de commande n° {sent_order.pk}" not in old_page
    assert client.get(requests.signature_link_path(request)).status_code == 200


def test_both_links_at_once(client, sent_order, seller, django_capture_on_commit_callbacks):
    """S-8: "Renvoyer les deux": the e-signature and the e-payment links, new nonces."""
    payment = _pending_payment(sent_order)
    client.force_login(seller)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("signatures:order_links_resend", args=[sent_order.pk]),
            {"email": "deux@example.test", "mobile": "0611223344", "what": "both"},
        )
    payment.refresh_from_db()
    assert payment.link_nonce != "old-nonce"
    assert payment.email == "deux@example.test"
    assert sorted(m.to[0] for m in mail.outbox) == ["deux@example.test", "deux@example.test"]


def test_bad_input_is_shown_next_to_the_field_and_nothing_changes(client, sent_order, seller):
    """X-4: a mobile that no SMS reaches: the list again (400), the error beside the
    field, the typed values kept; the customer and the request unchanged."""
    before = _request_of(sent_order)
    client.force_login(seller)
    response = client.post(
        reverse("signatures:order_links_resend", args=[sent_order.pk]) + "?vue=esignature",
        {"email": "ok@example.test", "mobile": "01 45 67 89 12", "what": "esign"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Indiquez un numéro de mobile" in html
    assert 'value="01 45 67 89 12"' in html and 'value="ok@example.test"' in html
    after = _request_of(sent_order)
    assert (after.link_nonce, after.email) == (before.link_nonce, before.email)
    customer = Customer.objects.get(pk=sent_order.opportunity.customer_id)
    assert customer.email != "ok@example.test"


def test_nothing_to_resend_is_a_message_not_a_500(client, ready_order, seller):
    client.force_login(seller)
    response = client.post(
        reverse("signatures:order_links_resend", args=[ready_order.pk]),
        {"email": "ok@example.test", "mobile": "0611223344", "what": "epay"},
    )
    assert response.status_code == 400
    assert "Aucun e-paiement en attente" in response.content.decode()


# --- The order panel -----------------------------------------------------------------------


def test_the_order_panel_shows_an_error_and_resends_after_correction(
    client, sent_order, seller, django_capture_on_commit_callbacks
):
    """S-2: "en erreur" (the email could not be sent) is shown on the order, with the
    contact to correct; "Renvoyer le lien" sends a new link."""
    request = _request_of(sent_order)
    requests.signature_request_fail(request=request, error="Adresse refusée par le serveur")
    client.force_login(seller)
    page = client.get(reverse("opportunities:order_detail", args=[sent_order.pk]))
    html = page.content.decode()
    assert "En erreur" in html and "Adresse refusée par le serveur" in html
    assert reverse("signatures:request_resend", args=[request.pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("signatures:request_resend", args=[request.pk]),
            {"email": "corrige@example.test", "mobile": "0611223344"},
        )
    request.refresh_from_db()
    assert request.status == R.PENDING and request.email == "corrige@example.test"


def test_the_order_panel_links_each_signed_document(client, sent_order, seller):
    from tests.signatures.flows.conftest import customer_signs

    customer_signs(_request_of(sent_order))
    client.force_login(seller)
    html = client.get(reverse("opportunities:order_detail", args=[sent_order.pk])).content
    document = SignatureRequest.objects.get(order=sent_order).documents.get()
    assert reverse("signatures:document_download", args=[document.pk]).encode() in html
    assert Order.objects.get(pk=sent_order.pk).status == Order.Status.PENDING_VALIDATION
