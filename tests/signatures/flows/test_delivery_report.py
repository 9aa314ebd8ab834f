"""The delivery report signed at delivery (S-1): on a tablet in the showroom through the
same customer page (the staff opens it from the order; no staff data on it), or
remotely (the link by email)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from opportunities.sales.models import Order
from signatures.models import SignatureDocument, SignatureRequest
from tests.opportunities.sales.journey import reach
from tests.signatures.flows.conftest import customer_signs

pytestmark = pytest.mark.django_db

DELIVERY = SignatureRequest.Purpose.DELIVERY


@pytest.fixture
def to_deliver(ready_order, seller, manager):
    return reach(ready_order, Order.Status.TO_DELIVER, seller=seller, manager=manager)


def test_on_the_tablet_the_customer_page_opens_without_staff_data(client, to_deliver, seller):
    client.force_login(seller)
    page = client.get(reverse("opportunities:order_detail", args=[to_deliver.pk]))
    assert "Faire signer le PV sur la tablette" in page.content.decode()
    mail.outbox.clear()
    response = client.post(
        reverse("signatures:delivery_request", args=[to_deliver.pk]), {"mode": "tablette"}
    )
    assert response.status_code == 302
    assert re.match(r"^/e-signature/\S+/$", response.url)
    request = SignatureRequest.objects.get(order=to_deliver, purpose=DELIVERY)
    assert request.documents.get().kind == SignatureDocument.Kind.DELIVERY_REPORT
    assert mail.outbox == []  # nothing sent: the customer signs here
    html = client.get(response.url).content.decode()
    assert "Procès-verbal de livraison" in html
    assert seller.get_full_name() not in html  # no staff data on the handed-over device
    assert reverse("notifications:list") not in html
    signed = customer_signs(request)
    assert signed.status == SignatureRequest.Status.SIGNED
    assert Order.objects.get(pk=to_deliver.pk).status == Order.Status.TO_DELIVER


def test_remotely_the_link_goes_by_email(
    client, to_deliver, seller, django_capture_on_commit_callbacks
):
    client.force_login(seller)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signatures:delivery_request", args=[to_deliver.pk]), {"mode": "email"})
    request = SignatureRequest.objects.get(order=to_deliver, purpose=DELIVERY)
    assert request.sent_at is not None
    assert [m.to for m in mail.outbox] == [[to_deliver.opportunity.customer.email]]
    # One at a time: the button is gone while it waits.
    page = client.get(reverse("opportunities:order_detail", args=[to_deliver.pk]))
    assert "Faire signer le PV sur la tablette" not in page.content.decode()


def test_not_before_the_order_is_ready_to_deliver(client, ready_order, seller):
    client.force_login(seller)
    response = client.post(
        reverse("signatures:delivery_request", args=[ready_order.pk]), {"mode": "email"}
    )
    assert response.status_code == 302
    assert not SignatureRequest.objects.exists()
