"""S-1, S-5, X-3: the customer's page — no login, every document inline and as download,
code → signed; expired / superseded / deleted / invalid links; never another request's
data; nothing of the staff even on a logged-in tablet."""

import re

import pytest
from django.urls import reverse

from openflex.core.tokens import link_token_make
from signatures.requests import services
from signatures.requests.models import SignatureRequest
from signatures.sms.models import SmsMessage
from tests.accounts.factories import UserFactory
from tests.signatures.factories import make_request

pytestmark = pytest.mark.django_db


def _url(request, name="signatures:sign", **kwargs):
    token = services.signature_link_path(request).rstrip("/").rsplit("/", 1)[-1]
    return reverse(name, kwargs={"token": token, **kwargs})


def _code(request):
    body = SmsMessage.objects.filter(reference=f"signature_request:{request.pk}").latest("pk").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_the_page_shows_every_document_and_the_dealer(client):
    request = make_request(send=False)
    url = _url(request)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    document = request.documents.get()
    document_url = f"{url}documents/{document.pk}/"
    assert "Bon de commande n° 1" in html
    assert document_url in html
    assert "<iframe" in html and request.point_of_sale.phone in html
    client.get(url)
    assert request.events.filter(kind="opened").count() == 1  # once per link
    pdf = client.get(document_url)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
    download = client.get(document_url + "?telecharger=1")
    assert download["Content-Disposition"].startswith("attachment")


def test_the_full_journey_through_the_page(client):
    request = make_request(send=False)
    url = _url(request)
    client.post(_url(request, "signatures:sign_code"))
    page = client.get(url).content.decode()
    assert "Code reçu par SMS" in page
    wrong = client.post(_url(request, "signatures:sign_confirm"), {"code": "12a"})
    assert wrong.status_code == 400 and "6 chiffres" in wrong.content.decode()
    done = client.post(_url(request, "signatures:sign_confirm"), {"code": _code(request)})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Documents signés" in page
    request.refresh_from_db()
    document = request.documents.get()
    signed = client.get(
        _url(request, "signatures:sign_document", pk=document.pk) + "?telecharger=1"
    )
    assert signed.content == bytes(document.signed_pdf)


def test_refuse_through_the_page(client):
    request = make_request(send=False)
    client.post(_url(request, "signatures:sign_refuse"), {"reason": "Je réfléchis"})
    request.refresh_from_db()
    assert request.status == SignatureRequest.Status.REFUSED
    assert "Signature refusée" in client.get(_url(request)).content.decode()


def test_a_logged_in_tablet_shows_no_staff_data(client):
    request = make_request(send=False)
    seller = UserFactory(
        group_type="vendeur", points_of_sale=[request.point_of_sale], first_name="Zoé"
    )
    client.force_login(seller)
    html = client.get(_url(request)).content.decode()
    assert seller.get_full_name() not in html
    assert "Se déconnecter" not in html and "mainnav" not in html


def test_expired_link_says_so_with_the_dealer_contact(client):
    request = make_request(send=False)
    services.signature_request_expire(request=request)
    html = client.get(_url(request)).content.decode()
    assert "Le délai de signature est dépassé" in html
    assert request.point_of_sale.phone in html
    assert client.post(_url(request, "signatures:sign_code")).status_code == 302
    assert not SmsMessage.objects.exists()


def test_deleted_request_says_no_longer_needed(client):
    request = make_request(send=False)
    services.signature_request_delete(request=request, reason="Commande annulée")
    html = client.get(_url(request)).content.decode()
    assert "plus besoin d" in html and "être signé" in html
    document = request.documents.get()
    assert client.get(_url(request, "signatures:sign_document", pk=document.pk)).status_code == 404


def test_a_superseded_link_is_invalid_and_reveals_nothing(client):
    request = make_request(send=False)
    old = _url(request)
    seller = UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale])
    services.signature_request_resend(request=request, by=seller)
    page = client.get(old)
    assert page.status_code == 404
    html = page.content.decode()
    assert "n'est pas valide" in html
    assert request.signer_name not in html and "Bon de commande" not in html


def test_a_tampered_or_foreign_token_is_invalid(client):
    request = make_request(send=False)
    good = _url(request)
    assert client.get(good[:-3] + "xx/").status_code == 404
    # A token for another purpose with the right nonce is refused too.
    token = link_token_make(purpose="payments.pay", pk=request.pk, nonce=request.link_nonce)
    assert client.get(reverse("signatures:sign", kwargs={"token": token})).status_code == 404


def test_a_link_never_reveals_another_request(client):
    mine = make_request(send=False)
    other = make_request(send=False)
    other_doc = other.documents.get()
    # Another request's document through my link: 404.
    assert client.get(_url(mine, "signatures:sign_document", pk=other_doc.pk)).status_code == 404
    html = client.get(_url(mine)).content.decode()
    assert other.signer_name not in html and other.email not in html
    # My token with the other request's id is not a valid signature.
    token = services.signature_link_path(mine).rstrip("/").rsplit("/", 1)[-1]
    forged = token.replace(f"{mine.pk}.", f"{other.pk}.", 1)
    assert client.get(reverse("signatures:sign", kwargs={"token": forged})).status_code == 404


def test_staff_download_is_scoped_to_the_point_of_sale(client):
    request = make_request(send=False)
    document = request.documents.get()
    url = reverse("signatures:document_download", kwargs={"pk": document.pk})
    client.force_login(UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale]))
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(group_type="vendeur"))
    assert client.get(url).status_code == 404


def test_page_queries_do_not_grow_with_the_documents(client):
    """The page never loads the PDFs' bytes and costs the same with 1 or 3 documents."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from signatures.requests.models import SignatureDocument
    from tests.signatures.factories import pdf_bytes

    def count(request):
        url = _url(request)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert not any("original_pdf" in q["sql"] for q in ctx.captured_queries)
        return len(ctx)

    drafts = [
        services.DocumentDraft(SignatureDocument.Kind.ORDER_FORM, f"Doc {i}", pdf_bytes())
        for i in range(3)
    ]
    one = count(make_request(send=False))
    three = count(make_request(send=False, documents=drafts))
    assert one == three <= 8


def test_staff_audit_trail_page(client):
    """X-5, S-6: the request's events with time, IP and user agent; the chain checked."""
    from signatures.requests.models import SignatureEvent

    request = make_request(send=False)
    client.get(_url(request), HTTP_USER_AGENT="Mozilla/5.0 (iPhone) AuditTest")
    url = reverse("signatures:request_detail", kwargs={"pk": request.pk})
    client.force_login(UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale]))
    html = client.get(url).content.decode()
    assert "Piste d&#x27;audit intacte" in html or "Piste d'audit intacte" in html
    assert "AuditTest" in html and "Lien ouvert" in html
    SignatureEvent.objects.filter(request=request, kind="opened").update(message="Autre")
    assert "altérée" in client.get(url).content.decode()
    client.force_login(UserFactory(group_type="vendeur"))
    assert client.get(url).status_code == 404
