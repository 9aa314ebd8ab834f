"""S-6: sealed PDFs verified with pyHanko; one changed byte, one changed or deleted audit
event are detected; the stamp sits in the customer's signature box."""

import io
import re

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from signatures.requests import services
from signatures.requests.models import SignatureEvent
from signatures.requests.selectors import signature_audit_problems
from signatures.sealing.models import SigningCertificate
from signatures.sealing.services import (
    CertificateError,
    pdf_verify,
    self_signed_pkcs12,
    signing_certificate_install,
)
from signatures.sms.models import SmsMessage
from tests.signatures.factories import make_request

pytestmark = pytest.mark.django_db
CLIENT = services.Client(ip="198.51.100.4", user_agent="Mozilla/5.0 Test")


def _signed_request():
    request = make_request(send=False)
    services.signature_code_send(request=request, client=CLIENT)
    body = SmsMessage.objects.filter(reference=f"signature_request:{request.pk}").latest("pk").body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    assert services.signature_request_sign(request=request, code=code, client=CLIENT).ok
    request.refresh_from_db()
    return request


def _trusted_context(request) -> ValidationContext:
    text = SigningCertificate.objects.get(entity=request.point_of_sale.entity).certificate_pem
    _type, _headers, der = pem.unarmor(text.encode())
    return ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)


def test_the_seal_validates_with_pyhanko():
    request = _signed_request()
    signed = bytes(request.documents.get().signed_pdf)
    reader = PdfFileReader(io.BytesIO(signed))
    [embedded] = reader.embedded_signatures
    status = validate_pdf_signature(embedded, _trusted_context(request))
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert (
        "PAdES" in embedded.sig_object["/SubFilter"]
        or embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    )


def test_the_stamp_and_the_audit_trail_are_in_the_pdf():
    request = _signed_request()
    document = request.documents.get()
    reader = PdfReader(io.BytesIO(bytes(document.signed_pdf)))
    assert len(reader.pages) >= 2  # the document + its audit-trail page
    first = reader.pages[0].extract_text()
    assert "Signé électroniquement" in first and request.signer_name in first
    audit = "".join(p.extract_text() for p in reader.pages[1:])
    assert f"n° {request.pk}" in audit
    assert document.original_sha256 in audit.replace("\n", "")
    assert "198.51.100.4" in audit
    assert "Code SMS vérifié" in audit
    info = reader.metadata
    assert info["/OpenFlexRequest"] == str(request.pk)
    assert info["/OpenFlexDocument"] == str(document.pk)


def test_the_stamp_lands_in_the_signature_box():
    request = _signed_request()
    original = PdfReader(io.BytesIO(bytes(request.documents.get().original_pdf)))
    box = original.named_destinations["signature-client"]
    signed = PdfReader(io.BytesIO(bytes(request.documents.get().signed_pdf)))
    positions = []

    def visitor(text, cm, tm, font_dict, font_size):
        if "Signé électroniquement" in text:
            positions.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    signed.pages[0].extract_text(visitor_text=visitor)
    assert positions
    x, y = positions[0]
    assert float(box.left) <= x <= float(box.left) + 240
    assert float(box.top) - 100 <= y <= float(box.top)


def test_verification_page_service_says_intact_and_which_document():
    request = _signed_request()
    document = request.documents.get()
    result = pdf_verify(bytes(document.signed_pdf))
    assert result.sealed and result.intact and result.trusted
    assert (result.request_id, result.document_id) == (request.pk, document.pk)
    assert result.sha256 == document.signed_sha256


def test_one_changed_byte_is_detected():
    request = _signed_request()
    data = bytearray(request.documents.get().signed_pdf)
    # A byte of the content covered by the seal (inside the first page's stream).
    position = data.index(b"stream") + 40
    data[position] = (data[position] + 1) % 256
    assert not pdf_verify(bytes(data)).intact
    reader = PdfFileReader(io.BytesIO(bytes(data)), strict=False)
    status = validate_pdf_signature(reader.embedded_signatures[0], _trusted_context(request))
    assert not status.intact


def test_an_unsealed_pdf_is_not_intact():
    request = make_request(send=False)
    result = pdf_verify(bytes(request.documents.get().original_pdf))
    assert not result.sealed and not result.intact


def test_a_changed_audit_event_is_detected():
    request = _signed_request()
    assert signature_audit_problems(request) == []
    event = request.events.get(kind="code_checked")
    SignatureEvent.objects.filter(pk=event.pk).update(ip="192.0.2.99")
    problems = signature_audit_problems(request)
    assert any("content changed" in p for p in problems)


def test_a_deleted_audit_event_is_detected():
    request = _signed_request()
    SignatureEvent.objects.filter(request=request, kind="code_sent").delete()
    assert signature_audit_problems(request)


def test_a_deleted_last_audit_event_is_detected():
    request = _signed_request()
    SignatureEvent.objects.filter(request=request).order_by("-seq").first().delete()
    problems = signature_audit_problems(request)
    assert problems


def test_install_a_pkcs12_and_refuse_a_wrong_password():
    request = make_request(send=False)
    entity = request.point_of_sale.entity
    data = self_signed_pkcs12(common_name="Cachet Test", organisation="Test", password="s3cret")
    with pytest.raises(CertificateError):
        signing_certificate_install(entity=entity, pkcs12_data=data, password="wrong")
    cert = signing_certificate_install(entity=entity, pkcs12_data=data, password="s3cret")
    cert = SigningCertificate.objects.get(pk=cert.pk)
    assert cert.password == "s3cret" and "Cachet Test" in cert.subject
    # Encrypted at rest: neither the password nor the file is stored in clear.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT password, pkcs12_encrypted FROM signatures_signingcertificate WHERE id=%s",
            [cert.pk],
        )
        raw_password, raw_file = cursor.fetchone()
    assert "s3cret" not in raw_password and bytes(raw_file) != data
