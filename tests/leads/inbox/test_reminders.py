"""Lifetime, reminders before neglect and neglect (L-2), with a frozen clock (the scan
takes ``now``; task creation reads ``timezone.now`` which is patched)."""

import threading
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from leads.inbox import services as inbox
from leads.inbox.models import LeadAssignment, LeadStatus, LeadTask
from openflex.notifications.models import OutboundEmail
from tests.accounts.factories import PointOfSaleFactory, UserFactory
from tests.leads.factories import lead_settings, lead_task, tag

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def frozen(when: datetime):
    return mock.patch("django.utils.timezone.now", return_value=when)


@pytest.fixture
def pos():
    return PointOfSaleFactory()


def seller(pos, **kw):
    return UserFactory(points_of_sale=[pos], group_type="vendeur", **kw)


def make(pos, **fields):
    with frozen(T0):
        return lead_task(pos, received_at=T0, **fields)


def scan(minutes):
    with frozen(at(minutes)):
        return inbox.lead_reminders_scan(now=at(minutes))


def test_one_reminder_at_half_the_lifetime(pos):
    """L-2: one reminder at 50 % of the lifetime."""
    lead_settings(pos, lifetime_minutes=120, reminders_enabled=True, reminder_count=1)
    task = make(pos, assigned_to=seller(pos))
    assert task.reminder1_due_at == at(60) and task.reminder2_due_at is None
    assert task.next_reminder_at == at(60) and task.lifetime_ends_at == at(120)
    assert scan(59)["reminders"] == 0
    assert scan(60)["reminders"] == 1
    assert scan(61)["reminders"] == 0  # sent once
    task.refresh_from_db()
    assert task.reminders_sent == 1 and task.next_reminder_at is None


def test_two_reminders_at_one_and_two_thirds(pos, mailoutbox, django_capture_on_commit_callbacks):
    lead_settings(pos, lifetime_minutes=90, reminders_enabled=True, reminder_count=2)
    user = seller(pos)
    task = make(pos, assigned_to=user)
    assert (task.reminder1_due_at, task.reminder2_due_at) == (at(30), at(60))
    assert scan(29)["reminders"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(30)["reminders"] == 1
    assert scan(45)["reminders"] == 0
    assert scan(60)["reminders"] == 1
    assert scan(89)["reminders"] == 0
    emails = OutboundEmail.objects.filter(kind="lead_reminder").order_by("pk")
    assert [e.to for e in emails] == [user.email, user.email]
    assert "Rappel" in emails[0].subject and f"n° {task.pk}" in emails[0].subject
    assert [m.to for m in mail.outbox] == [[user.email]]  # the first, through the outbox
    assert "n'est pas encore traitée" in mail.outbox[0].body
    assert list(task.events.filter(kind="reminder").values_list("message", flat=True)) == [
        f"Rappel 2/2 envoyé à {user.get_full_name()}",
        f"Rappel 1/2 envoyé à {user.get_full_name()}",
    ]


def test_no_reminder_when_disabled(pos):
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=False, reminder_count=2)
    task = make(pos)
    assert task.next_reminder_at is None and task.lifetime_ends_at == at(60)
    assert scan(59)["reminders"] == 0


def test_recipients_without_assignee_are_the_users_assigned_to_the_lead_type(pos):
    """L-2: nobody took the task → every user assigned to its type at its point of sale."""
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    vo_1, vo_2, vn = seller(pos), seller(pos), seller(pos)
    elsewhere = PointOfSaleFactory()
    for user in (vo_1, vo_2):
        LeadAssignment.objects.create(point_of_sale=pos, lead_type=tag("vo"), user=user)
    LeadAssignment.objects.create(point_of_sale=pos, lead_type=tag("vn"), user=vn)
    LeadAssignment.objects.create(
        point_of_sale=elsewhere, lead_type=tag("vo"), user=UserFactory(points_of_sale=[elsewhere])
    )
    LeadAssignment.objects.create(
        point_of_sale=pos, lead_type=tag("vo"), user=seller(pos, is_active=False)
    )
    make(pos, tags=[tag("vo"), tag("particulier")])
    scan(30)
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted(
        [vo_1.email, vo_2.email]
    )


def test_recipient_with_an_assignee_is_only_him(pos):
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    taker = seller(pos)
    LeadAssignment.objects.create(point_of_sale=pos, lead_type=tag("vo"), user=seller(pos))
    task = make(pos, tags=[tag("vo")])
    with frozen(at(5)):
        inbox.lead_task_take(task=task, by=taker)
    scan(30)
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [taker.email]


