"""Stamp, audit page and PAdES seal of signed documents (S-6); the entities' certificates.

``document_seal`` takes the original PDF and returns the sealed one:

1. the customer's signature box is stamped (name, date and time, "signé électroniquement").
   The box is found through the named destination ``signature-client`` that WeasyPrint
   writes for the element of that id (``opportunities/pdf/_signatures.html``); a PDF
   without it gets the stamp at the foot of its last page;
2. an audit-trail page is appended: request and document ids, each document's SHA-256
   before sealing, the events (emails, SMS, code check) with their times, the signer's IP
   address and user agent, and the head of the events' hash chain;
3. the document info carries the request and document ids (``/OpenFlexRequest``,
   ``/OpenFlexDocument``: "Vérifier un document" reads them back);
4. the result is sealed with a PAdES signature (pyHanko, SHA-256) with the entity's
   certificate (``SigningCertificate``); an entity without one gets a self-signed
   certificate generated on the spot (recorded and shown in Paramètres), so that a
   customer is never stopped at the last step — an administrator may upload the
   entity's real certificate at any time.

The stamp and the audit page are one WeasyPrint rendering (the stamp overlay is its first
page, merged onto the signature page with pypdf).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.core.crypto import secret_decrypt_bytes, secret_encrypt_bytes
from signatures.sealing.models import SigningCertificate

SIGNATURE_ANCHOR = "signature-client"
SEAL_FIELD = "OpenFlexSeal"
META_REQUEST = "/OpenFlexRequest"
META_DOCUMENT = "/OpenFlexDocument"


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    label: str
    message: str
    ip: str = ""
    user_agent: str = ""
    hash: str = ""


@dataclass(frozen=True)
class SealInput:
    pdf: bytes
    entity: object
    request_id: int
    document_id: int
    document_title: str
    signer_name: str
    signed_at: datetime
    signer_company: str = ""
    ip: str = ""
    user_agent: str = ""
    documents: list[tuple[str, str]] = ()  # (title, sha256 before sealing)
    audit: list[AuditLine] = ()
    chain_head: str = ""


class CertificateError(ValueError):
    """The uploaded PKCS#12 cannot be used (wrong password, no key, not a PKCS#12)."""


# --- Certificates ----------------------------------------------------------------------


def _describe(certificate) -> dict:
    from cryptography.hazmat.primitives import hashes, serialization

    return {
        "subject": certificate.subject.rfc4514_string()[:300],
        "issuer": certificate.issuer.rfc4514_string()[:300],
        "not_before": certificate.not_valid_before_utc,
        "not_after": certificate.not_valid_after_utc,
        "fingerprint": certificate.fingerprint(hashes.SHA256()).hex(),
        "certificate_pem": certificate.public_bytes(serialization.Encoding.PEM).decode(),
        "self_signed": certificate.subject == certificate.issuer,
    }


def pkcs12_read(data: bytes, password: str):
    """(key, certificate) of a PKCS#12 file, else ``CertificateError``."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, certificate, _others = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except (ValueError, TypeError) as exc:
        raise CertificateError(_("Fichier PKCS#12 illisible ou mot de passe incorrect.")) from exc
    if key is None or certificate is None:
        raise CertificateError(_("Le fichier doit contenir le certificat et sa clé privée."))
    return key, certificate


@transaction.atomic
def signing_certificate_install(
    *, entity, pkcs12_data: bytes, password: str, by=None
) -> SigningCertificate:
    """Install (or replace) the entity's sealing certificate from a PKCS#12 upload."""
    _key, certificate = pkcs12_read(pkcs12_data, password)
    if certificate.not_valid_after_utc <= timezone.now():
        raise CertificateError(_("Ce certificat a expiré."))
    values = {
        **_describe(certificate),
        "pkcs12_encrypted": secret_encrypt_bytes(pkcs12_data),
        "password": password,
        "uploaded_at": timezone.now(),
        "uploaded_by": by,
    }
    obj, _created = SigningCertificate.objects.update_or_create(entity=entity, defaults=values)
    return obj


def self_signed_pkcs12(*, common_name: str, organisation: str, password: str = "") -> bytes:
    """A self-signed sealing certificate (RSA 2048, 3 years) as PKCS#12 bytes (demo, and
    the fallback of an entity without a certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "OpenFlex"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "OpenFlex"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"openflex-seal", key, certificate, None, encryption
    )


@transaction.atomic
def signing_certificate_generate(*, entity, by=None) -> SigningCertificate:
    """Install a self-signed certificate for ``entity`` (demo data, fallback)."""
    password = hashlib.sha256(f"{entity.pk}:{timezone.now().isoformat()}".encode()).hexdigest()
    data = self_signed_pkcs12(
        common_name=_("Cachet électronique %s") % entity.name,
        organisation=entity.name,
        password=password,
    )
    return signing_certificate_install(entity=entity, pkcs12_data=data, password=password, by=by)


def signing_certificate_for(entity) -> SigningCertificate:
    found = SigningCertificate.objects.filter(entity=entity).first()
    if found is not None and found.not_after > timezone.now():
        return found
    return signing_certificate_generate(entity=entity)


def _signer(certificate: SigningCertificate):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12_data(
        secret_decrypt_bytes(bytes(certificate.pkcs12_encrypted)),
        other_certs=[],
        passphrase=certificate.password.encode() if certificate.password else None,
    )


# --- Stamp, audit page, seal ------------------------------------------------------------


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko runs its own asyncio loop: called from a thread whose loop is running (an
    ASGI server, Playwright's sync API in tests), it runs in a worker thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)

    def in_worker():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()  # the worker thread's own connections

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_worker).result()


def pdf_seal(data: bytes, *, certificate: SigningCertificate, reason: str, location: str) -> bytes:
    """A PAdES seal (``/ETSI.CAdES.detached``, SHA-256) over the whole document."""
    return _outside_event_loop(
        _pdf_seal, data, certificate=certificate, reason=reason, location=location
    )


def _signature_box(reader) -> tuple[int, float, float]:
    """(page index, left, top) of the customer's signature box, in PDF points."""
    destination = reader.named_destinations.get(SIGNATURE_ANCHOR)
    if destination is not None:
        try:
            index = reader.get_destination_page_number(destination)
            return index, float(destination.left or 0), float(destination.top or 0)
        except (KeyError, TypeError, ValueError):
            pass
    return len(reader.pages) - 1, 300.0, 150.0


