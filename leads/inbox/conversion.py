"""Conversion of a lead task into an opportunity (L-7, O-11), through the sale side's
services: the customer (an existing one of the user's scope after confirmation, never
one of another entity), the opportunity, and an offer on the task's vehicle."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leads.inbox import rights
from leads.inbox.models import LeadStatus, LeadTask, LeadTaskEvent
from leads.inbox.phones import phone_display, phone_national
from leads.inbox.services import (
    _acted,
    _lock_task,
    _timers_refresh,
    lead_task_event_record,
    status_by_code,
)
from opportunities.customers import services as customers
from opportunities.customers.models import Customer
from opportunities.customers.selectors import customer_duplicates, customer_scope
from opportunities.sales import services as sales
from vehicles.selectors import vehicle_queryset_for_user


def conversion_customer_matches(*, task: LeadTask, user) -> list[Customer]:
    """Customers the user may open (``customer_scope``: the user's points of sale, never
    another entity's) with the task's email or mobile (stored E.164 or national)."""
    within = customer_scope(user=user).filter(point_of_sale__entity_id=task.point_of_sale.entity_id)
    found: dict[int, Customer] = {}
    for mobile in {task.mobile, phone_national(task.mobile)} - {""}:
        for c in customer_duplicates(within=within, email=task.email, mobile=mobile):
            found[c.pk] = c
    if not task.mobile:
        for c in customer_duplicates(within=within, email=task.email):
            found[c.pk] = c
    return sorted(found.values(), key=lambda c: c.pk)


class ConfirmationNeeded(Exception):
    """Customers match the contact: the user chooses one of them or a new customer."""

    def __init__(self, matches: list[Customer]):
        super().__init__("confirmation needed")
        self.matches = matches


@dataclass
class Conversion:
    opportunity: object
    customer: Customer
    offer: object | None = None
    warnings: list[str] = field(default_factory=list)


def _customer_new(task: LeadTask, by) -> Customer:
    if not task.last_name:
        raise ValidationError(
            {"last_name": _("Indiquez le nom du contact avant de convertir la tâche.")}
        )
    return customers.customer_create(
        by=by,
        point_of_sale=task.point_of_sale,
        allow_duplicate=True,
        kind=Customer.Kind.PERSON,
        civility=task.civility,
        last_name=task.last_name,
        first_name=task.first_name,
        email=task.email,
        mobile=phone_display(task.mobile),
    )


@transaction.atomic
def lead_task_convert(
    *, task: LeadTask, by, customer_id: int | None = None, new_customer: bool = False
) -> Conversion:
    """ "Convertir en opportunité". Customers matching the contact raise
    ``ConfirmationNeeded`` unless the user chose one (``customer_id``, among the matches)
    or asked for a new customer (``new_customer``). With a vehicle the user may see and
    sell, an offer on it opens the opportunity; otherwise the opportunity is created
    alone and a warning says why. The task: status Converti, state Terminée."""
    task = _lock_task(task)
    if not rights.task_may_convert(task, by):
        if task.opportunity_id is not None:
            raise ValidationError(_("Cette tâche est déjà convertie."))
        raise PermissionDenied(_("Seul un vendeur du point de vente convertit une tâche."))
    matches = conversion_customer_matches(task=task, user=by)
    if customer_id is not None:
        customer = next((c for c in matches if c.pk == customer_id), None)
        if customer is None:
            raise ValidationError(_("Ce client ne correspond pas au contact de la tâche."))
    elif matches and not new_customer:
        raise ConfirmationNeeded(matches)
    else:
        customer = _customer_new(task, by)
    opportunity = sales.opportunity_create(
        customer=customer,
        salesperson=by,
        point_of_sale=task.point_of_sale,
        by=by,
        title=_("Lead n° %(pk)s (%(source)s)") % {"pk": task.pk, "source": task.source.name},
    )
    result = Conversion(opportunity=opportunity, customer=customer)
    if task.vehicle_id is not None:
        visible = vehicle_queryset_for_user(by).filter(pk=task.vehicle_id).first()
        if visible is None:
            result.warnings.append(_("Le véhicule de la tâche n'est pas visible : pas d'offre."))
        else:
            try:
                with transaction.atomic():
                    result.offer = sales.offer_create(
                        vehicle=visible, by=by, opportunity=opportunity
                    )
            except ValidationError as exc:
                result.warnings.append(
                    _("Pas d'offre sur le véhicule : %s") % " ".join(exc.messages)
                )
    now = timezone.now()
    task.opportunity = opportunity
    task.converted_at = now
    previous = task.status
    task.move_to_status(status_by_code(LeadStatus.CONVERTED))
    fields = ["opportunity", "converted_at", "status", *_acted(task, by, now)]
    if task.assigned_to_id is None:
        task.assigned_to = by
        fields.append("assigned_to")
    if task.state == LeadTask.State.OPEN:
        task.finish()
        fields.append("state")
    fields += _timers_refresh(task, now)
    task.save(update_fields=fields)
    lead_task_event_record(
        task=task,
        kind=LeadTaskEvent.Kind.CONVERTED,
        by=by,
        at=now,
        message=_("Convertie en opportunité n° %(opp)s (client %(customer)s)%(offer)s")
        % {
            "opp": opportunity.pk,
            "customer": customer.display_name,
            "offer": _(", offre n° %s") % result.offer.pk if result.offer else "",
        },
        data={
            "opportunity": opportunity.pk,
            "customer": customer.pk,
            "offer": result.offer.pk if result.offer else None,
            "status_from": previous.code,
        },
    )
    return result
