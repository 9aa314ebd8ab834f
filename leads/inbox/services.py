"""Every write on lead tasks (L-1, L-2): creation (manual, API, calls), taking, status and
state changes, reminders before neglect and neglect itself. Conversion: ``conversion.py``.

A change of a task: lock the row → check the user may → change (the state through its FSM
transition) → ``save(update_fields=…)`` → an event row → the reminders paused or resumed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from leads.inbox import rights
from leads.inbox.models import (
    DEFAULT_STATUSES,
    DEFAULT_TAGS,
    LeadAssignment,
    LeadSettings,
    LeadStatus,
    LeadTag,
    LeadTask,
    LeadTaskEvent,
)
from leads.inbox.phones import phone_normalise
from leads.intake.models import (
    DEFAULT_CATEGORIES,
    MANUAL_SOURCE,
    LeadSource,
    LeadSourceCategory,
)
from openflex.accounts import rules
from openflex.notifications.services import email_send

REMINDER_EMAIL_KIND = "lead_reminder"
CONTACT_FIELDS = ("civility", "first_name", "last_name", "email", "mobile")


# --- Reference lists --------------------------------------------------------------------


@transaction.atomic
def lead_reference_ensure() -> None:
    """The default statuses, tags, source categories and the manual source (idempotent;
    the data migration creates them, a flushed test database needs them again)."""
    for code, name, position, handled, appointment in DEFAULT_STATUSES:
        LeadStatus.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "counts_as_handled": handled,
                "is_appointment": appointment,
            },
        )
    for code, name, group, position in DEFAULT_TAGS:
        LeadTag.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": group, "position": position, "is_system": True},
        )
    for code, name, position in DEFAULT_CATEGORIES:
        LeadSourceCategory.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
    manual_source()


def status_by_code(code: str) -> LeadStatus:
    status = LeadStatus.objects.filter(code=code).first()
    if status is None:
        lead_reference_ensure()
        status = LeadStatus.objects.get(code=code)
    return status


def manual_source() -> LeadSource:
    source = LeadSource.objects.filter(name=MANUAL_SOURCE).first()
    if source is None:
        category, _created = LeadSourceCategory.objects.get_or_create(
            code="manuel", defaults={"name": "Manuel", "position": 60}
        )
        source, _created = LeadSource.objects.get_or_create(
            name=MANUAL_SOURCE, defaults={"category": category}
        )
    return source


# --- Settings and reminder times (L-2) --------------------------------------------------


def lead_settings_for(point_of_sale_id: int) -> LeadSettings:
    """The point of sale's settings, or the defaults (unsaved) when none were saved."""
    found = LeadSettings.objects.filter(point_of_sale_id=point_of_sale_id).first()
    return found or LeadSettings(point_of_sale_id=point_of_sale_id)


@transaction.atomic
def lead_settings_update(
    *, point_of_sale, by, lifetime_minutes: int, reminders_enabled: bool, reminder_count: int
) -> LeadSettings:
    """Applies to the tasks received from now on (the stored due times of the others stay)."""
    if not rules.is_platform_admin(by):
        raise PermissionDenied
    obj, _created = LeadSettings.objects.select_for_update().get_or_create(
        point_of_sale=point_of_sale
    )
    obj.lifetime_minutes = lifetime_minutes
    obj.reminders_enabled = reminders_enabled
    obj.reminder_count = reminder_count
    obj.full_clean()
    obj.save()
    return obj


@dataclass(frozen=True)
class Schedule:
    lifetime_ends_at: datetime
    reminders: tuple[datetime, ...]


def lead_schedule(*, received_at: datetime, settings: LeadSettings) -> Schedule:
    """The end of the lifetime and the reminders before it: one at 50 % of the lifetime,
    two at one third and two thirds (L-2); none when disabled."""
    lifetime = timedelta(minutes=settings.lifetime_minutes)
    reminders: tuple[datetime, ...] = ()
    if settings.reminders_enabled:
        if settings.reminder_count == 2:
            reminders = (received_at + lifetime / 3, received_at + lifetime * 2 / 3)
        else:
            reminders = (received_at + lifetime / 2,)
    return Schedule(lifetime_ends_at=received_at + lifetime, reminders=reminders)


