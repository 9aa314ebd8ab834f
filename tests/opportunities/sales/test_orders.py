"""Order transitions (O-5, O-6, O-10): each allowed and refused, with its history row,
the vehicle following the sale and the opportunity won or reopened."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from openflex.notifications.models import Notification, OutboundEmail
from opportunities.sales import actions as sales_actions
from opportunities.sales import services as sales_services
from opportunities.sales.models import Opportunity, OpportunityEvent, Order, OrderEvent
from tests.accounts.factories import UserFactory
from tests.opportunities.factories import CustomerFactory
from tests.opportunities.sales.journey import draft_order_on, reach
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Parc, Vehicle

pytestmark = pytest.mark.django_db

S = Order.Status


def vehicle_status(order: Order) -> str:
    return Vehicle.objects.get(pk=order.vehicle_id).status


def opportunity_status(order: Order) -> str:
    return Opportunity.objects.get(pk=order.opportunity_id).status


def last_event(order: Order) -> OrderEvent:
    return OrderEvent.objects.filter(order=order).order_by("-pk").first()


def status_of(order: Order) -> str:
    return Order.objects.get(pk=order.pk).status


# --- Submission ("Valider la commande", O-5) -------------------------------------------


def test_a_salesperson_without_the_right_sends_the_order_for_validation(
    ready_order, seller, manager, django_capture_on_commit_callbacks
):
    """O-5 "en attente de validation": the managers of the point of sale are told."""
    with django_capture_on_commit_callbacks(execute=True):
        order = sales_services.order_submit(order=ready_order, by=seller)

    assert status_of(order) == S.PENDING_VALIDATION
    event = last_event(order)
    assert (event.kind, event.from_status, event.to_status, event.by) == (
        "submit",
        S.DRAFT,
        S.PENDING_VALIDATION,
        seller,
    )
    assert Notification.objects.filter(recipient=manager, kind="order_to_validate").count() == 1
    assert vehicle_status(order) == "stock_vente"
    assert opportunity_status(order) == Opportunity.Status.OPEN


def test_a_manager_submitting_his_order_validates_it_at_once(
    customer, car, manager, django_capture_on_commit_callbacks
):
    """O-5: with the validation right of the point of sale, the order is "commandée"."""
    order = draft_order_on(vehicle=car, customer=customer, seller=manager)

    with django_capture_on_commit_callbacks(execute=True):
        order = sales_services.order_submit(order=order, by=manager)

    assert status_of(order) == S.ORDERED
    assert order.validated_by == manager
    assert vehicle_status(order) == "livraison"
    assert opportunity_status(order) == Opportunity.Status.WON


def test_a_manager_of_another_point_of_sale_submitting_does_not_validate(
    ready_order, other_manager
):
    """The right counts on the order's point of sale only (ORG-2)."""
    order = sales_services.order_submit(order=ready_order, by=other_manager)

    assert status_of(order) == S.PENDING_VALIDATION


def test_an_e_signed_order_waits_for_the_signature(ready_order, manager):
    """O-5 "en attente de e-signature", even for a manager."""
    order = sales_services.order_submit(
        order=ready_order, by=manager, signature_mode="electronique"
    )

    assert status_of(order) == S.PENDING_SIGNATURE
    assert Order.objects.get(pk=order.pk).signature_mode == "electronique"
    assert last_event(order).to_status == S.PENDING_SIGNATURE


def test_an_order_without_balance_method_cannot_be_submitted(draft_order, seller):
    """O-6: the payment tab must say how the balance is paid."""
    with pytest.raises(ValidationError) as exc:
        sales_services.order_submit(order=draft_order, by=seller)

    assert "mode de règlement du solde" in " ".join(exc.value.messages)
    assert status_of(draft_order) == S.DRAFT
    assert not OrderEvent.objects.filter(order=draft_order, kind="submit").exists()


