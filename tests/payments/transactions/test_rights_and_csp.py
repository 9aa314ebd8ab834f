"""Who sees and acts on a payment; the provider's page origin opened in the link page's
Content-Security-Policy only for a real provider (P-1, P-7)."""

import pytest
from django.urls import reverse

from payments.transactions import rights, selectors
from payments.transactions.services import payment_link_url
from tests.accounts.factories import PointOfSaleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_scope(payment, seller, manager, secretary, pos):
    other_seller = UserFactory(group_type="vendeur", points_of_sale=[pos])
    elsewhere = UserFactory(group_type="chef-des-ventes", points_of_sale=[PointOfSaleFactory()])
    fleet = UserFactory(group_type="gestionnaire-parc", points_of_sale=[pos])
    visible = {
        user: selectors.payment_queryset_for_user(user).filter(pk=payment.pk).exists()
        for user in (seller, manager, secretary, other_seller, elsewhere, fleet)
    }
    assert visible == {
        seller: True,
        manager: True,
        secretary: True,
        other_seller: False,
        elsewhere: False,
        fleet: False,
    }
    for user, seen in visible.items():
        assert rights.payment_may_see(payment, user) == seen


def test_refund_right(payment, seller, manager, secretary, director):
    assert [
        rights.payment_may_mark_refunded(payment, u) for u in (seller, manager, secretary, director)
    ] == [False, True, True, True]


def test_link_page_of_a_real_provider_opens_form_action_for_its_origin_only(client, payment):
    config = payment.point_of_sale.payment_configuration
    config.provider = "ingenico"
    config.save()
    type(payment).objects.filter(pk=payment.pk).update(provider="ingenico")
    payment.refresh_from_db()
    response = client.get(payment_link_url(payment).split("127.0.0.1:8000", 1)[1])
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "form-action 'self' https://ogone.test.v-psp.com" in csp
    body = response.content.decode()
    assert 'action="https://ogone.test.v-psp.com/ncol/test/orderstandard_utf8.asp"' in body
    assert 'method="post"' in body
    # Elsewhere the policy stays closed.
    other = client.get(reverse("payments:privacy"))
    assert "v-psp.com" not in other["Content-Security-Policy"]


def test_sandbox_link_page_keeps_the_policy_closed(client, payment):
    response = client.get(payment_link_url(payment).split("127.0.0.1:8000", 1)[1])
    assert "v-psp.com" not in response["Content-Security-Policy"]
    assert 'method="get"' in response.content.decode()


def test_ingenico_request_fields_are_signed(payment):
    from payments.providers import ogone
    from payments.providers.ingenico import IngenicoProvider
    from payments.transactions.services.checkout import return_urls

    config = payment.point_of_sale.payment_configuration
    config.hash_algorithm = "sha512"
    config.mode = "production"
    page = IngenicoProvider().hosted_page(
        payment=payment, config=config, urls=return_urls("ingenico"), language="fr_FR"
    )
    assert page.url == "https://secure.ogone.com/ncol/prod/orderstandard_utf8.asp"
    fields = page.fields
    assert fields["PSPID"] == config.pspid and fields["ORDERID"] == payment.reference
    assert fields["AMOUNT"] == "100000" and fields["CURRENCY"] == "EUR"
    assert fields["LANGUAGE"] == "fr_FR" and fields["EMAIL"] == payment.email
    for key in ("ACCEPTURL", "DECLINEURL", "EXCEPTIONURL", "CANCELURL"):
        assert "/paiement/retour/ingenico/" in fields[key]
    unsigned = {k: v for k, v in fields.items() if k != "SHASIGN"}
    assert fields["SHASIGN"] == ogone.sha_in(unsigned, config.sha_in, "sha512")
