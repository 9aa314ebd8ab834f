"""Profile security (ORG-4): email change with a 6-digit code, warnings, password change."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from openflex.accounts import services
from openflex.accounts.models import SecurityCode, User
from openflex.notifications.models import OutboundEmail
from openflex.outbox.services import effects_sweep
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OLD = "ancienne@example.test"
NEW = "nouvelle@example.test"


@pytest.fixture
def person(db):
    return UserFactory(email=OLD, first_name="Inès", last_name="Garnier", phone="06 11 22 33 44")


def _code_sent_to(address: str) -> str:
    """The code as the person reads it in the email (the record keeps no clear copy)."""
    record = OutboundEmail.objects.filter(kind="email_change_code", to=address).latest("pk")
    effects_sweep()  # deliver whatever the test did not run on commit
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENT
    assert not re.search(r"\b\d{6}\b", record.body_text + record.body_html)
    message = next(m for m in reversed(mail.outbox) if m.to == [address] and "code" in m.body)
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match, message.body
    return match.group(1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- email change: service ----------------------------------------------------------


def test_code_goes_to_the_new_address_and_a_warning_to_the_old_one(
    person, django_capture_on_commit_callbacks
):
    """ORG-4: the code to the new address, a warning to the old address."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.email_change_request(user=person, new_email=NEW)
    assert len(callbacks) == 2  # both emails are enqueued only once the transaction commits

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {NEW, OLD}
    code_mail = by_recipient[NEW]
    code = re.search(r"\b(\d{6})\b", code_mail.body).group(1)
    assert "15 minutes" in code_mail.body
    assert code in code_mail.alternatives[0][0]  # the HTML part carries it too
    warning = by_recipient[OLD]
    assert NEW in warning.body
    assert code not in warning.body and code not in warning.alternatives[0][0]

    kinds = dict(OutboundEmail.objects.values_list("to", "kind"))
    assert kinds == {NEW: "email_change_code", OLD: "email_change_warning"}
    # Nothing changes before the code is entered.
    person.refresh_from_db()
    assert person.email == OLD


def test_the_code_is_valid_fifteen_minutes(person):
    before = timezone.now()
    row = services.email_change_request(user=person, new_email=NEW)
    after = timezone.now()
    assert before + timedelta(minutes=15) <= row.expires_at <= after + timedelta(minutes=15)


def test_the_email_changes_only_after_the_right_code(person):
    services.email_change_request(user=person, new_email="Nouvelle@Example.test ")
    code = _code_sent_to(NEW)
    with pytest.raises(ValidationError) as exc:
        services.email_change_confirm(user=person, code=_wrong(code))
    assert "Code incorrect" in str(exc.value)
    person.refresh_from_db()
    assert person.email == OLD

    services.email_change_confirm(user=person, code=code)
    person.refresh_from_db()
    assert person.email == NEW


def test_the_code_is_stored_hashed(person):
    row = services.email_change_request(user=person, new_email=NEW)
    code = _code_sent_to(NEW)
    row.refresh_from_db()
    assert code not in row.code_hash
    assert len(row.code_hash) == 64
    stored = SecurityCode.objects.filter(pk=row.pk).values()[0]
    assert all(code not in str(value) for value in stored.values())


def test_wrong_codes_are_counted_and_after_five_even_the_right_code_is_refused(person):
    """ORG-4: limited attempts."""
    row = services.email_change_request(user=person, new_email=NEW)
    code = _code_sent_to(NEW)
    assert settings.SECURITY_CODE_MAX_ATTEMPTS == 5
    for attempt in range(1, 6):
        with pytest.raises(ValidationError) as exc:
            services.email_change_confirm(user=person, code=_wrong(code))
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < 5:
            left = 5 - attempt
            assert f"Il vous reste {left} tentative{'s' if left > 1 else ''}." in str(exc.value)
        else:
            assert "Trop de tentatives" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.email_change_confirm(user=person, code=code)
    assert "Trop de tentatives" in str(exc.value)
    person.refresh_from_db()
    assert person.email == OLD
    assert services.email_change_pending(user=person) is None


def test_an_expired_code_is_refused(person):
    row = services.email_change_request(user=person, new_email=NEW)
    code = _code_sent_to(NEW)
    SecurityCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError) as exc:
        services.email_change_confirm(user=person, code=code)
    assert "expiré" in str(exc.value)
    person.refresh_from_db()
    assert person.email == OLD