def test_an_order_is_submitted_once(pending_order, seller):
    with pytest.raises(ValidationError):
        sales_services.order_submit(order=pending_order, by=seller)

    assert status_of(pending_order) == S.PENDING_VALIDATION


def test_an_unknown_signature_mode_is_refused(ready_order, seller):
    with pytest.raises(ValidationError):
        sales_services.order_submit(order=ready_order, by=seller, signature_mode="fax")

    assert status_of(ready_order) == S.DRAFT


def test_a_draft_order_of_an_abandoned_opportunity_cannot_be_submitted(
    ready_order, manager, seller, django_capture_on_commit_callbacks
):
    """O-1: an abandoned opportunity sells nothing; its vehicle must not leave for delivery."""
    sales_services.opportunity_abandon(
        opportunity=ready_order.opportunity, by=seller, reason="Parti"
    )

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        sales_services.order_submit(order=ready_order, by=manager)

    assert status_of(ready_order) != S.ORDERED
    assert vehicle_status(ready_order) == "stock_vente"


# --- Validation and refusal -------------------------------------------------------------


def test_a_manager_validates_a_pending_order(
    pending_order, manager, seller, django_capture_on_commit_callbacks
):
    """O-5: "commandée", the vehicle goes to livraison, the opportunity is won (O-1)."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = sales_services.order_validate(order=pending_order, by=manager)

    order.refresh_from_db()
    assert order.status == S.ORDERED
    assert order.validated_by == manager
    assert order.validated_at is not None
    event = OrderEvent.objects.get(order=order, kind="validate")
    assert (event.from_status, event.to_status, event.by) == (
        S.PENDING_VALIDATION,
        S.ORDERED,
        manager,
    )
    assert vehicle_status(order) == "livraison"
    assert OrderEvent.objects.filter(order=order, kind="vehicle").count() == 1
    assert opportunity_status(order) == Opportunity.Status.WON
    assert OpportunityEvent.objects.filter(
        opportunity=order.opportunity, kind=OpportunityEvent.Kind.STATUS
    ).exists()
    assert Notification.objects.filter(recipient=seller, kind="order_decided").count() == 1
    assert OutboundEmail.objects.filter(to=seller.email, kind="order_decided").count() == 1
    assert [m.to for m in mail.outbox] == [[seller.email]]


def test_the_vehicle_moves_within_the_validation_transaction(pending_order, manager):
    """Issue 11: the stock's service runs in the order's transaction, not after it."""
    sales_services.order_validate(order=pending_order, by=manager)

    assert vehicle_status(pending_order) == "livraison"


@pytest.mark.parametrize("who", ["seller", "secretary", "other_manager"])
def test_only_a_manager_of_the_point_of_sale_validates(pending_order, who, request):
    user = request.getfixturevalue(who)
    events = OrderEvent.objects.filter(order=pending_order).count()

    with pytest.raises(PermissionDenied):
        sales_services.order_validate(order=pending_order, by=user)

    assert status_of(pending_order) == S.PENDING_VALIDATION
    assert OrderEvent.objects.filter(order=pending_order).count() == events


def test_validating_twice_is_refused_clearly_and_changes_nothing(
    ordered, manager, django_capture_on_commit_callbacks
):
    before = Order.objects.get(pk=ordered.pk)
    events = OrderEvent.objects.filter(order=ordered).count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        sales_services.order_validate(order=ordered, by=manager)

    assert exc.value.code == "transition"
    assert "déjà été validée" in exc.value.messages[0]
    after = Order.objects.get(pk=ordered.pk)
    assert (after.status, after.validated_at) == (S.ORDERED, before.validated_at)
    assert OrderEvent.objects.filter(order=ordered).count() == events


def test_a_draft_cannot_be_validated_by_the_manager(draft_order, manager):
    with pytest.raises(ValidationError):
        sales_services.order_validate(order=draft_order, by=manager)

    assert status_of(draft_order) == S.DRAFT


def test_a_manager_refuses_a_pending_order_with_a_reason(pending_order, manager, seller):
    """O-5 "refusée (the manager refused it, with a reason)"; the salesperson is told."""
    order = sales_services.order_refuse(order=pending_order, by=manager, reason="Remise trop forte")

    order.refresh_from_db()
    assert order.status == S.REFUSED
    assert order.decision_reason == "Remise trop forte"
    event = last_event(order)
    assert (event.kind, event.from_status, event.to_status, event.reason, event.by) == (
        "refuse",
        S.PENDING_VALIDATION,
        S.REFUSED,
        "Remise trop forte",
        manager,
    )
    assert Notification.objects.filter(recipient=seller, kind="order_decided").exists()
    assert vehicle_status(order) == "stock_vente"


def test_a_refusal_needs_a_reason(pending_order, manager):
    with pytest.raises(ValidationError):
        sales_services.order_refuse(order=pending_order, by=manager, reason="  ")

    assert status_of(pending_order) == S.PENDING_VALIDATION


@pytest.mark.parametrize("who", ["seller", "other_manager"])
def test_only_a_manager_of_the_point_of_sale_refuses(pending_order, who, request):
    with pytest.raises(PermissionDenied):
        sales_services.order_refuse(
            order=pending_order, by=request.getfixturevalue(who), reason="Non"
        )

    assert status_of(pending_order) == S.PENDING_VALIDATION


def test_a_validated_order_cannot_be_refused(ordered, manager):
    with pytest.raises(ValidationError):
        sales_services.order_refuse(order=ordered, by=manager, reason="Trop tard")

    assert status_of(ordered) == S.ORDERED


def test_after_a_refusal_the_offer_may_be_cancelled_and_the_vehicle_ordered_again(
    pending_order, manager, seller, car, pos
):
    sales_services.order_refuse(order=pending_order, by=manager, reason="Non")
    sales_services.offer_cancel(offer=pending_order.offer, by=seller)

    other = draft_order_on(vehicle=car, customer=CustomerFactory(point_of_sale=pos), seller=seller)

    assert other.status == S.DRAFT


# --- Cancellation (direct with the right, requested without) ---------------------------


def test_a_draft_is_cancelled_at_once_by_its_salesperson(draft_order, seller):
    order = sales_services.order_cancel(order=draft_order, by=seller, reason="Erreur de saisie")

    assert status_of(order) == S.CANCELLED
    event = last_event(order)
    assert (event.kind, event.from_status, event.to_status, event.by) == (
        "cancel",
        S.DRAFT,
        S.CANCELLED,
        seller,
    )


def test_a_manager_cancels_a_validated_order_at_once(
    ordered, manager, django_capture_on_commit_callbacks
):
    """O-5: the vehicle goes back to the sales stock, the opportunity is open again (O-1)."""
    assert opportunity_status(ordered) == Opportunity.Status.WON

    with django_capture_on_commit_callbacks(execute=True):
        order = sales_services.order_cancel(order=ordered, by=manager, reason="Financement refusé")

    assert status_of(order) == S.CANCELLED
    event = OrderEvent.objects.get(order=order, kind="cancel")
    assert (event.from_status, event.to_status, event.by, event.reason) == (
        S.ORDERED,
        S.CANCELLED,
        manager,
        "Financement refusé",
    )
    assert vehicle_status(order) == "stock_vente"
    assert opportunity_status(order) == Opportunity.Status.OPEN


def test_cancelling_a_pending_order_leaves_the_vehicle_in_stock(
    pending_order, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.order_cancel(order=pending_order, by=manager, reason="Client parti")

    assert status_of(pending_order) == S.CANCELLED
    assert vehicle_status(pending_order) == "stock_vente"
    assert opportunity_status(pending_order) == Opportunity.Status.OPEN


def test_a_salesperson_only_requests_the_cancellation_of_a_validated_order(
    ordered, seller, manager, django_capture_on_commit_callbacks
):
    """O-5 "en attente d'annulation (a user cancelled it, a superior must confirm)"."""
    with django_capture_on_commit_callbacks(execute=True):
        order = sales_services.order_cancel(order=ordered, by=seller, reason="Le client renonce")

    order.refresh_from_db()
    assert order.status == S.PENDING_CANCELLATION
    assert order.status_before == S.ORDERED
    event = last_event(order)
    assert (event.kind, event.from_status, event.to_status, event.by) == (
        "request_cancellation",
        S.ORDERED,
        S.PENDING_CANCELLATION,
        seller,
    )
    assert Notification.objects.filter(
        recipient=manager, kind="order_cancellation_requested"
    ).exists()
    assert vehicle_status(order) == "livraison"
    assert opportunity_status(order) == Opportunity.Status.WON


def test_a_manager_of_another_point_of_sale_only_requests_the_cancellation(ordered, other_manager):
    order = sales_services.order_cancel(order=ordered, by=other_manager, reason="Doublon")

    assert status_of(order) == S.PENDING_CANCELLATION


def test_a_cancellation_is_requested_once(ordered, seller):
    sales_services.order_cancel(order=ordered, by=seller, reason="Le client renonce")

    with pytest.raises(ValidationError):
        sales_services.order_cancel(order=ordered, by=seller, reason="Encore")

    assert status_of(ordered) == S.PENDING_CANCELLATION


def test_a_cancellation_needs_a_reason(ordered, manager):
    with pytest.raises(ValidationError):
        sales_services.order_cancel(order=ordered, by=manager, reason="")

    assert status_of(ordered) == S.ORDERED


def test_the_manager_confirms_a_cancellation_request(
    ordered, seller, manager, django_capture_on_commit_callbacks
):
    sales_services.order_cancel(order=ordered, by=seller, reason="Le client renonce")

    with django_capture_on_commit_callbacks(execute=True):
        order = sales_services.order_cancellation_confirm(order=ordered, by=manager)

    assert status_of(order) == S.CANCELLED
    event = OrderEvent.objects.get(order=order, kind="cancel")
    assert (event.from_status, event.to_status, event.by, event.reason) == (
        S.PENDING_CANCELLATION,
        S.CANCELLED,
        manager,
        "Le client renonce",
    )
    assert vehicle_status(order) == "stock_vente"
    assert opportunity_status(order) == Opportunity.Status.OPEN


def test_the_manager_rejects_a_cancellation_request(ordered, seller, manager):
    """The order goes back to the status it had."""
    sales_services.order_cancel(order=ordered, by=seller, reason="Le client renonce")

    order = sales_services.order_cancellation_reject(
        order=ordered, by=manager, reason="Acompte versé"
    )

    order.refresh_from_db()
    assert (order.status, order.status_before) == (S.ORDERED, "")
    event = last_event(order)
    assert (event.kind, event.from_status, event.to_status, event.reason) == (
        "restore",
        S.PENDING_CANCELLATION,
        S.ORDERED,
        "Acompte versé",
    )
    assert vehicle_status(order) == "livraison"


def test_a_rejected_request_on_a_pending_order_goes_back_to_validation(
    pending_order, seller, manager
):
    sales_services.order_cancel(order=pending_order, by=seller, reason="Le client hésite")

    sales_services.order_cancellation_reject(order=pending_order, by=manager, reason="Non")

    assert status_of(pending_order) == S.PENDING_VALIDATION


@pytest.mark.parametrize("who", ["seller", "other_manager"])
def test_only_a_manager_of_the_point_of_sale_confirms_or_rejects(ordered, seller, who, request):
    sales_services.order_cancel(order=ordered, by=seller, reason="Le client renonce")
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        sales_services.order_cancellation_confirm(order=ordered, by=user)
    with pytest.raises(PermissionDenied):
        sales_services.order_cancellation_reject(order=ordered, by=user, reason="Non")

    assert status_of(ordered) == S.PENDING_CANCELLATION


def test_no_confirmation_without_a_request(ordered, manager):
    with pytest.raises(ValidationError):
        sales_services.order_cancellation_confirm(order=ordered, by=manager)
    with pytest.raises(ValidationError):
        sales_services.order_cancellation_reject(order=ordered, by=manager, reason="Non")

    assert status_of(ordered) == S.ORDERED


# --- Delivery --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "secretary"])
def test_the_manager_or_the_secretary_prepares_the_delivery(ordered, who, request):
    user = request.getfixturevalue(who)

    order = sales_services.order_prepare(order=ordered, by=user)

    assert status_of(order) == S.TO_DELIVER
    event = last_event(order)
    assert (event.kind, event.from_status, event.to_status, event.by) == (
        "prepare",
        S.ORDERED,
        S.TO_DELIVER,
        user,
    )


@pytest.mark.parametrize("who", ["seller", "other_manager"])
def test_others_cannot_prepare_the_delivery(ordered, who, request):
    with pytest.raises(PermissionDenied):
        sales_services.order_prepare(order=ordered, by=request.getfixturevalue(who))

    assert status_of(ordered) == S.ORDERED


def test_a_pending_order_cannot_be_prepared(pending_order, manager):
    with pytest.raises(ValidationError):
        sales_services.order_prepare(order=pending_order, by=manager)

    assert status_of(pending_order) == S.PENDING_VALIDATION


def test_the_salesperson_declares_the_delivery_and_the_vehicle_leaves(
    to_deliver, seller, django_capture_on_commit_callbacks
):
    """O-5 "livrée": the vehicle goes to the lifeline status sortie."""
    with django_capture_on_commit_callbacks(execute=True):
        order = sales_services.order_deliver(order=to_deliver, by=seller)

    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert order.delivered_at is not None
    event = OrderEvent.objects.get(order=order, kind="deliver")
    assert (event.from_status, event.to_status, event.by) == (S.TO_DELIVER, S.DELIVERED, seller)
    assert vehicle_status(order) == "sortie"
    assert opportunity_status(order) == Opportunity.Status.WON


def test_another_salesperson_cannot_declare_the_delivery(to_deliver, pos):
    colleague = UserFactory(group_type="vendeur", points_of_sale=[pos])

    with pytest.raises(PermissionDenied):
        sales_services.order_deliver(order=to_deliver, by=colleague)

    assert status_of(to_deliver) == S.TO_DELIVER


def test_a_delivery_cannot_be_in_the_future(to_deliver, manager):
    with pytest.raises(ValidationError):
        sales_services.order_deliver(
            order=to_deliver, by=manager, delivered_at=timezone.now() + timedelta(days=1)
        )

    order = Order.objects.get(pk=to_deliver.pk)
    assert (order.status, order.delivered_at) == (S.TO_DELIVER, None)


def test_an_order_not_prepared_cannot_be_delivered(ordered, manager):
    with pytest.raises(ValidationError):
        sales_services.order_deliver(order=ordered, by=manager)

    assert status_of(ordered) == S.ORDERED


def test_a_delivered_order_can_no_longer_be_cancelled(to_deliver, manager, seller):
    sales_services.order_deliver(order=to_deliver, by=seller)

    with pytest.raises(ValidationError):
        sales_services.order_cancel(order=to_deliver, by=manager, reason="Trop tard")

    assert status_of(to_deliver) == S.DELIVERED


def test_cancelling_an_order_to_deliver_puts_the_vehicle_back(
    to_deliver, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.order_cancel(order=to_deliver, by=manager, reason="Client défaillant")

    assert status_of(to_deliver) == S.CANCELLED
    assert vehicle_status(to_deliver) == "stock_vente"
    assert opportunity_status(to_deliver) == Opportunity.Status.OPEN


# --- VN: ordered from the factory (O-10) ----------------------------------------------


@pytest.fixture
def vn_order(site, customer, seller, manager):
    car = VehicleFactory(physical_site=site, parc=Parc.VN, status="stock_vente")
    order = draft_order_on(vehicle=car, customer=customer, seller=seller)
    sales_services.order_submit(order=order, by=manager)
    return Order.objects.get(pk=order.pk)


@pytest.fixture
def vn_secretary(pos):
    return UserFactory(group_type="secretaire", points_of_sale=[pos], rights=["access_vn"])


def test_a_validated_vn_order_is_ordered_from_the_factory_once(vn_order, manager):
    order = sales_services.order_factory_ordered(order=vn_order, by=manager)

    assert Order.objects.get(pk=order.pk).factory_ordered_at is not None
    assert OrderEvent.objects.filter(order=order, kind="factory", by=manager).count() == 1
    with pytest.raises(ValidationError):
        sales_services.order_factory_ordered(order=vn_order, by=manager)
    assert OrderEvent.objects.filter(order=order, kind="factory").count() == 1


def test_the_secretary_with_the_vn_right_orders_from_the_factory(vn_order, vn_secretary):
    sales_services.order_factory_ordered(order=vn_order, by=vn_secretary)

    assert Order.objects.get(pk=vn_order.pk).factory_ordered_at is not None


def test_the_factory_order_needs_the_vn_right(vn_order, secretary):
    with pytest.raises(PermissionDenied):
        sales_services.order_factory_ordered(order=vn_order, by=secretary)

    assert Order.objects.get(pk=vn_order.pk).factory_ordered_at is None


def test_the_salesperson_with_the_vn_right_does_not_order_from_the_factory(vn_order, seller):
    """Security finding (#12): "À commander usine" is the delivery team's (ORG-3, O-10)."""
    with pytest.raises(PermissionDenied):
        sales_services.order_factory_ordered(order=vn_order, by=seller)

    assert Order.objects.get(pk=vn_order.pk).factory_ordered_at is None
    assert "factory" not in {a["name"] for a in sales_actions.available_actions(vn_order, seller)}


def test_the_delivery_team_of_another_point_of_sale_does_not_order(vn_order, other_manager):
    with pytest.raises(PermissionDenied):
        sales_services.order_factory_ordered(order=vn_order, by=other_manager)


def test_the_factory_button_and_its_post_follow_the_delivery_team(
    client, vn_order, seller, vn_secretary
):
    url = reverse("opportunities:order_action", args=[vn_order.pk, "factory"])
    detail = reverse("opportunities:order_detail", args=[vn_order.pk])

    client.force_login(seller)
    assert url not in client.get(detail).text
    refused = client.post(url, follow=True)
    assert "Réservé à l&#x27;équipe de livraison" in refused.text
    assert Order.objects.get(pk=vn_order.pk).factory_ordered_at is None

    client.force_login(vn_secretary)
    assert url in client.get(detail).text
    assert client.post(url).status_code == 302
    assert Order.objects.get(pk=vn_order.pk).factory_ordered_at is not None


def test_a_vo_order_is_not_ordered_from_the_factory(ordered, manager):
    with pytest.raises(ValidationError):
        sales_services.order_factory_ordered(order=ordered, by=manager)


# --- Every transition refused from the statuses it does not start from ---------------

ALLOWED_FROM = {
    "payment": {S.DRAFT},
    "submit": {S.DRAFT},
    "validate": {S.PENDING_VALIDATION},
    "refuse": {S.PENDING_VALIDATION},
    "cancel": {*Order.CANCELLABLE, S.MODIFYING},
    "confirm": {S.PENDING_CANCELLATION},
    "reject": {S.PENDING_CANCELLATION},
    "prepare": {S.ORDERED},
    "deliver": {S.TO_DELIVER},
    "modify": set(Order.MODIFIABLE),
    "withdraw": {S.MODIFYING},
}


def call(name: str, order: Order, by):
    if name == "payment":
        return sales_services.order_payment_update(
            order=order,
            by=by,
            balance_method="virement",
            deposit_amount=order.deposit_amount,
            deposit_method="",
            deposit_not_online=False,
        )
    if name == "submit":
        return sales_services.order_submit(order=order, by=by)
    if name == "validate":
        return sales_services.order_validate(order=order, by=by)
    if name == "refuse":
        return sales_services.order_refuse(order=order, by=by, reason="Non")
    if name == "cancel":
        return sales_services.order_cancel(order=order, by=by, reason="Non")
    if name == "confirm":
        return sales_services.order_cancellation_confirm(order=order, by=by)
    if name == "reject":
        return sales_services.order_cancellation_reject(order=order, by=by, reason="Non")
    if name == "prepare":
        return sales_services.order_prepare(order=order, by=by)
    if name == "deliver":
        return sales_services.order_deliver(order=order, by=by)
    if name == "modify":
        return sales_services.order_modify(order=order, by=by)
    if name == "withdraw":
        return sales_services.order_modification_withdraw(order=order, by=by)
    raise AssertionError(name)


REFUSED_CASES = [
    (name, status)
    for name, allowed in ALLOWED_FROM.items()
    for status in S.values
    if status not in allowed
]


@pytest.mark.parametrize(("name", "status"), REFUSED_CASES)
@pytest.mark.parametrize("who", ["manager", "seller"])
def test_a_transition_from_a_status_it_does_not_start_from_is_a_clear_refusal(
    ready_order, name, status, who, request
):
    """Never a TransitionNotAllowed or an AttributeError: a ValidationError (or a
    PermissionDenied for who may not decide), and nothing written."""
    user = request.getfixturevalue(who)
    order = reach(
        ready_order,
        status,
        seller=request.getfixturevalue("seller"),
        manager=request.getfixturevalue("manager"),
    )
    assert status_of(order) == status
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises((ValidationError, PermissionDenied)):
        call(name, order, user)

    assert status_of(order) == status
    assert OrderEvent.objects.filter(order=order).count() == events


def test_a_salesperson_cancelling_an_order_being_modified_gets_a_clear_refusal(ordered, seller):
    """An order "en cours de modification" may not be cancelled by request: a clear refusal."""
    sales_services.order_modify(order=ordered, by=seller)

    with pytest.raises(ValidationError):
        sales_services.order_cancel(order=ordered, by=seller, reason="Non")

    assert status_of(ordered) == S.MODIFYING


# --- The buttons (templates ask, services decide) --------------------------------------


def names(actions) -> set[str]:
    return {a["name"] for a in actions}


def test_the_buttons_of_a_pending_order(pending_order, manager, seller, other_manager):
    assert {"validate", "refuse", "cancel", "modify"} <= names(
        sales_actions.available_actions(pending_order, manager)
    )
    assert "validate" not in names(sales_actions.available_actions(pending_order, seller))
    assert "validate" not in names(sales_actions.available_actions(pending_order, other_manager))


def test_the_buttons_of_a_validated_order(ordered, manager, seller, secretary):
    by_seller = {a["name"]: a for a in sales_actions.available_actions(ordered, seller)}
    assert by_seller["cancel"]["label"] == "Demander l'annulation"
    assert "prepare" not in by_seller
    by_manager = {a["name"]: a for a in sales_actions.available_actions(ordered, manager)}
    assert by_manager["cancel"]["label"] == "Annuler la commande"
    assert "prepare" in by_manager
    assert "prepare" in names(sales_actions.available_actions(ordered, secretary))


def test_the_buttons_of_a_draft_and_of_a_delivered_order(ready_order, to_deliver, seller):
    draft_buttons = names(sales_actions.available_actions(ready_order, seller))
    assert {"submit", "cancel", "modify"} <= draft_buttons
    assert "deliver" in names(sales_actions.available_actions(to_deliver, seller))
    sales_services.order_deliver(order=to_deliver, by=seller)
    delivered = Order.objects.select_related("opportunity", "vehicle").get(pk=to_deliver.pk)
    assert names(sales_actions.available_actions(delivered, seller)) == set()
