"""Pre-entry reservation of used vehicles (V-11, V-12).

A salesperson reserves a VO destined to a private customer, in pré-entrée and sellable,
from a validated offer on it. While the reservation holds, only the reserving
opportunity may make, validate or revise offers on the vehicle and order it
(``reservation_refusal``, called by ``services.offer_vehicle_refusal`` and by every order
step, issue 13; ``sales.models.vehicle_not_held_by_another`` hides the buttons). The
vehicle carries the visible state (``reservation_kind`` / ``reservation_ends_at``, through
``vehicle_reservation_set``), which unpublishes it while the reservation is unlimited.

Rules decided here (docs/decisions.md):

- The vehicle leaves pré-entrée forward to any status but livraison / sortie (entrée
  physique, a custom status, stock de vente): the unlimited reservation is cut to 48 h
  from that moment and the reserving salesperson is told (email + in-app).
- The vehicle reaches livraison or sortie (an order moved it there): the reservation has
  done its job and ends ("véhicule vendu").
- The vehicle comes back to pré-entrée: a reservation already cut to 48 h stays at 48 h
  (the clock does not restart; a manager may end it, the salesperson may re-reserve
  once it ended).
- Switching the feature off stops new reservations; the active ones keep holding until
  they end (abandon, manager, expiry) so that nobody loses a vehicle silently.

Lock order everywhere: the vehicle row, then the reservation row.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.accounts import rules
from openflex.core.inputs import reason_clean
from openflex.notifications.services import email_send, notification_create
from opportunities.reservations.models import Reservation
from opportunities.sales.models import Offer, Opportunity, OpportunityEvent, Order, SalesSettings
from vehicles.models import (
    Destination,
    Parc,
    ReservationKind,
    StandardStatus,
    Vehicle,
    VehicleEvent,
)
from vehicles.services import (
    vehicle_event_record,
    vehicle_get_locked,
    vehicle_reservation_set,
)

HOLD_AFTER_ENTRY = timedelta(hours=48)
# The kinds that a pre-entry reservation puts on the vehicle (not the customer's P-8 one).
OWN_KINDS = (ReservationKind.UNLIMITED, ReservationKind.HOURS_48)
LIVE_ORDERS = [*Order.ACTIVE, Order.Status.MODIFYING, Order.Status.PENDING_CANCELLATION]
SALE_STATUSES = (StandardStatus.DELIVERY, StandardStatus.EXIT)


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="reservation_refused")


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else _("le système")


# --- Reads -----------------------------------------------------------------------------


def reservation_enabled() -> bool:
    return SalesSettings.current().preentry_reservation_enabled


def reservation_active_for_vehicle(*, vehicle: Vehicle, lock: bool = False) -> Reservation | None:
    qs = Reservation.objects.filter(vehicle_id=vehicle.pk, status=Reservation.Status.ACTIVE)
    if lock:
        return qs.select_for_update(of=("self",)).first()
    return qs.select_related(
        "opportunity__salesperson", "opportunity__customer", "reserved_by"
    ).first()


def reservation_user_is_manager(user, vehicle: Vehicle) -> bool:
    """Who may end any reservation on the vehicle: a platform administrator, or a sales
    manager / director attached to the vehicle's owning point of sale."""
    return rules.is_sales_manager_at(user, vehicle.point_of_sale_id)


def reservation_eligibility_error(*, offer: Offer, vehicle: Vehicle | None = None) -> str | None:
    """Why ``offer`` cannot reserve its vehicle (None: it can). ``vehicle`` is the fresh
    (locked) row when called from ``reservation_create``."""
    vehicle = vehicle or offer.vehicle
    if not reservation_enabled():
        return _("La réservation des VO en pré-entrée n'est pas activée.")
    if offer.status != Offer.Status.VALIDATED:
        return _("Seule une offre validée permet de réserver le véhicule.")
    if offer.opportunity.status != Opportunity.Status.OPEN:
        return _("L'opportunité n'est plus en cours.")
    if vehicle.parc != Parc.VO:
        return _("Seuls les véhicules d'occasion (VO) se réservent en pré-entrée.")
    if vehicle.destination != Destination.PRIVATE:
        return _("Seuls les VO destinés aux particuliers se réservent.")
    if vehicle.status != StandardStatus.PRE_ENTRY:
        return _("Le véhicule n'est plus en pré-entrée : il ne se réserve plus.")
    if Order.objects.filter(vehicle_id=vehicle.pk, status__in=LIVE_ORDERS).exists():
        return _("Le véhicule est vendu (une commande est en cours) : il n'est pas vendable.")
    if vehicle.reservation_kind == ReservationKind.CUSTOMER:
        return _("Le véhicule est déjà réservé par un client (e-réservation).")
    return None


def _refusal_text(reservation: Reservation) -> str:
    opportunity = reservation.opportunity
    text = _(
        "Véhicule réservé par l'opportunité n° %(opportunity)s de %(salesperson)s "
        "(%(kind)s%(end)s) : seule cette opportunité peut faire une offre sur ce véhicule "
        "ou le commander."
    )
    end = ""
    if reservation.ends_at:
        end = _(" jusqu'au %s") % timezone.localtime(reservation.ends_at).strftime(
            "%d/%m/%Y à %Hh%M"
        )
    return text % {
        "opportunity": opportunity.pk,
        "salesperson": _who(opportunity.salesperson),
        "kind": reservation.get_kind_display().lower(),
        "end": end,
    }


def _held_by_another(*, vehicle, opportunity_id: int | None) -> Reservation | None:
    """The active reservation of another opportunity on ``vehicle`` (None: none).

    The vehicle's ``reservation_kind`` spares a query when it is not reserved.
    """
    if vehicle.reservation_kind not in OWN_KINDS:
        return None
    reservation = reservation_active_for_vehicle(vehicle=vehicle)
    if reservation is None or reservation.opportunity_id == opportunity_id:
        return None
    return reservation


def reservation_refusal(*, vehicle, opportunity) -> str | None:
    """Why ``opportunity`` may not make an offer on ``vehicle``, nor order it, because of
    a reservation of another opportunity (None: it may)."""
    reservation = _held_by_another(
        vehicle=vehicle, opportunity_id=opportunity.pk if opportunity is not None else None
    )
    return _refusal_text(reservation) if reservation is not None else None


# --- Writes ----------------------------------------------------------------------------


@transaction.atomic
def reservation_create(*, offer: Offer, by) -> Reservation:
    """Reserve the offer's vehicle for its opportunity, without end while in pré-entrée."""
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("opportunity__salesperson", "opportunity__customer")
        .get(pk=offer.pk)
    )
    opportunity = offer.opportunity
    if by.pk != opportunity.salesperson_id and not reservation_user_is_manager(by, offer.vehicle):
        raise PermissionDenied(_("Seul le vendeur de l'opportunité ou un responsable réserve."))
    # The row lock serialises two reservations of the same vehicle; the partial unique
    # constraint is the last word if anything slips past it.
    vehicle = vehicle_get_locked(pk=offer.vehicle_id)
    error = reservation_eligibility_error(offer=offer, vehicle=vehicle)
    if error:
        raise _refused(error)
    current = reservation_active_for_vehicle(vehicle=vehicle)
    if current is not None:
        raise _refused(_("Le véhicule est déjà réservé. ") + _refusal_text(current))
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(
                offer=offer,
                vehicle=vehicle,
                opportunity=opportunity,
                reserved_by=by,
                kind=Reservation.Kind.UNLIMITED,
            )
    except IntegrityError:
        raise _refused(_("Le véhicule est déjà réservé par une autre opportunité.")) from None
    message = _(
        "Réservé pour une durée illimitée (pré-entrée) par %(who)s depuis l'offre n° "
        "%(offer)s de l'opportunité n° %(opportunity)s (%(customer)s)"
    ) % {
        "who": _who(by),
        "offer": offer.pk,
        "opportunity": opportunity.pk,
        "customer": opportunity.customer.display_name,
    }
    vehicle_reservation_set(
        vehicle=vehicle,
        kind=ReservationKind.UNLIMITED,
        ends_at=None,
        by=by,
        message=message,
        data=_data(reservation, "created"),
    )
    OpportunityEvent.objects.create(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.OFFER,
        by=by,
        message=(
            _("Véhicule %(vehicle)s réservé (offre n° %(offer)s)")
            % {"vehicle": vehicle, "offer": offer.pk}
        )[:500],
        data={"offer": offer.pk, "reservation": reservation.pk},
    )
    return reservation


def _data(reservation: Reservation, step: str, **extra) -> dict:
    return {
        "reservation": reservation.pk,
        "offer": reservation.offer_id,
        "opportunity": reservation.opportunity_id,
        "step": step,
        **extra,
    }


def _end(
    *, reservation: Reservation, vehicle: Vehicle, by, message: str, reason: str
) -> Reservation:
    """End a locked active reservation and clear the vehicle's state (in the transaction)."""
    reservation.end()
    reservation.ended_at, reservation.ended_by, reservation.end_reason = timezone.now(), by, reason
    reservation.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    kind = "" if vehicle.reservation_kind in OWN_KINDS else vehicle.reservation_kind
    fresh = vehicle_reservation_set(
        vehicle=vehicle,
        kind=kind,
        ends_at=None if not kind else vehicle.reservation_ends_at,
        by=by,
        message=message,
        data=_data(reservation, "ended", reason=reason),
    )
    vehicle.reservation_kind, vehicle.reservation_ends_at = kind, fresh.reservation_ends_at
    vehicle.is_published = fresh.is_published
    return reservation


@transaction.atomic
def reservation_end(
    *, reservation: Reservation, by, reason: str, manager: bool = False
) -> Reservation:
    """End a reservation: a manager from the vehicle page (reason required), or the
    salesperson by abandoning the validated offer (through ``reservation_end_for_offer``)."""
    reason = reason_clean(reason)
    vehicle = vehicle_get_locked(pk=reservation.vehicle_id)
    if manager:
        if not reservation_user_is_manager(by, vehicle):
            raise PermissionDenied(
                _(
                    "Seuls le chef des ventes, le directeur ou un administrateur "
                    "annulent une réservation."
                )
            )
        if not reason:
            raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    locked = Reservation.objects.select_for_update().filter(pk=reservation.pk).first()
    if locked is None or locked.status != Reservation.Status.ACTIVE:
        raise _refused(_("Cette réservation est déjà terminée."))
    if manager:
        message = _(
            "Réservation de l'opportunité n° %(opportunity)s annulée par %(who)s : %(reason)s"
        ) % {"opportunity": locked.opportunity_id, "who": _who(by), "reason": reason}
    else:
        message = _(
            "Réservation de l'opportunité n° %(opportunity)s terminée par %(who)s : %(reason)s"
        ) % {
            "opportunity": locked.opportunity_id,
            "who": _who(by),
            "reason": reason,
        }
    return _end(reservation=locked, vehicle=vehicle, by=by, message=message, reason=reason)


def reservation_end_for_offer(*, offer, by) -> None:
    """The salesperson ends the reservation by abandoning the validated offer.

    Called by ``services._offer_cancel`` inside its transaction; the offer's vehicle
    (select_related by the offer lock) spares a query when the vehicle is not reserved.
    """
    if offer.vehicle.reservation_kind not in OWN_KINDS:
        return
    reservation = Reservation.objects.filter(offer=offer, status=Reservation.Status.ACTIVE).first()
    if reservation is None:
        return
    reservation_end(
        reservation=reservation,
        by=by,
        reason=_("offre n° %s abandonnée") % offer.pk,
    )


