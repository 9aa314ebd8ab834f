"""Emails and in-app notifications (ORG-6)."""

import contextlib
import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from openflex.accounts.models import UserGroupType
from openflex.notifications import services
from openflex.notifications.models import Notification, OutboundEmail
from openflex.notifications.tasks import email_deliver_task
from tests.accounts.factories import UserFactory

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
    email_deliver_task.delay(record.pk)
    assert len(mail.outbox) == 1
    record.refresh_from_db()
    assert record.attempts == 1


def test_a_failing_backend_records_the_error_then_gives_up(user, settings):
    settings.EMAIL_BACKEND = BROKEN
    record = _send(user)
    for attempt in range(1, services.MAX_DELIVERY_ATTEMPTS):
        with pytest.raises(ConnectionRefusedError):
            services.email_deliver(email_id=record.pk)
        record.refresh_from_db()
        assert record.attempts == attempt
        assert record.status == OutboundEmail.Status.QUEUED
        assert "ConnectionRefusedError" in record.error
    assert services.email_deliver(email_id=record.pk) is False
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.FAILED
    assert record.attempts == services.MAX_DELIVERY_ATTEMPTS
    assert "Connection refused by smtp.example.test" in record.error
    assert record.sent_at is None
    assert mail.outbox == []


def test_the_task_retries_then_marks_the_email_failed(user, settings):
    """The task retries transport errors; the last attempt marks the email failed."""
    from openflex.celery import app

    settings.EMAIL_BACKEND = BROKEN
    record = _send(user)
    # Eager retries run in-process one after the other, as a worker would run them.
    app.conf.task_eager_propagates = False
    try:
        result = email_deliver_task.apply(args=[record.pk])
    finally:
        app.conf.task_eager_propagates = True
    assert result.get() is False
    record.refresh_from_db()
    assert record.status == OutboundEmail.Status.FAILED
    assert record.attempts == services.MAX_DELIVERY_ATTEMPTS


def test_status_cannot_be_assigned_directly(user):
    record = _send(user)
    with pytest.raises(AttributeError):
        record.status = OutboundEmail.Status.SENT


def test_stuck_emails_are_enqueued_again(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        stuck = _send(user)
        recent = _send(user)
    OutboundEmail.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.emails_resend_stuck() == 1
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == OutboundEmail.Status.SENT
    assert recent.status == OutboundEmail.Status.QUEUED


# --- the "Emails envoyés" screens ----------------------------------------------------


def _failed_email(user, settings) -> OutboundEmail:
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = BROKEN
    record = _send(user)
    for _ in range(services.MAX_DELIVERY_ATTEMPTS):
        with contextlib.suppress(ConnectionRefusedError):
            services.email_deliver(email_id=record.pk)
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


def test_email_list_query_count_does_not_grow(admin_client, user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        _send(user)
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/parametres/emails/")
    for _ in range(20):
        _send(user)
    with django_assert_max_num_queries(len(few)):
        admin_client.get("/parametres/emails/")


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