def _render(seal: SealInput, *, width: float, height: float, left: float, top: float) -> bytes:
    from weasyprint import HTML

    local = timezone.localtime(seal.signed_at)
    html = render_to_string(
        "signatures/pdf/seal.html",
        {
            "seal": seal,
            "signed_at": local,
            "width": width,
            "height": height,
            # The stamp below the box's title, inside the box (CSS points from the top).
            "stamp_left": left + 6,
            "stamp_top": height - top + 30,
            "audit": seal.audit,
            "documents": seal.documents,
        },
    )
    return HTML(string=html).write_pdf()


def _stamp_and_append(seal: SealInput) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(seal.pdf))
    index, left, top = _signature_box(reader)
    box = reader.pages[index].mediabox
    width, height = float(box.width), float(box.height)
    rendered = PdfReader(io.BytesIO(_render(seal, width=width, height=height, left=left, top=top)))
    writer = PdfWriter(clone_from=reader)
    writer.pages[index].merge_page(rendered.pages[0])
    for page in rendered.pages[1:]:
        writer.add_page(page)
    writer.add_metadata(
        {
            META_REQUEST: str(seal.request_id),
            META_DOCUMENT: str(seal.document_id),
            "/Subject": _("Document signé électroniquement — demande n° %s") % seal.request_id,
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_seal(data: bytes, *, certificate: SigningCertificate, reason: str, location: str) -> bytes:
    """A PAdES seal (``/ETSI.CAdES.detached``, SHA-256) over the whole document."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200],
        location=location[:200],
    )
    out = signers.sign_pdf(writer, meta, signer=_signer(certificate))
    return out.getvalue()


def document_seal(seal: SealInput) -> bytes:
    """Stamp, append the audit trail, seal: the signed PDF's bytes."""
    certificate = signing_certificate_for(seal.entity)
    stamped = _stamp_and_append(seal)
    return _outside_event_loop(
        _pdf_seal,
        stamped,
        certificate=certificate,
        reason=_("Signé électroniquement par %s (code SMS)") % seal.signer_name,
        location=str(seal.entity),
    )


# --- Verification ("Vérifier un document") ----------------------------------------------


def pdf_verify(data: bytes) -> Verification:
    """Is the PDF sealed, its seal intact (covering the whole file), by whom, and which
    request and document it is (read from its info, set before sealing)."""
    return _outside_event_loop(_pdf_verify, data)


@dataclass
class Verification:
    sealed: bool = False  # carries a seal at all
    intact: bool = False  # the seal's hash matches and nothing was added after it
    trusted: bool = False  # sealed by a certificate installed in OpenFlex
    signer: str = ""
    signed_at: datetime | None = None
    request_id: int | None = None
    document_id: int | None = None
    sha256: str = ""
    problems: list[str] | None = None


def _trust_roots():
    from asn1crypto import pem, x509

    roots = []
    for text in SigningCertificate.objects.values_list("certificate_pem", flat=True):
        _type, _headers, der = pem.unarmor(text.encode())
        roots.append(x509.Certificate.load(der))
    return roots


def _pdf_verify(data: bytes) -> Verification:
    """Is the PDF sealed, its seal intact (covering the whole file), by whom, and which
    request and document it is (read from its info, set before sealing)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    result = Verification(sha256=hashlib.sha256(data).hexdigest(), problems=[])
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # not a PDF, or damaged beyond reading
        result.problems.append(_("Fichier illisible : %s") % type(exc).__name__)
        return result
    if not signatures:
        result.problems.append(_("Ce document ne porte aucun scellement."))
        return result
    result.sealed = True
    embedded = signatures[-1]
    try:
        info = reader.trailer_view.get("/Info")
        if info is not None and hasattr(info, "get_object"):
            info = info.get_object()
        if info is not None:
            request_id = info.get(META_REQUEST)
            document_id = info.get(META_DOCUMENT)
            result.request_id = int(str(request_id)) if request_id is not None else None
            result.document_id = int(str(document_id)) if document_id is not None else None
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    try:
        context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
        status = validate_pdf_signature(embedded, context)
    except Exception as exc:
        result.problems.append(_("Scellement invalide : %s") % type(exc).__name__)
        return result
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    result.intact = bool(status.intact and status.valid and whole)
    result.trusted = bool(status.trusted)
    try:
        result.signer = status.signing_cert.subject.human_friendly
    except AttributeError:
        result.signer = ""
    result.signed_at = status.signer_reported_dt
    if not (status.intact and status.valid):
        result.problems.append(_("Le contenu a été modifié après le scellement."))
    elif not whole:
        result.problems.append(_("Des modifications ont été ajoutées après le scellement."))
    if not status.trusted:
        result.problems.append(_("Le certificat du scellement n'est pas celui d'une entité."))
    return result
