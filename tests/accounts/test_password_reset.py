"""Password reset (security finding #12): throttled per email and per client address, and
the same answer in the same work whether the account exists — the lookup and the email
happen in the outbox, after the request."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openflex.accounts.services import RESET_EMAIL_EFFECT
from openflex.notifications.models import OutboundEmail
from openflex.notifications.services import WIPED
from openflex.outbox.models import Effect
from openflex.outbox.services import effects_sweep
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/mot-de-passe-oublie/"
DONE = "/mot-de-passe-oublie/envoye/"


def _ask(client, email, address="203.0.113.10"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address)


def _run_outbox():
    """The worker: the reset effect, then the email effect it recorded."""
    effects_sweep()
    effects_sweep()


def test_the_request_does_not_look_the_account_up(client):
    UserFactory(email="connu@example.test")
    with CaptureQueriesContext(connection) as queries:
        response = _ask(client, "connu@example.test")

    assert response.status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    assert any('"outbox_effect"' in q for q in sql)
    assert not [q for q in sql if '"accounts_user"' in q]
    effect = Effect.objects.get(kind=RESET_EMAIL_EFFECT)
    assert effect.payload == {"email": "connu@example.test"}
    assert not OutboundEmail.objects.exists()

    _run_outbox()
    assert [m.to for m in mail.outbox] == [["connu@example.test"]]
    record = OutboundEmail.objects.get(kind="password_reset")
    assert record.confidential
    assert record.body_text == WIPED  # the link is not kept once sent


def test_known_and_unknown_emails_get_the_same_answer_for_the_same_work(client):
    UserFactory(email="connu@example.test")
    answers = []
    for email in ("connu@example.test", "inconnu@example.test"):
        with CaptureQueriesContext(connection) as queries:
            response = _ask(client, email)
        count = len(queries.captured_queries)  # the next request empties the log
        page = client.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                [str(m) for m in get_messages(response.wsgi_request)],
                re.sub(r'(value|nonce)="[^"]*"|"X-CSRFToken": "[^"]*"', "", page.content.decode()),
                count,
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, DONE)
    assert answers[0][4] > 0  # the same queries, not none


def test_at_most_three_emails_an_hour_for_one_email(client, django_capture_on_commit_callbacks):
    UserFactory(email="cible@example.test")
    limit = settings.PASSWORD_RESET_MAX_PER_EMAIL
    assert limit == 3
    for i in range(limit + 2):
        with django_capture_on_commit_callbacks(execute=True):
            # Different addresses: the cap is on the email, whoever asks.
            response = _ask(client, "Cible@example.test", address=f"203.0.113.{i + 1}")
        assert (response.status_code, response["Location"]) == (302, DONE)

    assert len(mail.outbox) == limit
    assert Effect.objects.filter(kind=RESET_EMAIL_EFFECT).count() == limit


def test_one_address_asking_for_many_emails_is_throttled(client):
    limit = settings.PASSWORD_RESET_MAX_PER_ADDRESS
    for i in range(limit):
        assert _ask(client, f"personne{i}@example.test").status_code == 302

    refused = _ask(client, "encore@example.test")
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert Effect.objects.filter(kind=RESET_EMAIL_EFFECT).count() == limit
    # Another client is not held back.
    assert _ask(client, "encore@example.test", address="198.51.100.7").status_code == 302


def test_behind_the_proxy_the_address_is_the_client_s(client, settings):
    settings.OPENFLEX_TRUSTED_PROXIES = 1
    limit = settings.PASSWORD_RESET_MAX_PER_ADDRESS
    for i in range(limit):
        client.post(
            URL,
            {"email": f"p{i}@example.test"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.10",
        )
    other = client.post(
        URL,
        {"email": "x@example.test"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert other.status_code == 302
