"""Security finding (#12): a password too close to the email is refused wherever a
password is chosen — the profile and the set-password link (invitation, reset)."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from openflex.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "valideur-reprises@groupe-horizon-automobiles.fr"
REFUSED = "Ce mot de passe ressemble trop à votre adresse email ou à votre nom."


@pytest.fixture
def person(db):
    return UserFactory(email=EMAIL, first_name="Thomas", last_name="Roux")


@pytest.mark.parametrize(
    "password",
    [
        "valideur-reprises",
        "Valideur.Reprises",
        "valideur-reprises-2024",
        "2024!valideurreprises",
        "thomas-roux-2024",
    ],
)
def test_passwords_close_to_the_email_or_the_name_are_refused(person, password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, person)
    assert REFUSED in exc.value.messages


@pytest.mark.parametrize("password", ["correct-horse-battery", "Reprise-du-Clio-de-2019"])
def test_other_passwords_pass(person, password):
    validate_password(password, person)


def test_the_profile_refuses_a_password_like_the_email(client, person):
    client.force_login(person)
    response = client.post(
        "/profil/",
        {
            "action": "password",
            "old_password": PASSWORD,
            "new_password1": "valideur-reprises",
            "new_password2": "valideur-reprises",
        },
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode().replace("&#x27;", "'")
    assert User.objects.get(pk=person.pk).check_password(PASSWORD)


def test_the_set_password_link_refuses_a_password_like_the_email(client, person):
    """The page the invitation and the reset emails link to."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    form_page = client.get(f"/reinitialiser/{uid}/{token}/", follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "valideur-reprises", "new_password2": "valideur-reprises"}
    )
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert re.search(REFUSED, html)
    assert User.objects.get(pk=person.pk).check_password(PASSWORD)
