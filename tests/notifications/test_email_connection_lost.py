"""An email accepted by the SMTP server is recorded as sent even if the database
connection died during the exchange (X-1, found by ``make chaos``): before, the "sent"
mark failed on the dead connection, the effect stayed "running" and the email went out
a second time after the lease."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections
from django.utils import timezone

from openflex.notifications import services
from openflex.notifications.models import OutboundEmail
from openflex.outbox import services as outbox_services
from openflex.outbox.models import Effect
from openflex.outbox.services import effect_run
from tests.accounts.factories import UserFactory

# Transactional: the delivery runs outside any transaction, as in the worker.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class DatabaseLostDuringExchange(EmailBackend):
    """The SMTP server accepts the message while PostgreSQL terminates our backend."""

    def send_messages(self, email_messages):
        pid = connection.connection.info.backend_pid
        killer = connections.create_connection("default")
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()
        return super().send_messages(email_messages)


def test_an_email_sent_while_the_connection_died_is_recorded_sent_once(settings, monkeypatch):
    monkeypatch.setattr(outbox_services, "effect_dispatch", lambda **kwargs: False)  # no broker
    user = UserFactory()
    record = services.email_send(
        to=user.email,
        recipient=user,
        kind="password_changed",
        template="accounts/password_changed",
        subject="Votre mot de passe OpenFlex a été modifié",
        context={"user": user, "when": timezone.now()},
    )
    key = f"email:{record.pk}"
    settings.EMAIL_BACKEND = f"{__name__}.DatabaseLostDuringExchange"

    assert effect_run(key=key) == Effect.Status.DONE

    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENT
    assert record.attempts == 1
    assert len(mail.outbox) == 1
