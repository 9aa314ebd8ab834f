"""Login, lockout, logout and password reset (issue 2: login with brute-force protection)."""

import re

import pytest
from django.conf import settings
from django.core import mail

from openflex.notifications.models import OutboundEmail
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/connexion/"


def _login(client, email, password, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password, **extra})


def test_login_page_is_in_french(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Connexion" in html
    assert "Mot de passe oublié ?" in html


def test_anonymous_user_is_sent_to_login_from_home(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_login_with_email_and_password_lands_on_home(client):
    user = UserFactory(first_name="Margot")
    response = _login(client, user.email, PASSWORD, follow=False)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Bonjour Margot" in home.content.decode()


def test_login_is_case_insensitive_on_the_email(client):
    user = UserFactory(email="margot.lemaire@example.test")
    response = _login(client, "Margot.Lemaire@Example.test", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == user


def test_login_follows_next(client):
    user = UserFactory()
    response = client.post(
        f"{LOGIN_URL}?next=/profil/",
        {"username": user.email, "password": PASSWORD, "next": "/profil/"},
    )
    assert response["Location"] == "/profil/"


def test_wrong_password_shows_the_french_error_and_stays(client):
    user = UserFactory()
    response = _login(client, user.email, "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Email ou mot de passe incorrect." in html
    # What was typed is kept, the password is not echoed back.
    assert f'value="{user.email}"' in html
    assert "not-the-password" not in html
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/").status_code == 302


def test_deactivated_account_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_lockout_after_the_failure_limit_even_with_the_right_password(client):
    user = UserFactory()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = _login(client, user.email, "wrong-password")
        assert response.status_code == 200
        assert "Email ou mot de passe incorrect." in response.content.decode()
    locked = _login(client, user.email, "wrong-password")
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()

    # The right password does not get through while the lock holds.
    again = _login(client, user.email, PASSWORD)
    assert again.status_code == 429
    assert "Connexion temporairement bloquée" in again.content.decode()
    assert client.get("/").status_code == 302


def test_lockout_cannot_be_dodged_by_changing_the_case_of_the_email(client):
    user = UserFactory(email="casse@example.test")
    variants = ["casse@example.test", "Casse@example.test", "CASSE@example.test"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, variants[i % len(variants)], "wrong-password")
    response = _login(client, "Casse@Example.test", PASSWORD)
    assert response.status_code == 429
    assert client.get("/").status_code == 302
    user.refresh_from_db()
    assert user.last_login is None


def test_lockout_is_per_account_and_address(client):
    """Failures on one email do not lock another person out."""
    victim, other = UserFactory(), UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, victim.email, "wrong-password")
    response = _login(client, other.email, PASSWORD)
    assert response.status_code == 302


# --- Behind the TLS proxy (security finding #12) ------------------------------------------

PROXY = "10.0.0.2"  # every request reaches gunicorn from the proxy


def _via_proxy(client, email, password, forwarded):
    return client.post(
        LOGIN_URL,
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.OPENFLEX_TRUSTED_PROXIES = 1


@pytest.mark.usefixtures("behind_proxy")
def test_failures_from_one_client_do_not_lock_the_account_for_another(client):
    victim = UserFactory(email="victim@example.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _via_proxy(client, victim.email, "wrong-password", "203.0.113.10")
    assert _via_proxy(client, victim.email, PASSWORD, "203.0.113.10").status_code == 429

    response = _via_proxy(client, victim.email, PASSWORD, "198.51.100.7")
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == victim


@pytest.mark.usefixtures("behind_proxy")
def test_a_forged_forwarded_header_does_not_dodge_the_lockout(client):
    """What the client writes in X-Forwarded-For is left of what the proxy appends."""
    victim = UserFactory()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _via_proxy(client, victim.email, "wrong-password", f"192.0.2.{i}, 203.0.113.10")
    locked = _via_proxy(client, victim.email, PASSWORD, "192.0.2.99, 203.0.113.10")
    assert locked.status_code == 429


@pytest.mark.usefixtures("behind_proxy")
def test_one_address_trying_many_accounts_is_throttled(client):
    """Password spraying: one failure per account never locks a pair, the address is."""
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    accounts = [UserFactory() for _ in range(3)]
    for i in range(limit - 1):
        response = _via_proxy(client, f"guess{i}@example.test", "wrong-password", "203.0.113.10")
        assert response.status_code == 200
    last = _via_proxy(client, "guess-last@example.test", "wrong-password", "203.0.113.10")
    assert last.status_code == 429

    locked = _via_proxy(client, accounts[0].email, PASSWORD, "203.0.113.10")
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    # The same account from another client logs in.
    assert _via_proxy(client, accounts[0].email, PASSWORD, "198.51.100.7").status_code == 302


def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get("/deconnexion/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert client.get("/").status_code == 302


def _link_from(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/reinitialiser/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_password_reset_email_lets_the_user_choose_a_new_password(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="oubli@example.test", first_name="Lucie")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mot-de-passe-oublie/", {"email": "oubli@example.test"})
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe-oublie/envoye/"

    record = OutboundEmail.objects.get(kind="password_reset")
    assert record.to == "oubli@example.test"
    assert record.recipient == user
    assert record.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["oubli@example.test"]
    assert "Bonjour Lucie" in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"

    link = _link_from(message.body)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "new_password1" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url, {"new_password1": "Nouveau-mdp-2024!", "new_password2": "Nouveau-mdp-2024!"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/reinitialiser/termine/"

    # The old password no longer works, the new one does.
    assert _login(client, user.email, PASSWORD).status_code == 200
    assert _login(client, user.email, "Nouveau-mdp-2024!").status_code == 302

    # The link is single-use.
    client.post("/deconnexion/")
    reused = client.get(link, follow=True)
    assert "n'est plus valable" in reused.content.decode()


def test_password_reset_for_an_unknown_email_sends_nothing_and_reveals_nothing(client):
    UserFactory(email="connu@example.test")
    response = client.post("/mot-de-passe-oublie/", {"email": "inconnu@example.test"})
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe-oublie/envoye/"
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_an_invited_person_whose_link_expired_can_ask_for_a_new_one(
    client, django_capture_on_commit_callbacks
):
    """Accounts pending activation (no password yet) get a reset link too."""
    invited = UserFactory(email="invitee@example.test", password=None)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/mot-de-passe-oublie/", {"email": "Invitee@example.test"})
    assert [m.to for m in mail.outbox] == [["invitee@example.test"]]
    link = _link_from(mail.outbox[0].body)
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Premier-mdp-2024!", "new_password2": "Premier-mdp-2024!"},
    )
    assert done["Location"] == "/reinitialiser/termine/"
    assert _login(client, "invitee@example.test", "Premier-mdp-2024!").status_code == 302


def test_a_deactivated_account_gets_no_reset_email(client, django_capture_on_commit_callbacks):
    UserFactory(email="parti@example.test", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mot-de-passe-oublie/", {"email": "parti@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []
