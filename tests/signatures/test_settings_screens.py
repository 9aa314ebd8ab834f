"""Paramètres screens of the e-signature (administrators): delay and reminders, promotional
operations, sealing certificates, SMS envoyés; and the staff page "Vérifier un document"."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from signatures.promotions.models import PromotionalOperation
from signatures.requests import services
from signatures.requests.models import SignatureSettings
from signatures.sealing.models import SigningCertificate
from signatures.sealing.services import self_signed_pkcs12
from signatures.sms.models import SmsMessage
from signatures.sms.services import sms_send
from tests.accounts.factories import EntityFactory, UserFactory
from tests.lists import assert_list_queries
from tests.signatures.factories import make_request
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_sections_are_listed_for_administrators(admin_client):
    html = admin_client.get("/parametres/").content.decode()
    for title in ("Parcours de vente digitalisé", "Opérations promotionnelles", "SMS envoyés"):
        assert title in html


def test_settings_edit_and_errors_next_to_the_field(admin_client):
    response = admin_client.post(
        "/parametres/e-signature/",
        {
            "expiry_days": "0",
            "reminder_after_days": "2",
            "reminder_every_days": "2",
            "reminder_max": "3",
        },
    )
    assert response.status_code == 400
    assert 'value="0"' in response.content.decode()  # typed values kept
    assert SignatureSettings.current().expiry_days == 7
    response = admin_client.post(
        "/parametres/e-signature/",
        {
            "expiry_days": "15",
            "reminder_after_days": "3",
            "reminder_every_days": "4",
            "reminder_max": "1",
            "annexes": ["estimation_reprise", "contre_expertise"],
        },
    )
    assert response.status_code == 302
    config = SignatureSettings.current()
    assert (config.expiry_days, config.reminder_max) == (15, 1)
    assert config.annexes == ["estimation_reprise", "contre_expertise"]


def test_settings_are_refused_to_a_salesperson(client):
    client.force_login(UserFactory(group_type="vendeur"))
    assert client.get("/parametres/e-signature/").status_code == 403


def test_promotion_create_and_edit(admin_client):
    car = VehicleFactory()
    response = admin_client.post(
        "/parametres/operations-promotionnelles/nouvelle/",
        {
            "name": "Printemps",
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "cumulative": "on",
        },
    )
    assert response.status_code == 400 and "La fin précède le début" in response.content.decode()
    response = admin_client.post(
        "/parametres/operations-promotionnelles/nouvelle/",
        {
            "name": "Printemps",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "cumulative": "on",
            "active": "on",
            "vehicle_numbers": f"{car.pk}",
        },
    )
    assert response.status_code == 302
    operation = PromotionalOperation.objects.get()
    assert list(operation.vehicles.all()) == [car] and operation.ends_on == date(2026, 3, 31)
    response = admin_client.post(
        f"/parametres/operations-promotionnelles/{operation.pk}/",
        {"name": "Printemps", "starts_on": "2026-03-01", "vehicle_numbers": "999999"},
    )
    assert response.status_code == 400 and "introuvable" in response.content.decode()


def test_promotion_list_queries(admin_client):
    def add(n):
        for i in range(n):
            PromotionalOperation.objects.create(name=f"Op {i}", starts_on=date(2026, 1, 1))

    assert_list_queries(admin_client, "/parametres/operations-promotionnelles/", add, budget=8)


def test_sms_list_queries_and_confidential_body(admin_client):
    def add(n):
        for _ in range(n):
            sms_send(to="0612345678", body="987650 code", kind="signature_code", confidential=True)

    counts = assert_list_queries(admin_client, "/parametres/sms/", add, budget=8)
    assert "987650" not in counts.html and "Contenu confidentiel" in counts.html
    sms = SmsMessage.objects.first()
    detail = admin_client.get(f"/parametres/sms/{sms.pk}/").content.decode()
    assert "987650" not in detail


def test_certificate_upload_and_generate(admin_client):
    entity = EntityFactory()
    data = self_signed_pkcs12(common_name="Cachet Horizon", organisation="Horizon", password="pw")
    bad = admin_client.post(
        "/parametres/e-signature/certificats/",
        {"entity": entity.pk, "pkcs12": SimpleUploadedFile("c.p12", data), "password": "no"},
    )
    assert bad.status_code == 400 and "mot de passe incorrect" in bad.content.decode()
    good = admin_client.post(
        "/parametres/e-signature/certificats/",
        {"entity": entity.pk, "pkcs12": SimpleUploadedFile("c.p12", data), "password": "pw"},
    )
    assert good.status_code == 302
    page = admin_client.get("/parametres/e-signature/certificats/").content.decode()
    assert "Cachet Horizon" in page and "pw" not in re.sub(r"<[^>]+>", "", page).split()
    admin_client.post(f"/parametres/e-signature/certificats/{entity.pk}/auto-signe/")
    assert SigningCertificate.objects.get(entity=entity).self_signed


def test_verify_page(client):
    request = make_request(send=False)
    services.signature_code_send(request=request, client=services.Client())
    body = SmsMessage.objects.latest("pk").body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    services.signature_request_sign(request=request, code=code, client=services.Client())
    document = request.documents.get()
    seller = UserFactory(group_type="vendeur", points_of_sale=[request.point_of_sale])
    client.force_login(seller)
    response = client.post(
        "/signatures/verifier/",
        {"document": SimpleUploadedFile("d.pdf", bytes(document.signed_pdf))},
    )
    html = response.content.decode()
    assert "Scellement intact" in html and f"n° {request.pk}" in html
    assert "exactement le fichier délivré" in html
    tampered = bytearray(document.signed_pdf)
    at = tampered.index(b"stream") + 40
    tampered[at] = (tampered[at] + 1) % 256
    response = client.post(
        "/signatures/verifier/", {"document": SimpleUploadedFile("d.pdf", bytes(tampered))}
    )
    assert "Scellement non valide" in response.content.decode()
    not_pdf = client.post(
        "/signatures/verifier/", {"document": SimpleUploadedFile("d.pdf", b"hello")}
    )
    assert not_pdf.status_code == 400 and "pas un PDF" in not_pdf.content.decode()
    # Another point of sale's user: the verdict, not the request.
    client.force_login(UserFactory(group_type="vendeur"))
    response = client.post(
        "/signatures/verifier/",
        {"document": SimpleUploadedFile("d.pdf", bytes(document.signed_pdf))},
    )
    html = response.content.decode()
    assert "Scellement intact" in html and request.signer_name not in html