def test_a_code_is_single_use(person):
    services.email_change_request(user=person, new_email=NEW)
    code = _code_sent_to(NEW)
    services.email_change_confirm(user=person, code=code)
    with pytest.raises(ValidationError) as exc:
        services.email_change_confirm(user=person, code=code)
    assert "Aucun changement d'email en attente" in str(exc.value)
    assert SecurityCode.objects.get().used_at is not None


def test_a_new_request_revokes_the_previous_code(person):
    first = services.email_change_request(user=person, new_email=NEW)
    first_code = _code_sent_to(NEW)
    second = services.email_change_request(user=person, new_email="autre@example.test")
    second_code = _code_sent_to("autre@example.test")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    if first_code != second_code:  # one chance in a million that they are equal
        with pytest.raises(ValidationError):
            services.email_change_confirm(user=person, code=first_code)
    services.email_change_confirm(user=person, code=second_code)
    person.refresh_from_db()
    assert person.email == "autre@example.test"


def test_an_address_used_by_another_account_is_refused(person):
    UserFactory(email="prise@example.test")
    with pytest.raises(ValidationError) as exc:
        services.email_change_request(user=person, new_email="PRISE@example.test")
    assert "déjà utilisée" in str(exc.value)
    assert not SecurityCode.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_address_taken_meanwhile_is_refused_at_confirmation(person):
    services.email_change_request(user=person, new_email=NEW)
    code = _code_sent_to(NEW)
    UserFactory(email=NEW)
    with pytest.raises(ValidationError) as exc:
        services.email_change_confirm(user=person, code=code)
    assert "déjà utilisée" in str(exc.value)
    person.refresh_from_db()
    assert person.email == OLD


# --- name / phone / password ------------------------------------------------------------


def test_name_or_phone_change_sends_a_warning_email(person, django_capture_on_commit_callbacks):
    """ORG-4: a change of last name, first name or phone number warns the user."""
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.profile_update(
            user=person, first_name="Inès", last_name="Garnier-Roy", phone="07 00 00 00 00"
        )
    assert changed == ["nom", "téléphone"]
    person.refresh_from_db()
    assert (person.last_name, person.phone) == ("Garnier-Roy", "07 00 00 00 00")
    assert len(mail.outbox) == 1
    warning = mail.outbox[0]
    assert warning.to == [OLD]
    assert "nom, téléphone" in warning.body
    assert OutboundEmail.objects.get().kind == "profile_changed"


def test_saving_an_unchanged_profile_sends_nothing(person):
    assert (
        services.profile_update(
            user=person, first_name="Inès", last_name="Garnier", phone="06 11 22 33 44"
        )
        == []
    )
    assert not OutboundEmail.objects.exists()


# --- through the profile page (/profil/) --------------------------------------------


@pytest.fixture
def person_client(client, person):
    client.force_login(person)
    return client


def test_profile_page_shows_the_three_forms(person_client):
    html = person_client.get("/profil/").content.decode()
    for label in ("Identité", "Adresse email", "Mot de passe", OLD):
        assert label in html


