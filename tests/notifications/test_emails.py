"""Emails and in-app notifications (ORG-6)."""

import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from openflex.accounts.models import UserGroupType
from openflex.notifications import services
from openflex.notifications.models import Notification, OutboundEmail
from openflex.outbox.models import Effect
from openflex.outbox.services import effect_run, effects_sweep
from openflex.outbox.tasks import effect_run_task
from tests.accounts.factories import UserFactory
from tests.lists import assert_list_queries

pytestmark = pytest.mark.django_db

BROKEN = "tests.notifications.test_emails.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused by smtp.example.test")


def _send(user, **kwargs):
    return services.email_send(
        to=user.email,
        recipient=user,
        kind="password_changed",
        template="accounts/password_changed",
        subject="Votre mot de passe OpenFlex a été modifié",
        context={"user": user, "when": timezone.now()},
        **kwargs,
    )


# --- emails -----------------------------------------------------------------------------


def test_email_send_renders_html_and_text_and_records_it(user, django_capture_on_commit_callbacks):
    """ORG-6: a real email (HTML + text) from a template, recorded, sent by a task."""
    with django_capture_on_commit_callbacks(execute=True):
        record = _send(user)
        assert mail.outbox == []  # nothing leaves before the commit
    record.refresh_from_db()
    assert record.to == user.email
    assert record.recipient == user
    assert record.kind == "password_changed"
    assert record.subject == "Votre mot de passe OpenFlex a été modifié"
    assert record.status == OutboundEmail.Status.SENT
    assert record.sent_at is not None
    assert record.attempts == 1
    assert record.error == ""

    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == record.subject
    assert message.body == record.body_text
    assert f"Bonjour {user.first_name}," in message.body
    assert "<" not in message.body  # the text part is not HTML
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert html == record.body_html
    assert html.lstrip().startswith("<!doctype html>")
    assert f"Bonjour {user.first_name}" in html


def test_text_part_is_not_html_escaped(django_capture_on_commit_callbacks):
    person = UserFactory(first_name="Anne-Lise & Co", last_name="O'Brien")
    with django_capture_on_commit_callbacks(execute=True):
        _send(person)
    (message,) = mail.outbox
    assert "Bonjour Anne-Lise & Co," in message.body
    assert "Anne-Lise &amp; Co" in message.alternatives[0][0]