def task_is_handled(task: LeadTask) -> bool:
    """Handled (state Terminée, or a status that counts as handled) or an appointment
    booked: the reminders and the lifetime pause."""
    return task.state == LeadTask.State.DONE or task.status.pauses_reminders


def _reminder_dues(task: LeadTask) -> list[datetime]:
    return [d for d in (task.reminder1_due_at, task.reminder2_due_at) if d is not None]


def _timers_refresh(task: LeadTask, now: datetime) -> list[str]:
    """Pause (handled) or resume (open again, unhandled status) the reminders and the
    lifetime. On resuming, the reminders whose time passed meanwhile are not sent late."""
    if task_is_handled(task):
        if task.handled_at is None:
            task.handled_at = now
        task.next_reminder_at = None
        task.neglect_due_at = None
    else:
        task.handled_at = None
        task.neglect_due_at = task.lifetime_ends_at
        dues = _reminder_dues(task)[task.reminders_sent :]
        task.next_reminder_at = next((d for d in dues if d > now), None)
    return ["handled_at", "next_reminder_at", "neglect_due_at"]


# --- Events and locks -------------------------------------------------------------------


def lead_task_event_record(
    *, task: LeadTask, kind: str, message: str, by=None, data: dict | None = None, at=None
) -> LeadTaskEvent:
    return LeadTaskEvent.objects.create(
        task=task,
        kind=kind,
        message=message[:500],
        by=by,
        data=data or {},
        at=at or timezone.now(),
    )


def _lock_task(task: LeadTask) -> LeadTask:
    return (
        LeadTask.objects.select_for_update(of=("self",))
        .select_related("status", "point_of_sale")
        .get(pk=task.pk)
    )


def _check_may_act(task: LeadTask, by) -> None:
    if by is not None and not rights.task_may_act(task, by):
        raise PermissionDenied(_("Vous n'intervenez pas sur les leads de ce point de vente."))


def _acted(task: LeadTask, by, now: datetime) -> list[str]:
    """A person acted on the task: its first action (reactivity) and last action."""
    if by is None:
        return []
    if task.first_action_at is None:
        task.first_action_at = now
    task.last_action_at = now
    return ["first_action_at", "last_action_at"]


# --- Creation ---------------------------------------------------------------------------


def _contact_clean(fields: dict) -> dict:
    """Trimmed contact; the mobile in E.164; errors by field (ValidationError)."""
    errors = {}
    clean = {name: (fields.get(name) or "").strip() for name in CONTACT_FIELDS}
    if clean["civility"] not in ("", "M.", "Mme"):
        errors["civility"] = _("Civilité inconnue (M. ou Mme).")
    for name, cap in (("first_name", 80), ("last_name", 80)):
        if len(clean[name]) > cap:
            errors[name] = _("%(n)s caractères au plus.") % {"n": cap}
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors["email"] = _("Cette adresse email n'est pas valide.")
    try:
        clean["mobile"] = phone_normalise(clean["mobile"])
    except ValueError:
        errors["mobile"] = _("Ce numéro de téléphone n'est pas valide.")
    if not errors and not any(clean[n] for n in ("last_name", "first_name", "email", "mobile")):
        errors["last_name"] = _("Indiquez au moins un nom, un email ou un téléphone.")
    if errors:
        raise ValidationError(errors)
    return clean


def vehicle_match(*, reference: str, point_of_sale):
    """The vehicle a lead names, by its OpenFlex number or its VIN, among the vehicles of
    the point of sale's entity (never another entity's); None when nothing matches."""
    from vehicles.models import Vehicle

    reference = (reference or "").strip()
    if not reference:
        return None
    qs = Vehicle.objects.filter(point_of_sale__entity_id=point_of_sale.entity_id)
    if reference.isdigit() and len(reference) <= 12:
        found = qs.filter(number=int(reference)).first()
        if found is not None:
            return found
    if len(reference) == 17:
        return qs.filter(vin__iexact=reference).order_by("-number").first()
    return None