def test_profile_view_email_change_then_code(person_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = person_client.post("/profil/", {"action": "email", "new_email": NEW})
    assert response.status_code == 302
    page = person_client.get("/profil/").content.decode()
    assert f"Un code à 6 chiffres a été envoyé à {NEW}" in page
    assert 'name="code"' in page

    code = _code_sent_to(NEW)
    response = person_client.post("/profil/", {"action": "code", "code": f" {code} "})
    assert response.status_code == 302
    person = User.objects.get(pk=response.wsgi_request.user.pk)
    assert person.email == NEW
    assert "Votre adresse email a été modifiée." in person_client.get("/profil/").content.decode()


def test_profile_view_wrong_code_keeps_the_input_and_says_why(person_client):
    person_client.post("/profil/", {"action": "email", "new_email": NEW})
    code = _code_sent_to(NEW)
    wrong = _wrong(code)
    response = person_client.post("/profil/", {"action": "code", "code": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{wrong}"' in html
    field = re.search(r'<div class="field field-invalid">.*?</div>', html, re.S).group(0)
    assert 'name="code"' in field
    assert "Il vous reste 4 tentatives" in field
    assert User.objects.get(email=OLD)


def test_profile_view_malformed_code_is_refused_without_counting(person_client):
    row = services.email_change_request(user=User.objects.get(email=OLD), new_email=NEW)
    response = person_client.post("/profil/", {"action": "code", "code": "12ab"})
    assert response.status_code == 400
    assert "Le code comporte 6 chiffres." in response.content.decode()
    row.refresh_from_db()
    assert row.attempts == 0


def test_profile_view_bad_new_email_keeps_it_and_sends_nothing(person_client):
    response = person_client.post("/profil/", {"action": "email", "new_email": "pas-un-email"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="pas-un-email"' in html
    field = re.search(r'<div class="field field-invalid">.*?</div>', html, re.S).group(0)
    assert 'name="new_email"' in field
    assert "Saisissez une adresse de courriel valide." in field
    assert not SecurityCode.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_profile_view_taken_email_error_is_next_to_the_field(person_client):
    UserFactory(email="prise@example.test")
    response = person_client.post(
        "/profil/", {"action": "email", "new_email": "prise@example.test"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'<div class="field field-invalid">.*?</div>', html, re.S).group(0)
    assert 'value="prise@example.test"' in field
    assert "Cette adresse est déjà utilisée par un compte." in field
    assert not OutboundEmail.objects.exists()


def test_profile_view_name_change_saves_and_warns(person_client):
    response = person_client.post(
        "/profil/",
        {"action": "profile", "last_name": "Garnier", "first_name": "Inès", "phone": "0700000000"},
    )
    assert response.status_code == 302
    assert User.objects.get(email=OLD).phone == "0700000000"
    assert OutboundEmail.objects.get().kind == "profile_changed"


def test_profile_view_bad_phone_keeps_the_input_and_changes_nothing(person_client):
    response = person_client.post(
        "/profil/",
        {"action": "profile", "last_name": "Nouveau-Nom", "first_name": "Inès", "phone": "abc"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Nouveau-Nom"' in html
    field = re.search(r'<div class="field field-invalid">.*?</div>', html, re.S).group(0)
    assert 'value="abc"' in field
    assert "Numéro de téléphone invalide." in field
    person = User.objects.get(email=OLD)
    assert (person.last_name, person.phone) == ("Garnier", "06 11 22 33 44")
    assert not OutboundEmail.objects.exists()


def test_password_change_needs_no_code_and_sends_a_notice(
    person_client, django_capture_on_commit_callbacks
):
    """ORG-4: a password change needs no code; the user is told by email."""
    with django_capture_on_commit_callbacks(execute=True):
        response = person_client.post(
            "/profil/",
            {
                "action": "password",
                "old_password": PASSWORD,
                "new_password1": "Autre-Secret-2025",
                "new_password2": "Autre-Secret-2025",
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email=OLD)
    assert person.check_password("Autre-Secret-2025")
    assert not SecurityCode.objects.exists()
    assert [m.to for m in mail.outbox] == [[OLD]]
    assert OutboundEmail.objects.get().kind == "password_changed"
    # The session survives the change.
    assert person_client.get("/profil/").status_code == 200


def test_password_change_with_the_wrong_old_password_changes_nothing(person_client):
    response = person_client.post(
        "/profil/",
        {
            "action": "password",
            "old_password": "pas-le-bon",
            "new_password1": "Autre-Secret-2025",
            "new_password2": "Autre-Secret-2025",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(
        r'<div class="field field-invalid">.*?name="old_password".*?</div>', html, re.S
    ).group(0)
    assert "ancien mot de passe est incorrect" in field
    assert User.objects.get(email=OLD).check_password(PASSWORD)
    assert not OutboundEmail.objects.exists()


def test_profile_requires_login(client):
    response = client.get("/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_code_requests_are_capped_per_hour(person):
    """ORG-4: a new code does not bring unlimited fresh attempts."""
    limit = settings.SECURITY_CODE_MAX_REQUESTS_PER_HOUR
    for i in range(limit):
        services.email_change_request(user=person, new_email=f"essai{i}@example.test")
    with pytest.raises(ValidationError) as exc:
        services.email_change_request(user=person, new_email="encore@example.test")
    assert "Trop de demandes de code" in str(exc.value)
    assert SecurityCode.objects.count() == limit
    assert OutboundEmail.objects.filter(kind="email_change_warning").count() == limit

    # An hour later, the person may ask again.
    SecurityCode.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    services.email_change_request(user=person, new_email="encore@example.test")


def test_purge_forgets_old_codes_only(person):
    old = services.email_change_request(user=person, new_email=NEW)
    SecurityCode.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=2, minutes=45),
    )
    recent = services.email_change_request(user=person, new_email="autre@example.test")
    assert services.security_codes_purge() == 1
    assert list(SecurityCode.objects.values_list("pk", flat=True)) == [recent.pk]
