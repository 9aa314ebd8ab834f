"""Hostile input on every page of the leads (X-4): never a 500, nothing written on bad
input."""

import pytest
from django.test import Client
from django.urls import reverse

from leads.inbox.models import LeadTask
from tests.accounts.factories import PointOfSaleFactory, UserFactory, admin_user
from tests.leads.factories import LeadSourceFactory, lead_task

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "1e30", "²", "9999-12-31", "x" * 3000, "-1", "99999999999999999999"]
FIELDS = [
    "q", "state", "status", "tags", "neglected", "source", "assigned", "point_of_sale",
    "received_after", "received_before", "sort", "page", "civility", "last_name",
    "first_name", "email", "mobile", "vehicle_reference", "message", "take", "user",
    "customer", "do", "label", "name", "category", "default_point_of_sale", "is_active",
    "s-lifetime_minutes", "s-reminders_enabled", "s-reminder_count", "tag-name", "tag-group",
    "new-name", "new-counts_as_handled", "new-is_appointment", "new-is_active",
]  # fmt: skip


def test_no_page_answers_500():
    pos = PointOfSaleFactory()
    seller = UserFactory(points_of_sale=[pos], group_type="vendeur")
    task = lead_task(pos)
    source = LeadSourceFactory()
    pages = [
        (seller, reverse("leads:index")),
        (seller, reverse("leads:task_create")),
        (seller, reverse("leads:task_detail", args=[task.pk])),
        (seller, reverse("leads:task_convert", args=[task.pk])),
        (seller, reverse("leads:task_action", args=[task.pk, "statut"])),
        (seller, reverse("leads:task_action", args=[task.pk, "attribuer"])),
        (seller, reverse("leads:task_action", args=[task.pk, "inconnue"])),
        (seller, "/leads/99999999999999999999/"),
        (admin_user(), reverse("leads:settings_pos", args=[pos.pk])),
        (admin_user(), reverse("leads:reference_lists")),
        (admin_user(), reverse("leads:sources")),
        (admin_user(), reverse("leads:source_detail", args=[source.pk])),
    ]
    before = LeadTask.objects.count()
    for user, url in pages:
        client = Client()
        client.force_login(user)
        for value in HOSTILE:
            data = dict.fromkeys(FIELDS, value)
            assert client.get(url, data).status_code < 500, (url, "GET", value[:20])
            assert client.post(url, data).status_code < 500, (url, "POST", value[:20])
    assert LeadTask.objects.count() == before