def reservation_move_to_offer(*, old_offer, new_offer, by) -> None:
    """ "Modifier" on a validated offer: its new version keeps the reservation (V-11), so
    that modifying an offer never frees the vehicle for another opportunity."""
    reservation = (
        Reservation.objects.select_for_update()
        .filter(offer=old_offer, status=Reservation.Status.ACTIVE)
        .first()
    )
    if reservation is None:
        return
    reservation.offer = new_offer
    reservation.save(update_fields=["offer"])
    vehicle_event_record(
        vehicle=new_offer.vehicle,
        kind=VehicleEvent.Kind.RESERVATION,
        by=by,
        message=_(
            "Réservation reportée sur l'offre n° %(new)s (nouvelle version de l'offre n° %(old)s)"
        )
        % {"new": new_offer.pk, "old": old_offer.pk},
        data={
            "reservation": reservation.pk,
            "offer": new_offer.pk,
            "opportunity": new_offer.opportunity_id,
        },
    )


def reservations_end_for_opportunities(*, opportunity_ids, by=None, reason: str = "") -> int:
    """End the reservations of opportunities abandoned in bulk (inactive ones, O-1), whose
    offers were cancelled by a queryset update that does not call the offer hook."""
    reservations = list(
        Reservation.objects.filter(
            opportunity_id__in=list(opportunity_ids), status=Reservation.Status.ACTIVE
        ).order_by("vehicle_id")
    )
    for reservation in reservations:
        reservation_end(reservation=reservation, by=by, reason=reason or _("opportunité annulée"))
    return len(reservations)


# --- The lifeline moves the reservation (V-11) ------------------------------------------


def reservation_follow_vehicle_status(*, vehicle, from_status, to_status, by) -> None:
    """The lifeline moved the vehicle (inside its transaction, the vehicle row locked)."""
    if vehicle.reservation_kind not in OWN_KINDS or from_status == to_status:
        return
    reservation = reservation_active_for_vehicle(vehicle=vehicle, lock=True)
    if reservation is None:
        return
    if to_status in SALE_STATUSES:
        _end(
            reservation=reservation,
            vehicle=vehicle,
            by=by,
            reason=_("véhicule vendu"),
            message=_("Réservation de l'opportunité n° %s terminée : le véhicule part en livraison")
            % reservation.opportunity_id,
        )
        return
    if from_status != StandardStatus.PRE_ENTRY or reservation.kind != Reservation.Kind.UNLIMITED:
        return  # already cut to 48 h: the clock does not restart nor stop
    reservation_cut_to_48h(reservation=reservation, vehicle=vehicle, by=by, to_status=to_status)


def reservation_cut_to_48h(
    *, reservation: Reservation, vehicle: Vehicle, by, to_status: str
) -> Reservation:
    """The vehicle left pré-entrée: the reservation ends 48 hours later; tell the salesperson."""
    now = timezone.now()
    ends_at = now + HOLD_AFTER_ENTRY
    reservation.kind, reservation.ends_at = Reservation.Kind.HOURS_48, ends_at
    reservation.save(update_fields=["kind", "ends_at"])
    end_text = timezone.localtime(ends_at).strftime("%d/%m/%Y à %Hh%M")
    fresh = vehicle_reservation_set(
        vehicle=vehicle,
        kind=ReservationKind.HOURS_48,
        ends_at=ends_at,
        by=by,
        message=_(
            "Réservation de l'opportunité n° %(opportunity)s ramenée à 48 h (fin le %(end)s) : "
            "le véhicule a quitté la pré-entrée"
        )
        % {"opportunity": reservation.opportunity_id, "end": end_text},
        data=_data(reservation, "48h", to=to_status),
    )
    # The status change goes on with its own instance: keep it in step.
    vehicle.reservation_kind, vehicle.reservation_ends_at = fresh.reservation_kind, ends_at
    vehicle.is_published = fresh.is_published
    opportunity = Opportunity.objects.select_related("salesperson", "customer").get(
        pk=reservation.opportunity_id
    )
    salesperson = reservation.reserved_by or opportunity.salesperson
    url = reverse("opportunities:detail", args=[opportunity.pk])
    title = _("%(vehicle)s est arrivé : réservation jusqu'au %(end)s") % {
        "vehicle": vehicle,
        "end": end_text,
    }
    notification_create(recipient=salesperson, kind="reservation_48h", title=title, url=url)
    if salesperson.email:
        email_send(
            to=salesperson.email,
            subject=_("Véhicule réservé arrivé : finalisez la vente avant le %s") % end_text,
            template="opportunities/reservation_48h",
            context={
                "vehicle": vehicle,
                "opportunity": opportunity,
                "reservation": reservation,
                "ends_at": ends_at,
                "end_text": end_text,
            },
            kind="reservation_48h",
            recipient=salesperson,
        )
    return reservation


