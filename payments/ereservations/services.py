"""E-reservation (P-8): the group's settings, the internet user's request, the vehicle
held once paid, its release, and what becomes of the money.

Rules decided here (docs/decisions.md, "E-réservation"):

- Offered on the public page of a vehicle that is published (V-12), not reserved (no
  pre-entry reservation, no e-reservation), with no live order, at a point of sale where
  the e-payment is configured, while the group's switch is on.
- Paid (autorisé or payé, ``payment_status_changed``): the vehicle row is locked and
  checked again; still free → one ``EReservation`` and the vehicle "Réservé par un client"
  until now + the configured hours (``vehicle_reservation_set``: the stock's filter,
  columns, export and publication criterion); taken meanwhile (another internet user paid
  first, an order, a pre-entry reservation) → the payment is "à rembourser" at once and
  the customer's return page says so.
- The dealer told: the sales managers and directors of the vehicle's point of sale (they
  hand the customer to a salesperson), or its salespeople when it has none — in-app and
  by email (outbox).
- The end: the periodic job releases expired e-reservations (the vehicle is free again,
  the payment "à rembourser"). An order of the same customer (same email) validated on the
  vehicle takes the e-reservation over (the money stays, the vehicle is the order's); an
  order of another customer validated on it ends the e-reservation and the payment is
  owed back; the taking-over order cancelled → the payment is owed back.

Lock order: the vehicle row, then the e-reservation, then the payment.
"""

from datetime import timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.accounts.models import User, UserGroupType
from openflex.notifications.services import email_send, notifications_create_bulk
from payments.ereservations.models import EReservation, EReservationSettings
from payments.transactions import selectors as payment_selectors
from payments.transactions import services as payment_services
from payments.transactions.models import Payment
from vehicles.models import ReservationKind, Vehicle
from vehicles.services import vehicle_get_locked, vehicle_reservation_set

# Orders that hold the vehicle (the sale side's live statuses).
LIVE_ORDER_STATUSES = (
    "attente_esignature",
    "attente_transfert",
    "attente_validation",
    "commandee",
    "a_livrer",
    "en_modification",
    "attente_annulation",
)
VALIDATED_ORDER_STATUSES = ("commandee", "a_livrer", "livree")
CANCELLED_ORDER_STATUSES = ("annulee",)
DEALER_TYPES = (UserGroupType.SALES_MANAGER, UserGroupType.DIRECTOR)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y à %Hh%M")


# --- Settings (ORG-5) -------------------------------------------------------------------


def ereservation_settings() -> EReservationSettings:
    return EReservationSettings.current()


@transaction.atomic
def ereservation_settings_update(
    *, by, enabled: bool, duration_hours: int, amount
) -> EReservationSettings:
    """Paramètres > Opportunités > E-réservation: the group's switch, duration and amount.
    E-reservations already paid keep their end date."""
    current = EReservationSettings.objects.select_for_update().get(
        pk=EReservationSettings.current().pk
    )
    current.enabled, current.duration_hours, current.amount = enabled, duration_hours, amount
    current.updated_at, current.updated_by = timezone.now(), by
    current.full_clean()
    current.save(update_fields=["enabled", "duration_hours", "amount", "updated_at", "updated_by"])
    return current


# --- Reads --------------------------------------------------------------------------------


def _has_live_order(vehicle: Vehicle) -> bool:
    return vehicle.orders.filter(status__in=LIVE_ORDER_STATUSES).exists()


