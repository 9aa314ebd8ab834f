"""In-app notifications are written through the notifications service only (issue 11)."""

import re
from pathlib import Path

import pytest

from openflex.notifications.models import Notification
from openflex.notifications.services import (
    TITLE_MAX_LENGTH,
    NotificationDraft,
    notification_create,
    notifications_create_bulk,
    notifications_create_many,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("openflex", "opportunities", "vehicles", "payments", "signatures", "leads")
WRITES = re.compile(r"Notification\.objects\.(create|bulk_create|get_or_create)|\bNotification\(")


def test_one_notification():
    user = UserFactory()

    notification = notification_create(recipient=user, kind="k", title="T" * 300, url="/x/")

    row = Notification.objects.get(pk=notification.pk)
    assert (row.recipient, row.kind, len(row.title), row.url) == (
        user,
        "k",
        TITLE_MAX_LENGTH,
        "/x/",
    )


def test_the_same_notification_for_several_recipients():
    users = [UserFactory(), UserFactory()]

    notifications_create_bulk(recipients=users, kind="k", title="Bonjour")

    assert sorted(Notification.objects.values_list("recipient_id", "title")) == sorted(
        (u.pk, "Bonjour") for u in users
    )


def test_each_recipient_its_own_text_in_one_insert(django_assert_num_queries):
    a, b = UserFactory(), UserFactory()

    with django_assert_num_queries(1):
        notifications_create_many(
            drafts=[
                NotificationDraft(recipient_id=a.pk, kind="k", title="Pour A"),
                NotificationDraft(recipient_id=b.pk, kind="k", title="B" * 300, url="/b/"),
            ]
        )

    assert Notification.objects.get(recipient=a).title == "Pour A"
    assert len(Notification.objects.get(recipient=b).title) == TITLE_MAX_LENGTH


def test_no_module_writes_notifications_behind_the_service():
    allowed = {ROOT / "openflex" / "notifications" / name for name in ("services.py", "models.py")}
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for app in APPS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        if path not in allowed and "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if WRITES.search(line)
    ]
    assert offenders == []