# --- Expiry (periodic, X-1) --------------------------------------------------------------


def reservations_expire(*, now=None, chunk: int = 200) -> int:
    """End the reservations whose 48 h are over; each end goes into the vehicle history.

    Claims reservation and vehicle rows together with SKIP LOCKED: two workers never end
    the same reservation, and a vehicle being moved right now is left for the next run.
    Idempotent: a second run finds nothing.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            claimed = list(
                Reservation.objects.select_for_update(skip_locked=True, of=("self", "vehicle"))
                .select_related("vehicle")
                .filter(Q(status=Reservation.Status.ACTIVE), ends_at__lte=now)
                .order_by("ends_at", "pk")[:chunk]
            )
            if not claimed:
                return total
            for reservation in claimed:
                _end(
                    reservation=reservation,
                    vehicle=reservation.vehicle,
                    by=None,
                    reason=_("délai de 48 h écoulé"),
                    message=_(
                        "Réservation de l'opportunité n° %(opportunity)s expirée "
                        "(48 h après l'entrée physique)"
                    )
                    % {"opportunity": reservation.opportunity_id},
                )
            total += len(claimed)


# --- Settings (ORG-5) ------------------------------------------------------------------


@transaction.atomic
def reservation_switch_set(*, by, enabled: bool) -> SalesSettings:
    """Paramètres > Véhicules: turn the pre-entry reservation on or off for the group."""
    current = SalesSettings.objects.select_for_update().get(pk=SalesSettings.current().pk)
    if current.preentry_reservation_enabled != enabled:
        current.preentry_reservation_enabled = enabled
        current.save(update_fields=["preentry_reservation_enabled"])
    return current


# --- What the pages show ----------------------------------------------------------------


def reservation_offer_actions(*, offer: Offer, user) -> dict:
    """The "Réserver" button of a validated offer, or the reservation it holds."""
    vehicle = offer.vehicle
    held = None
    if vehicle.reservation_kind in OWN_KINDS:
        held = reservation_active_for_vehicle(vehicle=vehicle)
    data = {"offer": offer, "reservation": None, "can_reserve": False, "refusal": None}
    if held is not None and held.opportunity_id == offer.opportunity_id:
        data["reservation"] = held
        return data
    if offer.status != Offer.Status.VALIDATED or held is not None:
        return data
    if user.pk != offer.opportunity.salesperson_id and not reservation_user_is_manager(
        user, vehicle
    ):
        return data
    # Only offers whose vehicle is a VO in pré-entrée get the button (or its reason).
    if vehicle.parc != Parc.VO or vehicle.status != StandardStatus.PRE_ENTRY:
        return data
    if not reservation_enabled():
        return data
    data["refusal"] = reservation_eligibility_error(offer=offer)
    data["can_reserve"] = data["refusal"] is None
    return data


def reservation_vehicle_panel(*, vehicle: Vehicle, user) -> dict:
    """The reservation section of the vehicle page: the active one and who may end it."""
    reservation = None
    if vehicle.reservation_kind in OWN_KINDS:
        reservation = reservation_active_for_vehicle(vehicle=vehicle)
    return {
        "vehicle": vehicle,
        "reservation": reservation,
        "can_end": reservation is not None and reservation_user_is_manager(user, vehicle),
        "customer_reserved": vehicle.reservation_kind == ReservationKind.CUSTOMER,
    }
