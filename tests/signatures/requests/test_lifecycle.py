"""S-1, S-2, S-5: create, send, sign with the SMS code, refuse, resend, delete, errors."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from openflex.notifications.models import OutboundEmail
from openflex.notifications.services import email_fail
from signatures.requests import services
from signatures.requests.models import SignatureEvent, SignatureRequest
from signatures.requests.selectors import signature_audit_problems
from signatures.signals import signature_status_changed
from signatures.sms.models import SmsMessage
from signatures.sms.services import sms_fail
from tests.accounts.factories import UserFactory
from tests.opportunities.factories import CompanyFactory, CustomerFactory
from tests.signatures.factories import make_request

pytestmark = pytest.mark.django_db
CLIENT = services.Client(ip="203.0.113.7", user_agent="Mozilla/5.0 (iPhone) Test")
S = SignatureRequest.Status


def code_from_sms(request) -> str:
    sms = SmsMessage.objects.filter(reference=f"signature_request:{request.pk}").latest("pk")
    return re.search(r"\b(\d{6})\b", sms.body).group(1)


@pytest.fixture
def changes():
    seen = []

    def listener(sender, request, from_status, to_status, **kwargs):
        seen.append((from_status, to_status))

    signature_status_changed.connect(listener)
    yield seen
    signature_status_changed.disconnect(listener)


def test_create_sends_the_link_by_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request()
    assert request.status == S.PENDING
    assert request.sent_at and request.next_reminder_at and request.expires_at
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [request.email]
    assert f"/e-signature/{request.pk}." in message.body
    assert "Bon de commande n° 1" in message.body
    assert OutboundEmail.objects.get(pk=request.last_email_id).kind == "signature_request"
    assert signature_audit_problems(request) == []


def test_create_refuses_without_email_or_mobile():
    """S-1: sending needs the customer's email and mobile (clear message)."""
    customer = CustomerFactory(email="", mobile="")
    with pytest.raises(ValidationError) as exc:
        make_request(customer=customer)
    assert "l'email, le mobile" in str(exc.value)
    assert not SignatureRequest.objects.exists()


def test_a_company_is_signed_by_its_legal_representative():
    rep = CustomerFactory(first_name="Paul", last_name="Durand", mobile="0611223344")
    company = CompanyFactory(legal_representative=rep, point_of_sale=rep.point_of_sale)
    request = make_request(customer=company, point_of_sale=rep.point_of_sale)
    assert request.signer_name == rep.display_name
    assert request.signer_company == company.company_name
    assert request.email == rep.email and request.mobile == "+33611223344"
    with pytest.raises(ValidationError, match="représentant légal"):
        make_request(customer=CompanyFactory(), point_of_sale=rep.point_of_sale)


def test_sign_with_the_sms_code_seals_every_document(changes):
    request = make_request(send=False)
    assert services.signature_code_send(request=request, client=CLIENT).ok
    code = code_from_sms(request)
    outcome = services.signature_request_sign(request=request, code=code, client=CLIENT)
    assert outcome.ok, outcome.error
    request.refresh_from_db()
    assert request.status == S.SIGNED
    assert changes == [(S.PENDING, S.SIGNED)]
    document = request.documents.get()
    assert document.signed_pdf and document.signed_sha256
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == ["created", "code_sent", "code_checked", "status"]
    checked = request.events.get(kind="code_checked")
    assert checked.ip == "203.0.113.7" and "iPhone" in checked.user_agent
    assert signature_audit_problems(request) == []


def test_a_wrong_code_is_counted_and_nothing_is_signed():
    request = make_request(send=False)
    services.signature_code_send(request=request, client=CLIENT)
    good = code_from_sms(request)
    wrong = "000000" if good != "000000" else "111111"
    outcome = services.signature_request_sign(request=request, code=wrong, client=CLIENT)
    assert not outcome.ok and "4 essai" in outcome.error
    request.refresh_from_db()
    assert request.status == S.PENDING
    assert request.codes.get().attempts == 1
    assert request.events.filter(kind=SignatureEvent.Kind.CODE_FAILED).count() == 1


def test_refuse_with_a_reason(changes):
    request = make_request(send=False)
    assert services.signature_request_refuse(request=request, reason="Prix", client=CLIENT).ok
    request.refresh_from_db()
    assert request.status == S.REFUSED and request.refusal_reason == "Prix"
    assert changes == [(S.PENDING, S.REFUSED)]
    # Refused is final: signing is refused too.
    outcome = services.signature_code_send(request=request, client=CLIENT)
    assert not outcome.ok