def _status_of(status) -> LeadStatus:
    if isinstance(status, LeadStatus):
        return status
    return status_by_code(status or LeadStatus.NEW)


def _task_create(
    *,
    point_of_sale,
    source: LeadSource | None = None,
    by=None,
    external_id: str = "",
    status: LeadStatus | str | None = None,
    state: str = LeadTask.State.OPEN,
    tags: Iterable[LeadTag] = (),
    vehicle=None,
    vehicle_reference: str = "",
    message: str = "",
    received_at: datetime | None = None,
    assigned_to=None,
    event_message: str = "",
    **contact,
) -> LeadTask:
    """A new task (manual creation, the API, a call). ``contact``: civility, first_name,
    last_name, email, mobile (any format: stored in E.164). ``by`` is the user who typed
    it (None for an intake). With an ``external_id``, a second task of the same source
    with that id violates the unique constraint (IntegrityError: see ``lead_task_intake``).
    """
    if by is not None and not rules.may_open_lead_task(by, point_of_sale_id=point_of_sale.pk):
        raise PermissionDenied(_("Vous n'intervenez pas sur les leads de ce point de vente."))
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"lead_task_create got unknown fields {sorted(unknown)}")
    clean = _contact_clean(contact)
    now = timezone.now()
    received_at = min(received_at or now, now)
    schedule = lead_schedule(received_at=received_at, settings=lead_settings_for(point_of_sale.pk))
    if vehicle is None and vehicle_reference:
        vehicle = vehicle_match(reference=vehicle_reference, point_of_sale=point_of_sale)
    reminders = list(schedule.reminders) + [None, None]
    task = LeadTask(
        point_of_sale=point_of_sale,
        source=source or manual_source(),
        external_id=(external_id or "").strip()[:100],
        status=_status_of(status),
        vehicle=vehicle,
        vehicle_reference=(vehicle_reference or "").strip()[:40],
        message=(message or "").strip()[:5000],
        received_at=received_at,
        created_at=now,
        created_by=by,
        assigned_to=assigned_to,
        lifetime_ends_at=schedule.lifetime_ends_at,
        reminder1_due_at=reminders[0],
        reminder2_due_at=reminders[1],
        **clean,
    )
    _acted(task, by, now)
    _timers_refresh(task, now)
    task.save()
    through = LeadTask.tags.through
    through.objects.bulk_create(
        through(leadtask_id=task.pk, leadtag_id=tag.pk) for tag in {t.pk: t for t in tags}.values()
    )
    lead_task_event_record(
        task=task,
        kind=LeadTaskEvent.Kind.CREATED,
        by=by,
        at=now,
        message=event_message
        or _("Tâche créée (source : %(source)s)") % {"source": task.source.name},
    )
    if state == LeadTask.State.DONE:
        task.finish()
        task.save(update_fields=["state", *_timers_refresh(task, now)])
        lead_task_event_record(
            task=task, kind=LeadTaskEvent.Kind.STATE, by=by, at=now, message=_("Tâche terminée")
        )
    return task


lead_task_create = transaction.atomic(_task_create)


def lead_task_intake(*, source: LeadSource, external_id: str, **fields) -> tuple[LeadTask, bool]:
    """``(task, created)``: the task of this source with this external id, created unless
    the source already sent it — also when two requests race (the unique constraint
    decides; the loser's savepoint rolls back and it reads the winner's task)."""
    try:
        with transaction.atomic():  # a savepoint when called inside a transaction
            return _task_create(source=source, external_id=external_id, **fields), True
    except IntegrityError:
        existing = LeadTask.objects.filter(source=source, external_id=external_id.strip()).first()
        if existing is None:
            raise
        return existing, False


# --- Actions of the task page -----------------------------------------------------------