def test_delivery_is_enqueued_on_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        record = _send(user)
    assert len(callbacks) == 1
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []
    callbacks[0]()
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_delivery_is_idempotent(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        record = _send(user)
    assert services.email_deliver(email_id=record.pk) is True
    assert services.email_deliver(email_id=record.pk) is False
    effect_run_task.delay(f"email:{record.pk}")  # the outbox's own run finds it sent
    assert len(mail.outbox) == 1
    record.refresh_from_db()
    assert record.attempts == 1
    assert Effect.objects.get(key=f"email:{record.pk}").status == Effect.Status.DONE


def _run_due(key: str) -> str | None:
    """Run an effect now, as the sweep would once its backoff is over."""
    Effect.objects.filter(key=key).update(available_at=timezone.now())
    return effect_run(key=key)


def test_a_failing_backend_records_the_error_then_gives_up(user, settings):
    """X-1: each refused exchange is an attempt on the record; the last one fails it."""
    settings.EMAIL_BACKEND = BROKEN
    record = _send(user)
    key = f"email:{record.pk}"
    for attempt in range(1, services.MAX_DELIVERY_ATTEMPTS):
        assert _run_due(key) == Effect.Status.PENDING
        record.refresh_from_db()
        assert record.attempts == attempt
        assert record.status == OutboundEmail.Status.QUEUED
        assert "ConnectionRefusedError" in record.error
        effect = Effect.objects.get(key=key)
        assert effect.attempts == attempt and effect.available_at > timezone.now()
    assert _run_due(key) == Effect.Status.FAILED
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.FAILED
    assert record.attempts == services.MAX_DELIVERY_ATTEMPTS
    assert "Connection refused by smtp.example.test" in record.error
    assert record.sent_at is None
    assert mail.outbox == []
    assert _run_due(key) is None  # a failed effect stays failed until someone asks again


def test_a_crash_inside_the_smtp_exchange_resends_with_the_same_message_id(
    user, django_capture_on_commit_callbacks, monkeypatch
):
    """X-1: a worker killed after "sending" leaves the mark; the sweep sends again with
    the same Message-ID and counts both attempts."""
    with django_capture_on_commit_callbacks():
        record = _send(user)
    key = f"email:{record.pk}"

    def killed(self, fail_silently=False):
        super(type(self), self).send(fail_silently)  # the server got it…
        raise SystemExit  # …and the worker died before recording it

    from django.core.mail import EmailMultiAlternatives

    monkeypatch.setattr(EmailMultiAlternatives, "send", killed)
    with pytest.raises(SystemExit):
        effect_run(key=key)
    monkeypatch.undo()
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENDING
    assert record.attempts == 1
    first_id = record.message_id
    assert first_id.startswith("<") and first_id.endswith(">")
    effect = Effect.objects.get(key=key)
    assert effect.status == Effect.Status.RUNNING
    # Within its lease nobody takes it; past the lease, the sweep does.
    assert effects_sweep() == 0
    Effect.objects.filter(key=key).update(started_at=timezone.now() - timezone.timedelta(hours=1))
    assert effects_sweep() == 1
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENT
    assert record.attempts == 2
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"] == first_id
    assert second.message()["Message-ID"] == first_id


def test_confidential_bodies_are_not_kept_after_sending(user, django_capture_on_commit_callbacks):
    """A security code or reset link is readable in the sent email only, not in the table."""
    with django_capture_on_commit_callbacks(execute=True):
        record = _send(user, confidential=True)
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENT
    (message,) = mail.outbox
    assert f"Bonjour {user.first_name}" in message.body
    assert user.first_name not in record.body_text + record.body_html
    assert record.body_text == record.body_html == services.WIPED


def test_status_cannot_be_assigned_directly(user):
    record = _send(user)
    with pytest.raises(AttributeError):
        record.status = OutboundEmail.Status.SENT


def test_the_sweep_delivers_what_the_broker_never_received(
    user, django_capture_on_commit_callbacks
):
    """X-1: the dispatch after commit is lost (broker down): the sweep sends the email."""
    with django_capture_on_commit_callbacks():  # the callbacks never run: nothing dispatched
        lost = _send(user)
    assert mail.outbox == []
    assert effects_sweep() == 1
    lost.refresh_from_db()
    assert lost.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert effects_sweep() == 0  # done is done


# --- the "Emails envoyés" screens ----------------------------------------------------


def _failed_email(user, settings) -> OutboundEmail:
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = BROKEN
    record = _send(user)
    for _ in range(services.MAX_DELIVERY_ATTEMPTS):
        _run_due(f"email:{record.pk}")
    settings.EMAIL_BACKEND = backend
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.FAILED
    return record


def test_admin_requeues_a_failed_email(
    admin_client, user, settings, django_capture_on_commit_callbacks
):
    record = _failed_email(user, settings)
    detail = admin_client.get(f"/parametres/emails/{record.pk}/").content.decode()
    assert "En erreur" in detail and "Renvoyer" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/parametres/emails/{record.pk}/renvoyer/")
    assert response.status_code == 302
    assert response["Location"] == f"/parametres/emails/{record.pk}/"
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENT
    assert record.error == ""
    assert len(mail.outbox) == 1
    assert (
        "Email remis en file d&#x27;envoi."
        in admin_client.get(response["Location"]).content.decode()
    )


def test_a_sent_email_cannot_be_requeued(admin_client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = _send(user)
    response = admin_client.post(f"/parametres/emails/{record.pk}/renvoyer/", follow=True)
    assert "ne peut pas être renvoyé" in response.content.decode()
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_email_list_is_for_administrators_only(client, user, settings):
    record = _send(user)
    client.force_login(UserFactory(group_type=UserGroupType.SALESPERSON))
    assert client.get("/parametres/emails/").status_code == 403
    assert client.get(f"/parametres/emails/{record.pk}/").status_code == 403
    assert client.post(f"/parametres/emails/{record.pk}/renvoyer/").status_code == 403
    client.logout()
    response = client.get("/parametres/emails/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_email_list_shows_and_filters_the_emails(admin_client, user, settings):
    _send(user)
    other = UserFactory(email="autre.destinataire@example.test")
    _failed_email(other, settings)
    html = admin_client.get("/parametres/emails/").content.decode()
    assert user.email in html and "autre.destinataire@example.test" in html
    html = admin_client.get("/parametres/emails/?status=failed").content.decode()
    assert "autre.destinataire@example.test" in html and user.email not in html
    html = admin_client.get("/parametres/emails/?q=autre.dest").content.decode()
    assert "autre.destinataire@example.test" in html and user.email not in html


def test_email_list_query_count_does_not_grow(admin_client, user):
    def add(n):
        for _ in range(n):
            _send(user)

    assert_list_queries(admin_client, "/parametres/emails/", add, budget=5, few=3, many=23)


def test_notification_list_query_count_does_not_grow(client, user):
    client.force_login(user)

    def add(n):
        for i in range(n):
            services.notification_create(recipient=user, kind="test", title=f"Alerte {i}")

    counts = assert_list_queries(client, "/notifications/", add, budget=5)
    assert counts.html.count('class="notif-title"') == 12
    unread = assert_list_queries(client, "/notifications/?unread=1", add, budget=5)
    assert unread.html.count('class="notif-title"') == 24


# --- in-app notifications --------------------------------------------------------------


def test_bell_shows_the_unread_count(client, user):
    client.force_login(user)
    empty = client.get("/notifications/cloche/").content.decode()
    assert "has-unread" not in empty
    for i in range(2):
        services.notification_create(recipient=user, kind="test", title=f"Alerte {i}")
    services.notification_create(recipient=UserFactory(), kind="test", title="Autre")
    read = services.notification_create(recipient=user, kind="test", title="Déjà lue")
    services.notification_mark_read(user=user, notification_id=read.pk)
    bell = client.get("/notifications/cloche/").content.decode()
    assert 'class="bell-count has-unread"' in bell
    assert ">2<span" in bell and "non lues" in bell


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, user):
    notification = services.notification_create(
        recipient=user, kind="test", title="Prix à valider", url="/profil/"
    )
    client.force_login(user)
    listing = client.get("/notifications/").content.decode()
    assert "Prix à valider" in listing
    response = client.post(f"/notifications/{notification.pk}/ouvrir/")
    assert response.status_code == 302
    assert response["Location"] == "/profil/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_redirects_off_site(client, user):
    notification = services.notification_create(
        recipient=user, kind="test", title="Piège", url="https://evil.example.com/"
    )
    client.force_login(user)
    response = client.post(f"/notifications/{notification.pk}/ouvrir/")
    assert response["Location"] == "/notifications/"


def test_mark_all_read(client, user):
    for i in range(3):
        services.notification_create(recipient=user, kind="test", title=f"Alerte {i}")
    mine_elsewhere = services.notification_create(recipient=UserFactory(), kind="t", title="x")
    client.force_login(user)
    response = client.post("/notifications/tout-lire/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    mine_elsewhere.refresh_from_db()
    assert mine_elsewhere.read_at is None
    assert "has-unread" not in client.get("/notifications/cloche/").content.decode()


def test_users_cannot_open_the_notifications_of_others(client, user):
    others = services.notification_create(recipient=UserFactory(), kind="t", title="Secret")
    client.force_login(user)
    assert client.post(f"/notifications/{others.pk}/ouvrir/").status_code == 404
    others.refresh_from_db()
    assert others.read_at is None
    assert "Secret" not in client.get("/notifications/").content.decode()


def test_notification_views_require_login(client):
    for method, url in [
        ("get", "/notifications/"),
        ("get", "/notifications/cloche/"),
        ("post", "/notifications/1/ouvrir/"),
        ("post", "/notifications/tout-lire/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/connexion/")


def test_emails_carrying_a_credential_are_masked_on_the_admin_screen(admin_client):
    """Reading "Emails envoyés" never lets an administrator into someone's account."""
    from openflex.accounts import services as account_services

    person = UserFactory(email="secret@example.test")
    admin_client.post("/mot-de-passe-oublie/", {"email": person.email})
    effects_sweep()  # the reset email is looked up and written in the background
    account_services.email_change_request(user=person, new_email="nouvelle@example.test")
    confidential = OutboundEmail.objects.filter(kind__in=["password_reset", "email_change_code"])
    assert confidential.count() == 2
    for record in confidential:
        assert record.confidential
        html = admin_client.get(f"/parametres/emails/{record.pk}/").content.decode()
        assert "Contenu masqué" in html
        assert "/reinitialiser/" not in html
        code = re.search(r"\b(\d{6})\b", record.body_text)
        assert code is None or code.group(1) not in html

    warning = OutboundEmail.objects.get(kind="email_change_warning")
    assert not warning.confidential
    html = admin_client.get(f"/parametres/emails/{warning.pk}/").content.decode()
    assert "Contenu masqué" not in html
    assert "nouvelle@example.test" in html