def test_resend_corrects_only_email_and_mobile_and_kills_the_old_link(
    django_capture_on_commit_callbacks,
):
    """S-5, S-8: a resend invalidates the previous link."""
    request = make_request(send=False)
    seller = UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale])
    old_path = services.signature_link_path(request)
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_request_resend(
            request=request, by=seller, email="nouveau@example.test", mobile="06 99 88 77 66"
        )
    request.refresh_from_db()
    assert request.email == "nouveau@example.test" and request.mobile == "+33699887766"
    assert services.signature_link_path(request) != old_path
    assert mail.outbox[-1].to == ["nouveau@example.test"]
    assert request.events.filter(kind="contact").exists()
    with pytest.raises(ValidationError):
        services.signature_request_resend(request=request, by=seller, mobile="12")


def test_resend_is_refused_to_a_user_of_another_point_of_sale():
    request = make_request(send=False)
    stranger = UserFactory(group_type="vendeur")
    with pytest.raises(PermissionDenied):
        services.signature_request_resend(request=request, by=stranger)


def test_delete_then_nothing_more(changes):
    """S-2 supprimé (its order cancelled): allowed from en attente, refused once final."""
    request = make_request(send=False)
    services.signature_request_delete(request=request, reason="Commande annulée")
    request.refresh_from_db()
    assert request.status == S.DELETED
    assert changes == [(S.PENDING, S.DELETED)]
    with pytest.raises(ValidationError):
        services.signature_request_delete(request=request)


def test_an_email_that_cannot_be_sent_puts_the_request_en_erreur(
    django_capture_on_commit_callbacks, changes
):
    request = make_request()
    email_fail(email_id=request.last_email_id, error="SMTP 550")
    request.refresh_from_db()
    assert request.status == S.ERROR and "550" in request.error
    assert changes == [(S.PENDING, S.ERROR)]
    # Re-sendable (S-2): back to en attente.
    seller = UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale])
    services.signature_request_resend(request=request, by=seller)
    request.refresh_from_db()
    assert request.status == S.PENDING and request.error == ""


def test_an_sms_that_cannot_be_sent_puts_the_request_en_erreur():
    request = make_request(send=False)
    services.signature_code_send(request=request, client=CLIENT)
    sms = SmsMessage.objects.get(reference=f"signature_request:{request.pk}")
    sms_fail(sms_id=sms.pk, error="Twilio HTTP 400 (code 21211): invalid number")
    request.refresh_from_db()
    assert request.status == S.ERROR
    assert request.events.filter(kind="sms_failed").exists()


def test_fail_is_refused_once_signed():
    request = make_request(send=False)
    services.signature_code_send(request=request, client=CLIENT)
    services.signature_request_sign(request=request, code=code_from_sms(request), client=CLIENT)
    assert services.signature_request_fail(request=request, error="late") is None
    request.refresh_from_db()
    assert request.status == S.SIGNED


@pytest.mark.parametrize("final", ["refuse", "expire", "delete"])
def test_final_statuses_refuse_every_transition(final):
    """Each transition refused from a final status (S-2): resend, refuse, expire, delete."""
    request = make_request(send=False)
    seller = UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale])
    if final == "refuse":
        services.signature_request_refuse(request=request, client=CLIENT)
    elif final == "expire":
        services.signature_request_expire(request=request)
    else:
        services.signature_request_delete(request=request, by=seller)
    with pytest.raises(ValidationError):
        services.signature_request_resend(request=request, by=seller)
    with pytest.raises(ValidationError):
        services.signature_request_expire(request=request)
    with pytest.raises(ValidationError):
        services.signature_request_delete(request=request)
    assert not services.signature_request_refuse(request=request, client=CLIENT).ok
    assert not services.signature_code_send(request=request, client=CLIENT).ok
    status = SignatureRequest.objects.get(pk=request.pk).status
    assert status == {"refuse": S.REFUSED, "expire": S.EXPIRED, "delete": S.DELETED}[final]


def test_staff_transitions_follow_the_permission():
    """The buttons come from the transitions available to the user (rights.py)."""
    request = make_request(send=False)
    seller = UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale])
    stranger = UserFactory(group_type="vendeur")

    def buttons(user):  # the staff's buttons: the transitions that carry a ``custom``
        return {
            t.name
            for t in request.get_available_user_status_transitions(user)
            if t.custom.get("action")
        }

    assert buttons(seller) == {"resend", "delete_request"}
    assert buttons(stranger) == set()
