"""Orders from submission to delivery: signature, transfer, validation, refusal, cancellation,
modification, delivery (O-5, O-7, V-14).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.accounts import rules
from openflex.accounts.selectors import users_with_right
from openflex.core.inputs import REASON_MAX_LENGTH, reason_clean
from openflex.notifications.services import (
    email_send,
    notification_create,
    notifications_create_bulk,
)
from opportunities.customers.services import legal_representative_missing
from opportunities.reservations import services as reservations
from opportunities.sales import rights
from opportunities.sales.models import (
    Offer,
    Opportunity,
    Order,
)
from opportunities.sales.services.core import (
    _check_can,
    _lock_opportunity,
    _lock_order,
    _offer_recorded,
    _opportunity_reopen_if_no_sale,
    _order_restore,
    _order_transition,
    _refused,
    opportunity_win,
    order_event_record,
)
from opportunities.sales.services.offers import _offer_copy
from opportunities.sales.services.orders import order_payment_errors
from opportunities.sales.signals import order_status_changed
from vehicles.models import Parc, StandardStatus, Vehicle
from vehicles.services import vehicle_status_follow_sale


def order_reservation_refusal(order: Order) -> str | None:
    """Why the order may not go on: another opportunity holds its vehicle (V-11, issue 13).

    Every order step checks it (sending, validating, the transfer's approval, "Modifier"),
    as offers do; no query unless the vehicle is reserved.
    """
    return reservations.reservation_refusal(vehicle=order.vehicle, opportunity=order.opportunity)


def _check_not_reserved(order: Order) -> None:
    refusal = order_reservation_refusal(order)
    if refusal:
        raise _refused(
            refusal
            + " "
            + _("La commande n° %(pk)s reste « %(status)s ».")
            % {"pk": order.pk, "status": order.get_status_display()}
        )


def order_submit_blockers(order: Order) -> list[str]:
    """Why "Valider la commande" is disabled (O-2, O-6, V-11): shown on the page, checked
    again."""
    blockers = [
        _("Société : %s.") % item
        for item in legal_representative_missing(order.opportunity.customer)
    ]
    refusal = order_reservation_refusal(order)
    if refusal:
        blockers.append(refusal)
    if not order.balance_method:
        blockers.append(_("Choisissez le mode de règlement du solde (onglet Règlement)."))
    blockers.extend(order_payment_errors(order).values())
    return blockers


@transaction.atomic
def order_submit(*, order: Order, by, signature_mode: str = Order.SignatureMode.PAPER) -> Order:
    """ "Valider la commande" (paper) or "Envoyer en e-signature": the order leaves its draft.

    With the validation right the order is validated at once; without it, it waits for a
    manager. An e-signed order waits for the customer's signature first (S-*).
    """
    order = _lock_order(order)
    _check_can(order, "submit")
    if order.status != Order.Status.DRAFT:
        raise _refused(_("Cette commande a déjà été envoyée."))
    if order.opportunity.status == Opportunity.Status.ABANDONED:
        raise _refused(_("Cette opportunité est abandonnée."))
    if signature_mode not in Order.SignatureMode.values:
        raise ValidationError({"signature_mode": _("Mode de signature inconnu.")})
    blockers = order_submit_blockers(order)
    if blockers:
        raise ValidationError(blockers, code="blocked")
    order.signature_mode = signature_mode
    order.submitted_at = timezone.now()
    order.save(update_fields=["signature_mode", "submitted_at"])
    if signature_mode == Order.SignatureMode.ELECTRONIC:
        _order_transition(
            order, "send_for_signature", by=by, message=_("Envoyée en signature électronique")
        )
        return order
    return _order_after_signature(order=order, by=by)


TRANSFER_SOURCE = "commande:%s"


def _order_after_signature(*, order: Order, by) -> Order:
    """Signed (on paper or online): an order on a vehicle owned by another point of sale
    first waits for the automatic ownership transfer (V-14); then it proceeds."""
    vehicle = Vehicle.objects.select_related("point_of_sale").get(pk=order.vehicle_id)
    if vehicle.point_of_sale_id != order.point_of_sale_id:
        return _order_wait_for_transfer(order=order, vehicle=vehicle, by=by)
    return _order_proceed(order=order, by=by)


def _signature_sender(order: Order):
    """Who sent the order for e-signature (its author for what follows), else its
    salesperson."""
    sent = (
        order.events.filter(kind="send_for_signature")
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    return (sent.by if sent is not None else None) or order.opportunity.salesperson


@transaction.atomic
def order_signature_signed(*, order: Order) -> Order:
    """The customer signed the order form online (S-4): the order proceeds as its author's
    paper-signed order would (transfer, validation at once with the right or a manager's,
    e-payment link through ``order_status_changed``). Called by the e-signature module in
    the signing transaction: if the order cannot go on by itself (another opportunity's
    reservation, a transfer elsewhere, the stock refusing the move), the signature still
    holds and the order waits for a manager's validation with the reason."""
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_SIGNATURE:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    author = _signature_sender(order)
    order_event_record(
        order=order, kind="signed", message=_("Bon de commande signé électroniquement")
    )
    try:
        with transaction.atomic():
            return _order_after_signature(order=order, by=author)
    except ValidationError as exc:
        order.refresh_from_db(fields=["status"])
        why = " ".join(exc.messages)
        _order_transition(
            order,
            "submit",
            by=author,
            message=_("Signée : envoyée pour validation (%s)") % why[:400],
            reason=why[:REASON_MAX_LENGTH],
        )
        _notify_salesperson(order, None, _("Commande n° %s signée, à valider"), why)
        return order


@transaction.atomic
def order_signature_failed(*, order: Order, expired: bool, reason: str = "") -> Order:
    """The customer refused to sign (with an optional reason) or the link expired (S-4):
    the order goes back to its salesperson as a draft (sent again, or signed on paper),
    the reason in the timeline and in the notification."""
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_SIGNATURE:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    if expired:
        message = _("E-signature expirée : la commande revient en brouillon")
        title = _("Commande n° %s : délai de e-signature dépassé")
    else:
        message = _("E-signature refusée par le client : la commande revient en brouillon")
        title = _("Commande n° %s : e-signature refusée par le client")
    reason = (reason or "")[:REASON_MAX_LENGTH]
    _order_transition(order, "signature_failed", by=None, message=message, reason=reason)
    _notify_salesperson(order, None, title, reason)
    return order


def _order_wait_for_transfer(*, order: Order, vehicle: Vehicle, by) -> Order:
    from vehicles.models import OwnershipTransfer
    from vehicles.services import transfer_request

    pending = OwnershipTransfer.objects.filter(
        vehicle=vehicle, status=OwnershipTransfer.Status.TO_VALIDATE
    ).first()
    if pending is not None and pending.to_point_of_sale_id != order.point_of_sale_id:
        raise _refused(
            _(
                "Un transfert de ce véhicule vers un autre point de vente attend déjà une "
                "validation : la commande ne peut pas être envoyée."
            )
        )
    transfer = pending or transfer_request(
        vehicle=vehicle,
        to_point_of_sale=order.point_of_sale,
        by=by,
        reason=_("Commande n° %s") % order.pk,
        automatic=True,
        source=TRANSFER_SOURCE % order.pk,
    )
    previous = order.status
    order.wait_for_transfer()
    order.save(update_fields=["status"])
    order_event_record(
        order=order,
        kind="wait_for_transfer",
        by=by,
        from_status=previous,
        message=_("En attente du transfert de propriété : %(src)s → %(dst)s")
        % {"src": vehicle.point_of_sale.name, "dst": order.point_of_sale.name},
        data={"transfer": transfer.pk},
    )
    order_status_changed.send(
        sender=Order, order=order, from_status=previous, to_status=order.status, by=by
    )
    return order


def order_transfer_decided(*, transfer, by) -> None:
    """The transfer manager decided (V-14): approved, the order proceeds as if it had just
    been sent by its author; rejected, the order is refused with the reason."""
    orders = Order.objects.select_for_update(of=("self",)).filter(
        vehicle_id=transfer.vehicle_id, status=Order.Status.PENDING_TRANSFER
    )
    for order in orders.select_related("opportunity__customer", "point_of_sale"):
        waiting = order.events.filter(kind="wait_for_transfer").order_by("-at", "-pk").first()
        if waiting is None or waiting.data.get("transfer") != transfer.pk:
            continue
        if transfer.status == transfer.Status.APPROVED:
            order_event_record(
                order=order,
                kind="transfer_approved",
                by=by,
                message=_("Transfert de propriété validé"),
            )
            _order_proceed(order=order, by=waiting.by or by)
        else:
            reason = _("Transfert de propriété rejeté : %s") % transfer.reason
            order.decision_reason = reason[:REASON_MAX_LENGTH]
            _order_transition(
                order,
                "refuse",
                by=by,
                message=_("Commande refusée"),
                reason=order.decision_reason,
                fields=["decision_reason"],
            )
            _replaced_order_settle(order=order, by=by, replaced=False)
            _notify_salesperson(order, by, _("Commande n° %s refusée"), order.decision_reason)


def _order_proceed(*, order: Order, by) -> Order:
    """Validate at once for a holder of the right at the order's point of sale, or wait
    for a manager's validation. Also the step after an approved transfer: a reservation
    of another opportunity refuses it (the approval rolls back with the reason)."""
    _check_not_reserved(order)
    if rights.order_may_decide(order, by):
        return _order_validate(order=order, by=by, message=_("Commande validée"))
    _order_transition(order, "submit", by=by, message=_("Envoyée pour validation"))
    validators = users_with_right("validate_orders", points_of_sale=[order.point_of_sale_id])
    url = reverse("opportunities:order_detail", args=[order.pk])
    title = _("Commande n° %(pk)s à valider (%(customer)s)") % {
        "pk": order.pk,
        "customer": order.opportunity.customer.display_name,
    }
    notifications_create_bulk(recipients=validators, kind="order_to_validate", title=title, url=url)
    return order


def _replaced_order_settle(*, order: Order, by, replaced: bool) -> None:
    """The order that ``order`` replaces leaves "en cours de modification": replaced once
    the new order is validated; back to its previous status if the new one is refused or
    cancelled before validation (the sale it carried still holds)."""
    if not order.replaces_id:
        return
    old = Order.objects.select_for_update().get(pk=order.replaces_id)
    if old.status != Order.Status.MODIFYING:
        return
    if replaced:
        _order_transition(
            old, "mark_replaced", by=by, message=_("Remplacée par la commande n° %s") % order.pk
        )
        return
    _order_restore(
        order=old,
        by=by,
        message=_("La commande n° %s qui devait la remplacer n'a pas abouti") % order.pk,
    )
    if old.status in Order.VALIDATED:
        opportunity_win(opportunity=old.opportunity, by=by, message=_("Opportunité gagnée"))


def _order_validate(*, order: Order, by, message: str) -> Order:
    order.validated_at, order.validated_by = timezone.now(), by
    _order_transition(
        order, "validate", by=by, message=message, fields=["validated_at", "validated_by"]
    )
    _replaced_order_settle(order=order, by=by, replaced=True)
    opportunity_win(
        opportunity=order.opportunity,
        by=by,
        message=_("Opportunité gagnée : commande n° %s validée") % order.pk,
    )
    _vehicle_follow(order, StandardStatus.DELIVERY, by, _("commande n° %s validée") % order.pk)
    _notify_salesperson(order, by, _("Commande n° %s validée"))
    return order


def _notify_salesperson(order: Order, by, title: str, reason: str = "") -> None:
    salesperson = order.opportunity.salesperson
    if by is not None and salesperson.pk == by.pk:
        return
    notification_create(
        recipient=salesperson,
        kind="order_decided",
        title=title % order.pk,
        body=reason,
        url=reverse("opportunities:order_detail", args=[order.pk]),
    )
    if salesperson.email:
        email_send(
            to=salesperson.email,
            recipient=salesperson,
            subject=title % order.pk,
            template="opportunities/order_decided",
            context={"order": order, "title": title % order.pk, "reason": reason, "by": by},
            kind="order_decided",
        )


def _vehicle_follow(order: Order, status: str, by, reason: str) -> None:
    """Move the vehicle where the order puts it (livraison, sortie, back to stock), in the
    order's transaction: the stock's service writes to the same database, so the order and
    its vehicle never drift apart (issue 11). If the stock refuses the move, the order's
    decision rolls back with it and the user reads why."""
    label = StandardStatus(status).label if status in StandardStatus.values else status
    try:
        moved = vehicle_status_follow_sale(vehicle=order.vehicle, to=status, by=by, reason=reason)
    except ValidationError as exc:
        raise ValidationError(
            _(
                "Le véhicule %(vehicle)s ne peut pas passer au statut « %(status)s » : "
                "%(why)s La commande n° %(pk)s reste inchangée."
            )
            % {
                "vehicle": order.vehicle,
                "status": label,
                "why": " ".join(exc.messages),
                "pk": order.pk,
            },
            code="vehicle",
        ) from exc
    if moved is not None:
        order_event_record(
            order=order,
            kind="vehicle",
            by=by,
            message=_("Véhicule passé au statut « %s »") % label,
        )


def _check_decider(order: Order, by) -> None:
    if not rules.can_validate_orders(by):
        raise PermissionDenied(_("Le droit de valider les commandes est requis."))
    if not rights.order_may_decide(order, by):
        raise PermissionDenied(_("Cette commande n'est pas de votre point de vente."))


@transaction.atomic
def order_validate(*, order: Order, by) -> Order:
    """A manager accepts an order waiting for validation (row lock: one validation wins)."""
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status in Order.VALIDATED:
        raise _refused(_("Cette commande a déjà été validée."))
    if order.status != Order.Status.PENDING_VALIDATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    blockers = [
        _("Société : %s.") % item
        for item in legal_representative_missing(order.opportunity.customer)
    ]
    if blockers:
        raise ValidationError(blockers, code="blocked")
    _check_not_reserved(order)
    return _order_validate(
        order=order, by=by, message=_("Commande validée par %s") % by.get_full_name()
    )


@transaction.atomic
def order_refuse(*, order: Order, by, reason: str) -> Order:
    reason = reason_clean(reason, required=True)
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_VALIDATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    order.decision_reason = reason
    _order_transition(
        order,
        "refuse",
        by=by,
        message=_("Commande refusée"),
        reason=reason,
        fields=["decision_reason"],
    )
    _replaced_order_settle(order=order, by=by, replaced=False)
    _notify_salesperson(order, by, _("Commande n° %s refusée"), reason)
    return order


@transaction.atomic
def order_cancel(*, order: Order, by, reason: str) -> Order:
    """Cancel: at once with the validation right (or a draft), otherwise a request that a
    superior confirms (O-5, "en attente d'annulation")."""
    reason = reason_clean(reason, required=True)
    order = _lock_order(order)
    if order.status == Order.Status.PENDING_CANCELLATION:
        raise _refused(_("L'annulation de cette commande est déjà demandée."))
    _check_can(order, "cancel")
    direct = rights.order_may_cancel(order, by)
    if not direct:
        _check_can(order, "request_cancellation")  # not from "en cours de modification"
        order.status_before = order.status
        order.decision_reason = reason
        _order_transition(
            order,
            "request_cancellation",
            by=by,
            message=_("Annulation demandée"),
            reason=reason,
            fields=["status_before", "decision_reason"],
        )
        validators = users_with_right("validate_orders", points_of_sale=[order.point_of_sale_id])
        url = reverse("opportunities:order_detail", args=[order.pk])
        notifications_create_bulk(
            recipients=validators,
            kind="order_cancellation_requested",
            title=_("Annulation de la commande n° %s à confirmer") % order.pk,
            url=url,
        )
        return order
    return _order_cancel(order=order, by=by, reason=reason, message=_("Commande annulée"))


def _order_cancel(*, order: Order, by, reason: str, message: str) -> Order:
    was_validated = order.status in Order.VALIDATED or order.status_before in Order.VALIDATED
    order.decision_reason = reason
    _order_transition(
        order, "cancel", by=by, message=message, reason=reason, fields=["decision_reason"]
    )
    if was_validated:
        _vehicle_follow(
            order, StandardStatus.SALES_STOCK, by, _("commande n° %s annulée") % order.pk
        )
        _opportunity_reopen_if_no_sale(opportunity=order.opportunity, by=by)
    else:
        _replaced_order_settle(order=order, by=by, replaced=False)
    _notify_salesperson(order, by, _("Commande n° %s annulée"), reason)
    return order


@transaction.atomic
def order_cancellation_confirm(*, order: Order, by) -> Order:
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_CANCELLATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    return _order_cancel(
        order=order, by=by, reason=order.decision_reason, message=_("Annulation confirmée")
    )


@transaction.atomic
def order_cancellation_reject(*, order: Order, by, reason: str) -> Order:
    reason = reason_clean(reason, required=True)
    _check_decider(order, by)
    order = _lock_order(order)
    if order.status != Order.Status.PENDING_CANCELLATION:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    _order_restore(order=order, by=by, message=_("Annulation refusée"), reason=reason)
    _notify_salesperson(order, by, _("Annulation de la commande n° %s refusée"), reason)
    return order


@transaction.atomic
def order_prepare(*, order: Order, by) -> Order:
    """The vehicle is ready: the order moves to "à livrer"."""
    if not rights.order_may_prepare(order, by):
        raise PermissionDenied(_("Réservé aux responsables des ventes et au secrétariat."))
    order = _lock_order(order)
    _check_can(order, "prepare")
    _order_transition(order, "prepare", by=by, message=_("Véhicule prêt : commande à livrer"))
    return order


@transaction.atomic
def order_deliver(*, order: Order, by, delivered_at=None) -> Order:
    """Declared delivered: the vehicle leaves the stock (lifeline status sortie)."""
    if not rights.order_may_deliver(order, by):
        raise PermissionDenied(_("Vous ne pouvez pas déclarer cette commande livrée."))
    order = _lock_order(order)
    _check_can(order, "deliver")
    order.delivered_at = delivered_at or timezone.now()
    if order.delivered_at > timezone.now():
        raise ValidationError({"delivered_at": _("La livraison ne peut pas être dans le futur.")})
    _order_transition(
        order, "deliver", by=by, message=_("Commande livrée"), fields=["delivered_at"]
    )
    _vehicle_follow(order, StandardStatus.EXIT, by, _("commande n° %s livrée") % order.pk)
    return order


@transaction.atomic
def order_factory_ordered(*, order: Order, by) -> Order:
    """A VN order has been placed with the manufacturer ("à commander usine", O-10)."""
    if not rights.order_may_order_from_factory(order, by):
        raise PermissionDenied(
            _("Réservé à l'équipe de livraison du point de vente, avec le droit VN.")
        )
    order = _lock_order(order)
    if order.vehicle.parc != Parc.VN or order.status not in (
        Order.Status.ORDERED,
        Order.Status.TO_DELIVER,
    ):
        raise _refused(_("Seule une commande VN validée se commande à l'usine."))
    if order.factory_ordered_at:
        raise _refused(_("Cette commande a déjà été passée à l'usine."))
    order.factory_ordered_at = timezone.now()
    order.save(update_fields=["factory_ordered_at"])
    order_event_record(order=order, kind="factory", by=by, message=_("Commandé à l'usine"))
    return order


@transaction.atomic
def order_modify(*, order: Order, by) -> Offer:
    """ "Modifier": the order waits "en cours de modification" while a new version of its
    offer is prepared; the order passed from that offer replaces it (O-5)."""
    order = _lock_order(order)
    _check_not_reserved(order)  # the new version would be an open offer on the vehicle
    _check_can(order, "start_modification")
    _check_open_or_won(order.opportunity)
    order.status_before = order.status
    _order_transition(
        order,
        "start_modification",
        by=by,
        message=_("Modification en cours"),
        fields=["status_before"],
    )
    offer = Offer.objects.select_related("opportunity", "vehicle").get(pk=order.offer_id)
    copy = _offer_copy(offer, by, replaces_order=order)
    _offer_recorded(copy, by, _("Offre n° %%(pk)s : modification de la commande n° %s") % order.pk)
    return copy


def _check_open_or_won(opportunity: Opportunity) -> None:
    if opportunity.status == Opportunity.Status.ABANDONED:
        raise _refused(_("Cette opportunité est abandonnée."))
    if opportunity.status == Opportunity.Status.WON:
        # A modification reopens the sale until the replacing order is validated.
        opp = _lock_opportunity(opportunity)
        opp.reopen()
        opp.closed_at = None
        opp.save(update_fields=["status", "closed_at"])
        # The status is FSM-protected: reload it rather than assign it.
        opportunity.refresh_from_db(fields=["status", "closed_at"])


@transaction.atomic
def order_modification_withdraw(*, order: Order, by) -> Order:
    order = _lock_order(order)
    if order.status != Order.Status.MODIFYING:
        raise _refused(_("Impossible : la commande est « %s ».") % order.get_status_display())
    for offer in Offer.objects.select_for_update().filter(
        replaces_order=order, status=Offer.Status.OPEN
    ):
        offer.cancel()
        offer.cancelled_at = timezone.now()
        offer.save(update_fields=["status", "cancelled_at"])
    _order_restore(order=order, by=by, message=_("Modification abandonnée"))
    if order.status in Order.VALIDATED:
        opportunity_win(opportunity=order.opportunity, by=by, message=_("Opportunité gagnée"))
    return order