def ereservation_refusal(vehicle: Vehicle, settings: EReservationSettings | None = None):
    """Why the vehicle cannot be e-reserved now (None: it can). Said to the internet user."""
    settings = settings or ereservation_settings()
    if not settings.enabled:
        return _("La réservation en ligne n'est pas proposée pour le moment.")
    if not vehicle.is_published:
        return _("Ce véhicule n'est plus proposé à la vente en ligne.")
    if vehicle.reservation_kind:
        if vehicle.reservation_ends_at and vehicle.reservation_kind == ReservationKind.CUSTOMER:
            return _("Ce véhicule est déjà réservé par un client jusqu'au %s.") % _when(
                vehicle.reservation_ends_at
            )
        return _("Ce véhicule est déjà réservé.")
    if _has_live_order(vehicle):
        return _("Ce véhicule est déjà vendu.")
    if payment_selectors.payment_configuration_for(vehicle.point_of_sale_id) is None:
        return _("Le paiement en ligne n'est pas proposé par ce point de vente.")
    return None


def ereservation_for_payment(payment: Payment) -> EReservation | None:
    return EReservation.objects.filter(payment_id=payment.pk).first()


def ereservation_outcome(payment: Payment) -> dict:
    """What the internet user's pages say after paying (fresh from the database: the
    provider's return may hold a payment that a receiver moved on)."""
    status = Payment.objects.filter(pk=payment.pk).values_list("status", flat=True).first()
    reservation = ereservation_for_payment(payment)
    if reservation is not None:
        return {"state": "reserved", "reservation": reservation, "status": status}
    if status in (Payment.Status.TO_REFUND, Payment.Status.REFUNDED):
        return {"state": "refund", "reservation": None, "status": status}
    if status in Payment.CAPTURED:
        return {"state": "processing", "reservation": None, "status": status}
    return {"state": "unpaid", "reservation": None, "status": status}


# --- The internet user's request ----------------------------------------------------------


