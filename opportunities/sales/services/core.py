"""The aggregate's primitives: locks, transitions, event rows, reasons (O-1 … O-7).

Every transition follows the same order (STYLE): lock the row, check that the move is
allowed for this user, call the FSM transition, save with ``update_fields``, write the
event row, and enqueue side effects on commit.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from opportunities.reservations import services as reservations
from opportunities.sales import pricing
from opportunities.sales.models import (
    Offer,
    Opportunity,
    OpportunityEvent,
    Order,
    OrderEvent,
)
from opportunities.sales.signals import order_status_changed
from vehicles.models import VehicleEvent
from vehicles.services import vehicle_event_record

MAX_DELIVERY_DAYS = 3660  # a delivery date more than ten years ahead is a typing mistake


# Orders that keep an opportunity alive: on their way, validated, being modified or
# waiting for a cancellation to be confirmed (both go back to their previous status).
LIVE_ORDER_STATUSES = [*Order.ACTIVE, Order.Status.MODIFYING, Order.Status.PENDING_CANCELLATION]


ZERO = pricing.ZERO


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="transition")


def opportunity_event_record(
    *, opportunity: Opportunity, kind: str, message: str, by=None, data=None
) -> OpportunityEvent:
    return OpportunityEvent.objects.create(
        opportunity=opportunity, kind=kind, message=message[:500], by=by, data=data or {}
    )


def opportunity_touch(opportunity: Opportunity) -> None:
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=timezone.now())


def _lock_opportunity(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.select_for_update().select_related("customer").get(pk=opportunity.pk)


def _check_open(opportunity: Opportunity) -> None:
    if opportunity.status != Opportunity.Status.OPEN:
        raise _refused(
            _("Cette opportunité est %s : elle ne peut plus changer.")
            % opportunity.get_status_display().lower()
        )


def opportunity_win(*, opportunity: Opportunity, by, message: str) -> None:
    opportunity = _lock_opportunity(opportunity)
    if can_proceed(opportunity.win):
        opportunity.win()
        opportunity.closed_at = timezone.now()
        opportunity.save(update_fields=["status", "closed_at"])
        opportunity_event_record(
            opportunity=opportunity, kind=OpportunityEvent.Kind.STATUS, by=by, message=message
        )


def _opportunity_reopen_if_no_sale(*, opportunity: Opportunity, by) -> None:
    opportunity = _lock_opportunity(opportunity)
    if opportunity.status != Opportunity.Status.WON:
        return
    if opportunity.orders.filter(status__in=Order.VALIDATED).exists():
        return
    opportunity.reopen()
    opportunity.closed_at = None
    opportunity.save(update_fields=["status", "closed_at"])
    opportunity_event_record(
        opportunity=opportunity,
        kind=OpportunityEvent.Kind.STATUS,
        by=by,
        message=_("Opportunité de nouveau en cours (commande annulée)"),
    )


def _offer_recorded(offer: Offer, by, message: str) -> None:
    text = message % {"pk": offer.pk, "vehicle": offer.vehicle}
    opportunity_event_record(
        opportunity=offer.opportunity,
        kind=OpportunityEvent.Kind.OFFER,
        by=by,
        message=text,
        data={"offer": offer.pk},
    )
    vehicle_event_record(
        vehicle=offer.vehicle,
        kind=VehicleEvent.Kind.OFFER,
        by=by,
        message=text + _(" (opportunité n° %s)") % offer.opportunity_id,
        data={"offer": offer.pk, "opportunity": offer.opportunity_id},
    )
    opportunity_touch(offer.opportunity)


def offer_totals(offer: Offer, lines=None) -> pricing.Totals:
    lines = lines if lines is not None else list(offer.lines.all())
    return pricing.compute(
        vehicle_price=offer.vehicle_price,
        lines=[pricing.Line(line.kind, line.label, line.amount) for line in lines],
        administrative_fees=offer.administrative_fees,
        trade_in_value=offer.trade_in_value,
        deposit=offer.deposit,
        vat_regime=offer.vehicle.vat_regime,
    )


def _lock_offer(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("opportunity", "vehicle")
        .get(pk=offer.pk)
    )


def _offer_cancel(
    *, offer: Offer, by, reason: str, restore_order: bool = True, keep_reservation: bool = False
) -> Offer:
    offer.cancel()
    offer.cancelled_at = timezone.now()
    offer.save(update_fields=["status", "cancelled_at"])
    if not keep_reservation:
        reservations.reservation_end_for_offer(offer=offer, by=by)
    suffix = " : " + reason.replace("%", "%%") if reason else ""
    _offer_recorded(offer, by, _("Offre n° %(pk)s annulée") + suffix)
    other_versions = Offer.objects.filter(
        replaces_order_id=offer.replaces_order_id,
        status__in=[Offer.Status.OPEN, Offer.Status.VALIDATED],
    )
    if restore_order and offer.replaces_order_id and not other_versions.exists():
        # The order being modified goes back to its previous status (and a won sale).
        order = Order.objects.select_for_update().get(pk=offer.replaces_order_id)
        if order.status == Order.Status.MODIFYING:
            _order_restore(order=order, by=by, message=_("Modification abandonnée"))
            if order.status in Order.VALIDATED:
                opportunity_win(
                    opportunity=order.opportunity, by=by, message=_("Opportunité gagnée")
                )
    return offer


def order_event_record(
    *,
    order: Order,
    kind: str,
    message: str,
    by=None,
    from_status: str = "",
    reason: str = "",
    data=None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        from_status=from_status,
        to_status=order.status,
        message=message[:500],
        reason=reason,
        by=by,
        data=data or {},
    )


def _lock_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("opportunity__customer__legal_representative", "vehicle", "point_of_sale")
        .get(pk=order.pk)
    )


def _order_transition(
    order: Order, method_name: str, *, by, message: str, reason: str = "", fields=(), kind=""
):
    """Call a transition already checked, save it, write the timeline."""
    previous = order.status
    getattr(order, method_name)()
    order.save(update_fields=["status", *fields])
    order_event_record(
        order=order,
        kind=kind or method_name,
        by=by,
        from_status=previous,
        message=message,
        reason=reason,
    )
    order_status_changed.send(
        sender=Order, order=order, from_status=previous, to_status=order.status, by=by
    )
    return previous


def _check_can(order: Order, method_name: str) -> None:
    if not can_proceed(getattr(order, method_name)):
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())


def _order_restore(*, order: Order, by, message: str, reason: str = "") -> Order:
    """Back to the status saved in ``status_before`` (the ``restore`` transition reads it),
    which is then cleared."""
    previous = order.status
    order.restore()
    order.status_before = ""
    order.save(update_fields=["status", "status_before"])
    order_event_record(
        order=order, kind="restore", by=by, from_status=previous, message=message, reason=reason
    )
    order_status_changed.send(
        sender=Order, order=order, from_status=previous, to_status=order.status, by=by
    )
    return order
