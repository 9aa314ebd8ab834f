"""Writes of the tracking numbers and the calls (L-3).

``call_record`` is what the telephony webhook calls: idempotent on the provider's call id
(a unique constraint decides, also under two concurrent posts), the caller matched to a
customer of the number's entity and to an open task of its point of sale by the number
in E.164, a task created or joined per the number's settings.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leads.calls.models import Call, TrackingNumber
from leads.inbox import services as inbox_services
from leads.inbox.models import LeadTask, LeadTaskEvent
from leads.inbox.phones import phone_display, phone_national, phone_normalise
from leads.intake.models import LeadSource
from openflex.accounts import rules
from opportunities.customers.models import Customer

SETTINGS_FIELDS = (
    "label",
    "source",
    "missed_creates_task",
    "missed_task_status",
    "missed_task_state",
    "connected_creates_task",
    "connected_task_status",
    "connected_task_state",
    "is_active",
)


# --- Tracking numbers (administrators) ------------------------------------------------


def _check_admin(by) -> None:
    """The tracking numbers are set by platform administrators (ORG-5); ``by=None``: the
    demo data."""
    if by is not None and not rules.is_platform_admin(by):
        raise PermissionDenied


def _number_clean(number: str) -> str:
    try:
        e164 = phone_normalise(number)
    except ValueError:
        e164 = ""
    if not e164:
        raise ValidationError({"number": _("Ce numéro de téléphone n'est pas valide.")})
    return e164


@transaction.atomic
def tracking_number_create(*, by, point_of_sale, number: str, tags=(), **fields) -> TrackingNumber:
    """A new tracking number (``fields``: ``SETTINGS_FIELDS``); the number in E.164,
    unique across the platform (a call is routed by the number called)."""
    _check_admin(by)
    e164 = _number_clean(number)
    if TrackingNumber.objects.filter(number=e164).exists():
        raise ValidationError({"number": _("Ce numéro traceur existe déjà.")})
    tracking = TrackingNumber(point_of_sale=point_of_sale, number=e164, **fields)
    tracking.full_clean(exclude=["source"])
    tracking.save()
    tracking.tags.set(list(tags))
    return tracking


@transaction.atomic
def tracking_number_update(*, by, tracking: TrackingNumber, tags=None, **fields) -> TrackingNumber:
    """Change the label and the settings (the number and the point of sale stay: past
    calls and statistics keep them)."""
    _check_admin(by)
    tracking = TrackingNumber.objects.select_for_update().get(pk=tracking.pk)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"tracking_number_update got unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(tracking, name, value)
    tracking.full_clean(exclude=["source"])
    tracking.save(update_fields=list(fields))
    if tags is not None:
        tracking.tags.set(list(tags))
    return tracking


# --- Calls (the webhook) --------------------------------------------------------------


def caller_normalise(value: str) -> str:
    """The caller in E.164, or ``""`` for a hidden or unreadable number ("anonymous")."""
    try:
        return phone_normalise(value or "")
    except ValueError:
        return ""


def caller_customer(*, caller: str, point_of_sale) -> Customer | None:
    """A customer of the point of sale's entity (never another entity's) whose mobile or
    phone is the caller's number, written in any format: narrowed by the digits in the
    search text (indexed), confirmed on the normalised numbers; the oldest one wins."""
    if not caller:
        return None
    national = phone_national(caller)
    digits = national.lstrip("0") or national
    if len(digits) < 6:
        return None
    candidates = (
        Customer.objects.filter(
            point_of_sale__entity_id=point_of_sale.entity_id, search_text__contains=digits
        )
        .only("pk", "mobile", "phone", "first_name", "last_name", "civility", "email", "kind")
        .order_by("pk")[:20]
    )
    for customer in candidates:
        if caller in (caller_normalise(customer.mobile), caller_normalise(customer.phone)):
            return customer
    return None


def caller_open_task(*, caller: str, point_of_sale_id: int) -> LeadTask | None:
    """The caller's open task at this point of sale (the most recent), by its E.164 mobile."""
    if not caller:
        return None
    return (
        LeadTask.objects.filter(
            point_of_sale_id=point_of_sale_id, mobile=caller, state=LeadTask.State.OPEN
        )
        .order_by("-received_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class CallReport:
    """A call event as the provider reports it (validated by the API schema)."""

    call_id: str
    called: str
    caller: str
    started_at: datetime
    duration_seconds: int
    answered: bool
    summary: str = ""


def _call_message(call: Call) -> str:
    who = phone_display(call.caller) or _("numéro masqué")
    when = timezone.localtime(call.started_at).strftime("%d/%m/%Y à %Hh%M")
    if call.answered:
        return _("Appel connecté de %(who)s le %(when)s sur %(label)s (%(duration)s)") % {
            "who": who,
            "when": when,
            "label": call.tracking_number.label,
            "duration": call.duration_display,
        }
    return _("Appel manqué de %(who)s le %(when)s sur %(label)s") % {
        "who": who,
        "when": when,
        "label": call.tracking_number.label,
    }


def _task_contact(call: Call, customer: Customer | None) -> dict:
    if customer is not None and not customer.is_company:
        contact = {
            "civility": customer.civility,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "email": customer.email,
        }
    elif customer is not None:
        contact = {"last_name": customer.company_name[:80], "email": customer.email}
    else:
        contact = {}
    if call.caller:
        contact["mobile"] = call.caller
    else:
        contact.setdefault("last_name", _("Numéro masqué"))
    return contact


def _task_for_call(call: Call, tracking: TrackingNumber, source: LeadSource) -> None:
    """Join the caller's open task (a repeated call: an event, no new task), else create
    one when the number's settings say so."""
    message = _call_message(call)
    open_task = caller_open_task(caller=call.caller, point_of_sale_id=tracking.point_of_sale_id)
    if open_task is not None:
        inbox_services.lead_task_note(
            task=open_task, by=None, kind=LeadTaskEvent.Kind.CALL, message=message
        )
        call.task, call.task_link = open_task, Call.TaskLink.JOINED
        return
    creates, status, state = tracking.task_settings(answered=call.answered)
    if not creates:
        return
    call.task = inbox_services.lead_task_create(
        point_of_sale=tracking.point_of_sale,
        source=tracking.source or source,
        status=status,
        state=state,
        tags=list(tracking.tags.all()),
        message=call.summary or message,
        received_at=call.started_at,
        event_message=message,
        **_task_contact(call, call.customer),
    )
    call.task_link = Call.TaskLink.CREATED


@transaction.atomic
def call_record(*, source: LeadSource, report: CallReport) -> tuple[Call, bool]:
    """``(call, created)``: the call with this provider id, recorded with its effect on
    the tasks unless the source already reported it (then nothing changes).

    Raises ValidationError({"called": …}) for a number that is not an active tracking
    number. Calls to one number are serialised by a lock on its row, so that two
    simultaneous missed calls of one caller make one task, not two.
    """
    existing = Call.objects.filter(source=source, provider_call_id=report.call_id).first()
    if existing is not None:
        return existing, False
    called = caller_normalise(report.called)
    tracking = (
        TrackingNumber.objects.select_for_update(of=("self",))
        .select_related("point_of_sale", "source")
        .filter(number=called, is_active=True)
        .first()
        if called
        else None
    )
    if tracking is None:
        raise ValidationError({"called": _("Ce numéro n'est pas un numéro traceur actif.")})
    caller = caller_normalise(report.caller)
    call = Call(
        source=source,
        provider_call_id=report.call_id,
        tracking_number=tracking,
        point_of_sale=tracking.point_of_sale,
        caller=caller,
        started_at=min(report.started_at, timezone.now()),
        duration_seconds=max(0, report.duration_seconds) if report.answered else 0,
        answered=report.answered,
        summary=(report.summary or "").strip()[:5000],
        customer=caller_customer(caller=caller, point_of_sale=tracking.point_of_sale),
    )
    try:
        with transaction.atomic():
            call.save()
    except IntegrityError:
        # The same call id, posted twice at once: the other request recorded it.
        return Call.objects.get(source=source, provider_call_id=report.call_id), False
    _task_for_call(call, tracking, source)
    if call.task_id:
        call.save(update_fields=["task", "task_link"])
    return call, True