def test_a_task_without_lead_type_goes_to_every_assigned_user_of_the_point_of_sale(pos):
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    a, b = seller(pos), seller(pos)
    LeadAssignment.objects.create(point_of_sale=pos, lead_type=tag("vo"), user=a)
    LeadAssignment.objects.create(point_of_sale=pos, lead_type=tag("apv"), user=b)
    LeadAssignment.objects.create(point_of_sale=pos, lead_type=tag("vn"), user=a)
    make(pos)
    scan(30)
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted([a.email, b.email])


def test_handling_pauses_the_reminders_and_the_lifetime(pos):
    """L-2: a status that counts as handled pauses; back to Nouveau resumes the later ones."""
    lead_settings(pos, lifetime_minutes=90, reminders_enabled=True, reminder_count=2)
    user = seller(pos)
    task = make(pos, assigned_to=user)
    with frozen(at(10)):
        task = inbox.lead_task_status_change(
            task=task, by=user, status=LeadStatus.objects.get(code="suivi")
        )
    assert task.next_reminder_at is None and task.neglect_due_at is None
    assert task.handled_at == at(10) and task.first_action_at == at(10)
    assert scan(30)["reminders"] == 0
    assert scan(200)["neglected"] == 0
    with frozen(at(40)):  # back to "Nouveau": the reminder at 30 min is not sent late
        task = inbox.lead_task_status_change(
            task=task, by=user, status=LeadStatus.objects.get(code="nouveau")
        )
    assert task.next_reminder_at == at(60) and task.neglect_due_at == at(90)
    assert scan(60)["reminders"] == 1
    task.refresh_from_db()
    assert task.reminders_sent == 2


def test_an_appointment_pauses_the_reminders(pos):
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    user = seller(pos)
    task = make(pos, assigned_to=user)
    with frozen(at(5)):
        inbox.lead_task_status_change(
            task=task, by=user, status=LeadStatus.objects.get(code="rendez-vous")
        )
    assert scan(30) == {"reminders": 0, "neglected": 0}
    assert scan(61) == {"reminders": 0, "neglected": 0}


def test_finishing_pauses_and_reopening_resumes(pos):
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    user = seller(pos)
    task = make(pos, assigned_to=user)
    with frozen(at(5)):
        task = inbox.lead_task_finish(task=task, by=user)
    assert task.state == LeadTask.State.DONE and task.next_reminder_at is None
    assert scan(30)["reminders"] == 0
    with frozen(at(40)):
        task = inbox.lead_task_reopen(task=task, by=user)
    assert task.state == LeadTask.State.OPEN and task.next_reminder_at is None
    assert task.neglect_due_at == at(60)


def test_a_task_handled_after_it_was_due_gets_no_reminder(pos):
    """The row was due but handled before the scan ran: nothing is sent."""
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    user = seller(pos)
    task = make(pos, assigned_to=user)
    with frozen(at(31)):
        inbox.lead_task_finish(task=task, by=user)
    assert scan(32)["reminders"] == 0
    assert not OutboundEmail.objects.exists()


def test_past_the_lifetime_the_task_is_neglected(pos):
    """L-2: en souffrance — marked once by the scan, with a history line."""
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=False, reminder_count=1)
    task = make(pos)
    assert not task.is_neglected(now=at(59))
    assert task.is_neglected(now=at(60))
    assert scan(59)["neglected"] == 0
    assert scan(60)["neglected"] == 1
    assert scan(61)["neglected"] == 0
    task.refresh_from_db()
    assert task.neglected_at == at(60)
    assert task.events.filter(kind="neglected").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_send_each_reminder_once():
    """X-1: two scans at once on two connections (skip_locked): one email per reminder."""
    inbox.lead_reference_ensure()
    pos = PointOfSaleFactory()
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    user = seller(pos)
    for _ in range(30):
        make(pos, assigned_to=user)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(inbox.lead_reminders_scan(now=at(30), batch=5))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    with mock.patch("django.utils.timezone.now", return_value=at(30)):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert sum(r["reminders"] for r in results) == 30
    assert OutboundEmail.objects.filter(kind="lead_reminder").count() == 30
    assert not LeadTask.objects.filter(reminders_sent__gt=1).exists()
    assert inbox.lead_reminders_scan(now=at(31))["reminders"] == 0  # a restarted worker


def test_nobody_to_remind_writes_the_history_only(pos):
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=True, reminder_count=1)
    task = make(pos, tags=[tag("vn")])
    assert scan(30)["reminders"] == 1
    assert not OutboundEmail.objects.exists()
    assert task.events.get(kind="reminder").message == "Rappel 1/1 envoyé à personne"


def test_the_beat_task_runs_the_scan(pos):
    from leads.inbox.tasks import lead_reminders_scan_task

    lead_settings(pos, lifetime_minutes=60, reminders_enabled=False, reminder_count=1)
    with frozen(at(0)):
        lead_task(pos, received_at=at(-120))
    assert lead_reminders_scan_task.delay().get() == {"reminders": 0, "neglected": 1}