@transaction.atomic
def lead_task_take(*, task: LeadTask, by) -> LeadTask:
    """ "Prendre la tâche": the user takes it (nobody had it, or a manager takes it over)."""
    task = _lock_task(task)
    _check_may_act(task, by)
    if task.assigned_to_id == by.pk:
        return task
    if task.assigned_to_id is not None and not rules.is_sales_manager_at(by, task.point_of_sale_id):
        raise ValidationError(_("Cette tâche est déjà prise par %s.") % task.assigned_to)
    now = timezone.now()
    task.assigned_to = by
    task.save(update_fields=["assigned_to", *_acted(task, by, now)])
    lead_task_event_record(
        task=task,
        kind=LeadTaskEvent.Kind.TAKEN,
        by=by,
        at=now,
        message=_("Tâche prise par %s") % (by.get_full_name() or by.email),
    )
    return task


@transaction.atomic
def lead_task_assign(*, task: LeadTask, by, user) -> LeadTask:
    """A manager gives the task to a user of its point of sale (or to nobody)."""
    task = _lock_task(task)
    _check_may_act(task, by)
    if not rules.is_sales_manager_at(by, task.point_of_sale_id):
        raise PermissionDenied(_("Seul un responsable attribue une tâche."))
    if user is not None and not (
        user.is_active and rules.may_open_lead_task(user, point_of_sale_id=task.point_of_sale_id)
    ):
        raise ValidationError(
            {"user": _("Cet utilisateur ne traite pas les leads de ce point de vente.")}
        )
    if (user.pk if user else None) == task.assigned_to_id:
        return task
    now = timezone.now()
    task.assigned_to = user
    task.save(update_fields=["assigned_to", *_acted(task, by, now)])
    lead_task_event_record(
        task=task,
        kind=LeadTaskEvent.Kind.ASSIGNED,
        by=by,
        at=now,
        message=_("Tâche attribuée à %s") % (user.get_full_name() if user else _("personne")),
    )
    return task


@transaction.atomic
def lead_task_status_change(*, task: LeadTask, by, status: LeadStatus) -> LeadTask:
    """A new status; one that counts as handled or is an appointment pauses the reminders,
    back to an unhandled one resumes them (L-2)."""
    task = _lock_task(task)
    _check_may_act(task, by)
    if status.pk == task.status_id:
        return task
    previous = task.status
    now = timezone.now()
    task.move_to_status(status)
    fields = ["status", *_acted(task, by, now), *_timers_refresh(task, now)]
    task.save(update_fields=fields)
    lead_task_event_record(
        task=task,
        kind=LeadTaskEvent.Kind.STATUS,
        by=by,
        at=now,
        message=_("Statut : %(old)s → %(new)s") % {"old": previous.name, "new": status.name},
        data={"from": previous.code, "to": status.code},
    )
    return task


def _state_transition(*, task: LeadTask, by, method: str, message: str) -> LeadTask:
    task = _lock_task(task)
    transition = getattr(task, method)
    if not can_proceed(transition):
        raise ValidationError(_("Cette action n'est pas possible dans l'état de la tâche."))
    if by is not None and not has_transition_perm(transition, by):
        raise PermissionDenied(_("Vous n'intervenez pas sur les leads de ce point de vente."))
    now = timezone.now()
    transition()
    task.save(update_fields=["state", *_acted(task, by, now), *_timers_refresh(task, now)])
    lead_task_event_record(task=task, kind=LeadTaskEvent.Kind.STATE, by=by, at=now, message=message)
    return task


@transaction.atomic
def lead_task_finish(*, task: LeadTask, by) -> LeadTask:
    return _state_transition(task=task, by=by, method="finish", message=_("Tâche terminée"))


@transaction.atomic
def lead_task_reopen(*, task: LeadTask, by) -> LeadTask:
    return _state_transition(task=task, by=by, method="reopen", message=_("Tâche rouverte"))


@transaction.atomic
def lead_task_note(*, task: LeadTask, by, kind: str = LeadTaskEvent.Kind.NOTE, message: str):
    """A line in the history (a repeated call, a note): an action of ``by`` if given."""
    task = _lock_task(task)
    now = timezone.now()
    fields = _acted(task, by, now)
    if fields:
        task.save(update_fields=fields)
    return lead_task_event_record(task=task, kind=kind, by=by, at=now, message=message)


