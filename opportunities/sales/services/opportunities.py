"""Every write on opportunities and their appointments (O-1, O-9), and the sales settings."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from openflex.core.inputs import reason_clean
from openflex.notifications.services import (
    NotificationDraft,
    email_send,
    notification_create,
    notifications_create_many,
)
from opportunities.customers.models import Customer
from opportunities.reservations import services as reservations
from opportunities.sales.models import (
    Appointment,
    Offer,
    Opportunity,
    OpportunityEvent,
    SalesSettings,
)
from opportunities.sales.services.core import (
    LIVE_ORDER_STATUSES,
    _check_open,
    _lock_opportunity,
    _offer_cancel,
    _refused,
    opportunity_event_record,
    opportunity_touch,
)
from vehicles.models import StandardStatus, Vehicle


def _check_salesperson(salesperson, point_of_sale) -> None:
    if not salesperson.is_active:
        raise ValidationError({"salesperson": _("Ce vendeur n'est plus actif.")})
    if not salesperson.points_of_sale.filter(pk=point_of_sale.pk).exists():
        raise ValidationError(
            {
                "salesperson": _("Ce vendeur n'est pas rattaché au point de vente %s.")
                % point_of_sale
            }
        )


@transaction.atomic
def opportunity_create(
    *, customer: Customer, salesperson, point_of_sale, by, title: str = ""
) -> Opportunity:
    _check_salesperson(salesperson, point_of_sale)
    opportunity = Opportunity.objects.create(
        customer=customer,
        salesperson=salesperson,
        point_of_sale=point_of_sale,
        created_by=by,
        title=(title or "").strip()[:120],
    )
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.CREATED,
        by=by,
        message=_("Opportunité créée pour %(customer)s, vendeur %(salesperson)s")
        % {"customer": customer.display_name, "salesperson": salesperson.get_full_name()},
    )
    return opportunity


@transaction.atomic
def opportunity_salesperson_change(*, opportunity: Opportunity, salesperson, by) -> Opportunity:
    from opportunities.customers.selectors import user_sees_point_of_sale_opportunities

    if not user_sees_point_of_sale_opportunities(by):
        raise PermissionDenied(_("Seul un responsable change le vendeur d'une opportunité."))
    opportunity = _lock_opportunity(opportunity)
    _check_open(opportunity)
    if salesperson.pk == opportunity.salesperson_id:
        return opportunity
    _check_salesperson(salesperson, opportunity.point_of_sale)
    previous = opportunity.salesperson
    opportunity.salesperson = salesperson
    opportunity.last_activity_at = timezone.now()
    opportunity.save(update_fields=["salesperson", "last_activity_at"])
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.SALESPERSON,
        by=by,
        message=_("Vendeur : %(old)s → %(new)s")
        % {"old": previous.get_full_name(), "new": salesperson.get_full_name()},
    )
    notification_create(
        recipient=salesperson,
        kind="opportunity_assigned",
        title=_("Opportunité n° %(pk)s confiée : %(customer)s")
        % {"pk": opportunity.pk, "customer": opportunity.customer.display_name},
        url=reverse("opportunities:detail", args=[opportunity.pk]),
    )
    return opportunity


@transaction.atomic
def opportunity_abandon(*, opportunity: Opportunity, by, reason: str) -> Opportunity:
    reason = reason_clean(reason, required=True)
    opportunity = _lock_opportunity(opportunity)
    if not can_proceed(opportunity.abandon):
        raise _refused(_("Seule une opportunité en cours peut être abandonnée."))
    if opportunity.orders.filter(status__in=LIVE_ORDER_STATUSES).exists():
        raise _refused(_("Une commande est en cours : annulez-la d'abord."))
    opportunity.abandon()
    opportunity.closed_at, opportunity.close_reason = timezone.now(), reason
    opportunity.save(update_fields=["status", "closed_at", "close_reason"])
    for offer in opportunity.offers.filter(status__in=[Offer.Status.OPEN, Offer.Status.VALIDATED]):
        _offer_cancel(offer=offer, by=by, reason=_("Opportunité abandonnée"))
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.STATUS,
        by=by,
        message=_("Opportunité abandonnée : %s") % reason,
    )
    return opportunity


@transaction.atomic
def appointment_create(
    *,
    opportunity: Opportunity,
    by,
    kind: str,
    starts_at,
    vehicle: Vehicle | None = None,
    note: str = "",
) -> Appointment:
    opportunity = _lock_opportunity(opportunity)
    _check_open(opportunity)
    if kind not in Appointment.Kind.values:
        raise ValidationError({"kind": _("Type de rendez-vous inconnu.")})
    if kind == Appointment.Kind.TEST_DRIVE and vehicle is None:
        raise ValidationError({"vehicle": _("Choisissez le véhicule de l'essai.")})
    if vehicle is not None and vehicle.status == StandardStatus.EXIT:
        raise ValidationError({"vehicle": _("Ce véhicule est sorti du stock.")})
    note = reason_clean(note, field="note")
    appointment = Appointment.objects.create(
        opportunity=opportunity,
        kind=kind,
        vehicle=vehicle,
        starts_at=starts_at,
        note=note,
        created_by=by,
    )
    when = timezone.localtime(starts_at).strftime("%d/%m/%Y à %Hh%M")
    label = (
        _("Rendez-vous d'essai planifié le %(when)s sur %(vehicle)s")
        % {"when": when, "vehicle": vehicle}
        if kind == Appointment.Kind.TEST_DRIVE
        else _("Rendez-vous planifié le %s") % when
    )
    opportunity_event_record(
        opportunity=opportunity, kind=OpportunityEvent.Kind.APPOINTMENT, by=by, message=label
    )
    opportunity_touch(opportunity)
    return appointment


@transaction.atomic
def opportunity_follow_up(*, opportunity: Opportunity, by, message: str) -> Opportunity:
    """ "Relancer le client": an email from the salesperson, recorded in the history."""
    opportunity = _lock_opportunity(opportunity)
    _check_open(opportunity)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Écrivez le message de relance.")})
    if len(message) > 4000:
        raise ValidationError({"message": _("Le message ne peut pas dépasser 4 000 caractères.")})
    customer = opportunity.customer
    if not customer.email:
        raise ValidationError(
            {"message": _("Ce client n'a pas d'email : renseignez-le sur sa fiche.")}
        )
    email_send(
        to=customer.email,
        subject=_("Votre projet automobile — %s") % opportunity.point_of_sale.name,
        template="opportunities/follow_up",
        context={
            "customer": customer,
            "message": message,
            "salesperson": by,
            "point_of_sale": opportunity.point_of_sale,
        },
        kind="opportunity_follow_up",
    )
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.FOLLOW_UP,
        by=by,
        message=_("Client relancé par email : %s") % message[:400],
    )
    opportunity_touch(opportunity)
    return opportunity


def opportunities_cancel_inactive(*, now=None) -> int:
    """Abandon open opportunities without activity for the configured delay (O-1, X-1).

    Set-based, in chunks: each chunk claims its rows with SKIP LOCKED, so that two workers
    never abandon the same opportunity twice; a second run finds nothing left to do.
    """
    now = now or timezone.now()
    days = SalesSettings.current().inactivity_cancel_days
    cutoff = now - timezone.timedelta(days=days)
    reason = _("Aucune activité depuis %s jours") % days
    total = 0
    while True:
        with transaction.atomic():
            opportunities = list(
                Opportunity.objects.select_for_update(skip_locked=True)
                .filter(status=Opportunity.Status.OPEN, last_activity_at__lt=cutoff)
                .exclude(orders__status__in=LIVE_ORDER_STATUSES)
                .only("pk", "status", "closed_at", "close_reason")[:1000]
            )
            if not opportunities:
                return total
            # Each row goes through its declared transition; one UPDATE writes the chunk.
            for opportunity in opportunities:
                opportunity.abandon()
                opportunity.closed_at, opportunity.close_reason = now, reason
            Opportunity.objects.bulk_update(opportunities, ["status", "closed_at", "close_reason"])
            ids = [o.pk for o in opportunities]
            offers = list(
                Offer.objects.select_for_update()
                .filter(
                    opportunity_id__in=ids,
                    status__in=[Offer.Status.OPEN, Offer.Status.VALIDATED],
                )
                .only("pk", "status", "cancelled_at")
            )
            for offer in offers:
                offer.cancel()
                offer.cancelled_at = now
            Offer.objects.bulk_update(offers, ["status", "cancelled_at"])
            reservations.reservations_end_for_opportunities(opportunity_ids=ids, reason=reason)
            OpportunityEvent.objects.bulk_create(
                OpportunityEvent(
                    opportunity_id=pk,
                    kind=OpportunityEvent.Kind.STATUS,
                    message=_("Opportunité annulée automatiquement : %s") % reason,
                    at=now,
                )
                for pk in ids
            )
            total += len(ids)


def opportunities_neglect_scan(*, now=None) -> int:
    """Alert each salesperson once about opportunities that became "en souffrance" (O-1)."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=SalesSettings.current().neglect_days)
    with transaction.atomic():
        rows = list(
            Opportunity.objects.select_for_update(skip_locked=True)
            .filter(
                status=Opportunity.Status.OPEN,
                created_at__lt=cutoff,
                neglect_notified_at__isnull=True,
            )
            .values_list("pk", "salesperson_id", "customer__last_name", "customer__company_name")[
                :5000
            ]
        )
        if not rows:
            return 0
        Opportunity.objects.filter(pk__in=[r[0] for r in rows]).update(neglect_notified_at=now)
        notifications_create_many(
            drafts=[
                NotificationDraft(
                    recipient_id=salesperson_id,
                    kind="opportunity_neglected",
                    title=_("Opportunité n° %(pk)s en souffrance (%(customer)s)")
                    % {"pk": pk, "customer": (last or company).upper()},
                    url=reverse("opportunities:detail", args=[pk]),
                )
                for pk, salesperson_id, last, company in rows
            ]
        )
        OpportunityEvent.objects.bulk_create(
            OpportunityEvent(
                opportunity_id=pk,
                kind=OpportunityEvent.Kind.ALERT,
                message=_("En souffrance : alerte envoyée au vendeur"),
                at=now,
            )
            for pk, *_rest in rows
        )
    return len(rows)


@transaction.atomic
def sales_settings_update(*, by, **values) -> SalesSettings:
    current = SalesSettings.objects.select_for_update().get(pk=SalesSettings.current().pk)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean()
    if changed:
        current.save(update_fields=changed)
    return current