def mobile_normalise(value: str) -> str:
    """A French (or international) mobile number in E.164, or a ValidationError."""
    try:
        number = phonenumbers.parse((value or "").strip(), "FR")
    except phonenumbers.NumberParseException:
        number = None
    mobile_types = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in mobile_types
    ):
        raise ValidationError(
            {"mobile": _("Indiquez un numéro de mobile valide, par exemple 06 12 34 56 78.")}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def ereservation_request(
    *, vehicle: Vehicle, civility: str, first_name: str, last_name: str, email: str, mobile: str
) -> Payment:
    """ "Réserver ce véhicule": an e-reservation payment (kind 1) of the group's amount;
    the caller sends the internet user to ``payment_link_url(payment)``. Nothing is held
    yet: the vehicle is reserved when the payment arrives (``ereservation_confirm``)."""
    settings = ereservation_settings()
    fresh = Vehicle.objects.get(pk=vehicle.pk)
    refusal = ereservation_refusal(fresh, settings)
    if refusal:
        raise ValidationError(refusal, code="ereservation_refused")
    return payment_services.payment_create_for_reservation(
        vehicle=fresh,
        civility=civility,
        first_name=first_name,
        last_name=last_name,
        email=email,
        mobile=mobile_normalise(mobile),
        amount=settings.amount,
    )


# --- Paid: hold the vehicle --------------------------------------------------------------


def ereservation_confirm(*, payment: Payment) -> EReservation | None:
    """The e-reservation's money arrived (inside the payment's transaction): hold the
    vehicle, or owe the money back when it is no longer free. Idempotent."""
    existing = ereservation_for_payment(payment)
    if existing is not None:
        return existing
    vehicle = vehicle_get_locked(pk=payment.vehicle_id)
    refusal = _taken(vehicle)
    if refusal is None:
        settings = ereservation_settings()
        now = timezone.now()
        try:
            with transaction.atomic():
                reservation = EReservation.objects.create(
                    payment=payment,
                    vehicle=vehicle,
                    starts_at=now,
                    ends_at=now + timedelta(hours=settings.duration_hours),
                )
        except IntegrityError:  # the constraint's last word, behind the row lock
            reservation, refusal = None, _("le véhicule vient d'être réservé par un autre client")
    if refusal is not None:
        payment_services.payment_require_refund(
            payment=payment, reason=_("e-réservation impossible, %s") % refusal
        )
        return None
    vehicle_reservation_set(
        vehicle=vehicle,
        kind=ReservationKind.CUSTOMER,
        ends_at=reservation.ends_at,
        by=None,
        message=_("Réservé par un client (e-réservation %(ref)s de %(who)s) jusqu'au %(end)s")
        % {
            "ref": payment.reference,
            "who": payment.contact_name,
            "end": _when(reservation.ends_at),
        },
        data={"ereservation": reservation.pk, "payment": payment.pk, "step": "created"},
    )
    _notify_dealer(reservation=reservation, payment=payment, vehicle=vehicle)
    return reservation


def _taken(vehicle: Vehicle) -> str | None:
    """Why a paid e-reservation cannot hold the (locked) vehicle (None: it can)."""
    if vehicle.reservation_kind == ReservationKind.CUSTOMER:
        return _("le véhicule vient d'être réservé par un autre client")
    if vehicle.reservation_kind:
        return _("le véhicule a été réservé par le concessionnaire")
    if _has_live_order(vehicle):
        return _("le véhicule a été vendu")
    if not vehicle.is_published:
        return _("le véhicule n'est plus proposé à la vente")
    return None


def dealer_recipients(point_of_sale_id: int) -> list[User]:
    """Who hears of an e-reservation: the point of sale's sales managers and directors,
    or its salespeople when it has none."""
    people = User.objects.filter(is_active=True, points_of_sale=point_of_sale_id)
    managers = list(people.filter(groups__usergroup__type__in=DEALER_TYPES).distinct())
    if managers:
        return managers
    return list(people.filter(groups__usergroup__type=UserGroupType.SALESPERSON).distinct())


def _notify_dealer(*, reservation: EReservation, payment: Payment, vehicle: Vehicle) -> None:
    recipients = dealer_recipients(payment.point_of_sale_id)
    if not recipients:
        return
    end = _when(reservation.ends_at)
    title = _("e-Réservation : %(vehicle)s réservé par %(who)s jusqu'au %(end)s") % {
        "vehicle": f"{vehicle.brand} {vehicle.model} n° {vehicle.pk}",
        "who": payment.contact_name,
        "end": end,
    }
    url = reverse("vehicles:detail", args=[vehicle.pk])
    notifications_create_bulk(recipients=recipients, kind="ereservation", title=title, url=url)
    context = {"vehicle": vehicle, "payment": payment, "reservation": reservation, "end": end}
    for user in recipients:
        if user.email:
            email_send(
                to=user.email,
                subject=_("e-Réservation : %(vehicle)s réservé en ligne jusqu'au %(end)s")
                % {"vehicle": f"{vehicle.brand} {vehicle.model}", "end": end},
                template="payments/ereservation_dealer",
                context=context,
                kind="ereservation_dealer",
                recipient=user,
            )


# --- The end ------------------------------------------------------------------------------


def _release(
    *, reservation: EReservation, vehicle: Vehicle, method: str, reason: str, message: str
) -> None:
    """End a locked active e-reservation, free the vehicle's state (in the transaction)."""
    getattr(reservation, method)()
    reservation.ended_at, reservation.end_reason = timezone.now(), reason[:500]
    reservation.save(update_fields=["status", "ended_at", "end_reason"])
    if vehicle.reservation_kind == ReservationKind.CUSTOMER:
        vehicle_reservation_set(
            vehicle=vehicle,
            kind="",
            ends_at=None,
            by=None,
            message=message,
            data={"ereservation": reservation.pk, "step": method},
        )


def _owe_back(payment_id: int, reason: str) -> None:
    payment = Payment.objects.get(pk=payment_id)
    if payment.status in Payment.CAPTURED:
        payment_services.payment_require_refund(payment=payment, reason=reason)


def ereservations_expire(*, now=None, chunk: int = 200) -> int:
    """Release the e-reservations whose time is over (periodic, X-1): the vehicle is free
    again, the payment "à rembourser". Claims e-reservation and vehicle rows with SKIP
    LOCKED (two workers never release the same one); a second run finds nothing."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            claimed = list(
                EReservation.objects.select_for_update(skip_locked=True, of=("self", "vehicle"))
                .select_related("vehicle")
                .filter(status=EReservation.Status.ACTIVE, ends_at__lte=now)
                .order_by("ends_at", "pk")[:chunk]
            )
            if not claimed:
                return total
            for reservation in claimed:
                _release(
                    reservation=reservation,
                    vehicle=reservation.vehicle,
                    method="expire",
                    reason=_("délai de la e-réservation écoulé"),
                    message=_("e-Réservation n° %s expirée : le véhicule est libre")
                    % reservation.pk,
                )
                _owe_back(reservation.payment_id, _("e-réservation expirée sans commande"))
            total += len(claimed)


def ereservation_payment_lost(*, payment: Payment) -> None:
    """The money of an active e-reservation left (refunded at the provider, or owed back
    by a staff decision): the vehicle is released (inside the payment's transaction)."""
    reservation = EReservation.objects.filter(
        payment_id=payment.pk, status=EReservation.Status.ACTIVE
    ).first()
    if reservation is None:
        return
    vehicle = vehicle_get_locked(pk=reservation.vehicle_id)
    reservation = EReservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.status != EReservation.Status.ACTIVE:
        return
    _release(
        reservation=reservation,
        vehicle=vehicle,
        method="end",
        reason=_("paiement %s") % payment.get_status_display().lower(),
        message=_("e-Réservation n° %(r)s terminée : paiement %(s)s")
        % {"r": reservation.pk, "s": payment.get_status_display().lower()},
    )


def ereservation_follow_order(*, order, from_status: str, to_status: str) -> None:
    """An order moved (inside its transition): take over or end the e-reservation of its
    vehicle when it is validated; owe the money back when the taking-over order is
    cancelled."""
    if to_status in VALIDATED_ORDER_STATUSES and from_status not in VALIDATED_ORDER_STATUSES:
        if order.replaces_id:
            # A new version of the taking-over order carries the e-reservation on.
            EReservation.objects.filter(
                order_id=order.replaces_id, status=EReservation.Status.ORDERED
            ).update(order=order)
        if not EReservation.objects.filter(
            vehicle_id=order.vehicle_id, status=EReservation.Status.ACTIVE
        ).exists():
            return
        vehicle = vehicle_get_locked(pk=order.vehicle_id)
        reservation = (
            EReservation.objects.select_for_update()
            .select_related("payment")
            .filter(vehicle_id=vehicle.pk, status=EReservation.Status.ACTIVE)
            .first()
        )
        if reservation is None:
            return
        customer = order.opportunity.customer
        same = (customer.email or "").strip().lower() == reservation.payment.email.lower()
        if same:
            reservation.order = order
            reservation.save(update_fields=["order"])
            _release(
                reservation=reservation,
                vehicle=vehicle,
                method="take_over",
                reason=_("commande n° %s du client") % order.pk,
                message=_("e-Réservation n° %(r)s reprise par la commande n° %(o)s")
                % {"r": reservation.pk, "o": order.pk},
            )
        else:
            _release(
                reservation=reservation,
                vehicle=vehicle,
                method="end",
                reason=_("véhicule vendu à un autre client (commande n° %s)") % order.pk,
                message=_("e-Réservation n° %(r)s terminée : commande n° %(o)s d'un autre client")
                % {"r": reservation.pk, "o": order.pk},
            )
            _owe_back(
                reservation.payment_id,
                _("véhicule vendu à un autre client (commande n° %s)") % order.pk,
            )
    elif to_status in CANCELLED_ORDER_STATUSES:
        for reservation in EReservation.objects.filter(
            order_id=order.pk, status=EReservation.Status.ORDERED
        ):
            _owe_back(reservation.payment_id, _("commande n° %s annulée") % order.pk)