# --- Reminders and neglect (L-2): the scan --------------------------------------------


def reminder_recipients(tasks: list[LeadTask]) -> dict[int, list]:
    """{task id: users}: who took the task; if nobody, every user assigned to its lead
    types at its point of sale (a task without a lead type: to every type there). Two
    queries for the whole batch (tasks carry their prefetched tags)."""
    result: dict[int, list] = {}
    unassigned = [t for t in tasks if t.assigned_to_id is None or not t.assigned_to.is_active]
    by_pos_type: dict[tuple[int, int], list] = {}
    if unassigned:
        assignments = LeadAssignment.objects.filter(
            point_of_sale_id__in={t.point_of_sale_id for t in unassigned}, user__is_active=True
        ).select_related("user")
        for a in assignments:
            by_pos_type.setdefault((a.point_of_sale_id, a.lead_type_id), []).append(a.user)
    for task in tasks:
        if task.assigned_to_id is not None and task.assigned_to.is_active:
            result[task.pk] = [task.assigned_to]
            continue
        types = [t.pk for t in task.tags.all() if t.group == LeadTag.Group.TYPE]
        users: dict[int, object] = {}
        for (pos_id, type_id), assigned in by_pos_type.items():
            if pos_id == task.point_of_sale_id and (not types or type_id in types):
                users.update((u.pk, u) for u in assigned)
        result[task.pk] = sorted(users.values(), key=lambda u: u.pk)
    return result


def _send_reminder(task: LeadTask, number: int, total: int, recipients: list, now) -> None:
    url = reverse("leads:task_detail", args=[task.pk])
    minutes = max(0, int((task.lifetime_ends_at - now).total_seconds() // 60))
    subject = _("Rappel : tâche n° %(pk)s (%(contact)s) en souffrance dans %(minutes)s min") % {
        "pk": task.pk,
        "contact": task.contact_name,
        "minutes": minutes,
    }
    for user in recipients:
        email_send(
            to=user.email,
            subject=subject,
            template="leads/reminder",
            context={
                "task": task,
                "url": url,
                "number": number,
                "total": total,
                "minutes": minutes,
            },
            kind=REMINDER_EMAIL_KIND,
            recipient=user,
        )
    lead_task_event_record(
        task=task,
        kind=LeadTaskEvent.Kind.REMINDER,
        at=now,
        message=_("Rappel %(n)s/%(total)s envoyé à %(who)s")
        % {
            "n": number,
            "total": total,
            "who": ", ".join(u.get_full_name() or u.email for u in recipients) or _("personne"),
        },
        data={"recipients": [u.pk for u in recipients]},
    )


def _reminders_batch(now: datetime, batch: int) -> int:
    """One transaction: claim due tasks (skip those another worker holds), send their
    reminder through the outbox and mark it sent — both or neither."""
    tasks = list(
        LeadTask.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(state=LeadTask.State.OPEN, next_reminder_at__lte=now)
        .select_related("status", "assigned_to")
        .prefetch_related("tags")
        .order_by("next_reminder_at")[:batch]
    )
    if not tasks:
        return 0
    recipients = reminder_recipients(tasks)
    for task in tasks:
        if task_is_handled(task):  # handled meanwhile: no reminder
            _timers_refresh(task, now)
            task.save(update_fields=["handled_at", "next_reminder_at", "neglect_due_at"])
            continue
        dues = _reminder_dues(task)
        index = next(
            (i for i, d in enumerate(dues) if d == task.next_reminder_at), task.reminders_sent
        )
        _send_reminder(task, index + 1, len(dues), recipients[task.pk], now)
        task.reminders_sent = index + 1
        later = [d for d in dues[index + 1 :] if d > now]
        task.next_reminder_at = later[0] if later else None
        task.save(update_fields=["reminders_sent", "next_reminder_at"])
    return len(tasks)


def _neglect_batch(now: datetime, batch: int) -> int:
    tasks = list(
        LeadTask.objects.select_for_update(skip_locked=True)
        .filter(
            state=LeadTask.State.OPEN,
            neglect_due_at__lte=now,
            neglected_at__isnull=True,
        )
        .order_by("neglect_due_at")[:batch]
    )
    for task in tasks:
        task.neglected_at = now
    LeadTask.objects.bulk_update(tasks, ["neglected_at"])
    LeadTaskEvent.objects.bulk_create(
        LeadTaskEvent(
            task=task,
            kind=LeadTaskEvent.Kind.NEGLECTED,
            at=now,
            message=_("Durée de vie dépassée : tâche en souffrance"),
        )
        for task in tasks
    )
    return len(tasks)


def lead_reminders_scan(*, now: datetime | None = None, batch: int = 200) -> dict[str, int]:
    """The periodic scan (beat, every minute; safe with two workers and after a restart):
    sends the due reminders once each and marks the tasks past their lifetime."""
    now = now or timezone.now()
    sent = neglected = 0
    while True:
        with transaction.atomic():
            n = _reminders_batch(now, batch)
        sent += n
        if n < batch:
            break
    while True:
        with transaction.atomic():
            n = _neglect_batch(now, batch * 5)
        neglected += n
        if n < batch * 5:
            break
    return {"reminders": sent, "neglected": neglected}


@transaction.atomic
def lead_assignments_set(*, point_of_sale, by, chosen: dict[int, list]) -> None:
    """{lead type id: users}: who receives the reminders of the tasks nobody took (L-2)."""
    if not rules.is_platform_admin(by):
        raise PermissionDenied
    for type_id, users in chosen.items():
        wanted = {u.pk for u in users}
        existing = LeadAssignment.objects.filter(point_of_sale=point_of_sale, lead_type_id=type_id)
        existing.exclude(user_id__in=wanted).delete()
        have = set(existing.values_list("user_id", flat=True))
        LeadAssignment.objects.bulk_create(
            LeadAssignment(point_of_sale=point_of_sale, lead_type_id=type_id, user_id=pk)
            for pk in sorted(wanted - have)
        )


# --- Reference lists edited by administrators (Paramètres) ------------------------------


def _unique_code(model, name: str) -> str:
    from django.utils.text import slugify

    base = (slugify(name) or "x")[:24]
    code, n = base, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def lead_tag_create(*, by, name: str, group: str = LeadTag.Group.OTHER) -> LeadTag:
    """An administrator's own tag (L-1)."""
    if not rules.is_platform_admin(by):
        raise PermissionDenied
    name = (name or "").strip()
    if LeadTag.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Cette étiquette existe déjà.")})
    tag = LeadTag(name=name, group=group, code=_unique_code(LeadTag, name))
    tag.full_clean()
    tag.save()
    return tag


@transaction.atomic
def lead_status_save(
    *, by, status: LeadStatus | None = None, name: str, counts_as_handled: bool,
    is_appointment: bool, is_active: bool = True,
) -> LeadStatus:  # fmt: skip
    """Create or change a status of the editable list. Nouveau and Converti stay offered
    (the intake and the conversion use them)."""
    if not rules.is_platform_admin(by):
        raise PermissionDenied
    name = (name or "").strip()
    clash = LeadStatus.objects.filter(name__iexact=name)
    if status is not None:
        clash = clash.exclude(pk=status.pk)
    if clash.exists():
        raise ValidationError({"name": _("Ce statut existe déjà.")})
    if status is None:
        status = LeadStatus(code=_unique_code(LeadStatus, name))
    elif status.code in (LeadStatus.NEW, LeadStatus.CONVERTED) and not is_active:
        raise ValidationError(_("Les statuts Nouveau et Converti restent proposés."))
    status.name = name
    status.counts_as_handled = counts_as_handled
    status.is_appointment = is_appointment
    status.is_active = is_active
    status.full_clean()
    status.save()
    return status
