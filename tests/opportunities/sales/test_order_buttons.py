"""The buttons of an order are its transitions open to the user (models + rights), and
``restore`` brings an order back to the status it left (O-5, O-10)."""

import pytest
from django.urls import reverse

from opportunities.sales import services
from opportunities.sales.actions import available_actions
from opportunities.sales.models import Order
from tests.opportunities.sales.journey import reach

pytestmark = pytest.mark.django_db

S = Order.Status
WHO = ["seller", "manager", "secretary", "other_manager"]

# status -> who -> the buttons (action names) they get; the vehicle is a VO (no "factory").
EXPECTED = {
    S.DRAFT: {  # "esign": "Valider et envoyer pour e-signature" (S-4, issue 15)
        "seller": {"submit", "esign", "cancel", "modify"},
        "manager": {"submit", "esign", "cancel", "modify"},
        "secretary": {"submit", "esign", "cancel", "modify"},
        "other_manager": set(),
    },
    S.PENDING_VALIDATION: {
        "seller": {"cancel", "modify"},
        "manager": {"validate", "refuse", "cancel", "modify"},
        "secretary": {"cancel", "modify"},
        "other_manager": set(),
    },
    S.ORDERED: {
        "seller": {"cancel", "modify"},
        "manager": {"prepare", "cancel", "modify"},
        "secretary": {"prepare", "cancel", "modify"},
        "other_manager": set(),
    },
    S.TO_DELIVER: {
        "seller": {"deliver", "cancel", "modify"},
        "manager": {"deliver", "cancel", "modify"},
        "secretary": {"deliver", "cancel", "modify"},
        "other_manager": set(),
    },
    S.PENDING_CANCELLATION: {
        "seller": set(),
        "manager": {"confirm_cancellation", "reject_cancellation"},
        "secretary": set(),
        "other_manager": set(),
    },
    S.MODIFYING: {
        "seller": {"withdraw_modification"},
        "manager": {"withdraw_modification"},
        "secretary": {"withdraw_modification"},
        "other_manager": set(),
    },
    S.REFUSED: dict.fromkeys(WHO, set()),
    S.CANCELLED: dict.fromkeys(WHO, set()),
    S.DELIVERED: dict.fromkeys(WHO, set()),
}


def _order(ready_order, status, request) -> Order:
    order = reach(
        ready_order,
        status,
        seller=request.getfixturevalue("seller"),
        manager=request.getfixturevalue("manager"),
    )
    return Order.objects.select_related("opportunity", "vehicle").get(pk=order.pk)


@pytest.mark.parametrize("status", list(EXPECTED))
def test_each_kind_of_user_gets_the_buttons_of_the_transitions_they_may_take(
    ready_order, status, request
):
    order = _order(ready_order, status, request)
    for who in WHO:
        user = request.getfixturevalue(who)
        names = {a["name"] for a in available_actions(order, user)}
        assert names == EXPECTED[status][who], (status, who)


def test_a_salesperson_without_the_right_is_never_offered_to_validate(pending_order, seller):
    labels = {a["label"] for a in available_actions(pending_order, seller)}
    assert "Valider" not in labels
    assert "Demander l'annulation" in labels


def test_the_cancel_button_says_what_it_does(ordered, seller, manager):
    by_seller = {a["name"]: a for a in available_actions(ordered, seller)}
    by_manager = {a["name"]: a for a in available_actions(ordered, manager)}
    assert by_seller["cancel"]["label"] == "Demander l'annulation"
    assert by_seller["cancel"]["transition"] == "request_cancellation"
    assert by_manager["cancel"]["label"] == "Annuler la commande"
    assert by_manager["cancel"]["transition"] == "cancel"
    assert by_manager["cancel"]["reason"] and by_manager["cancel"]["tone"] == "danger"


def test_buttons_run_primary_first_and_danger_last(pending_order, manager):
    tones = [a["tone"] for a in available_actions(pending_order, manager)]
    assert tones == sorted(tones, key=["primary", "secondary", "ghost", "danger"].index)
    assert tones[0] == "primary"


def test_the_list_shows_the_decisions_only(pending_order, manager, seller, other_manager):
    assert [a["name"] for a in available_actions(pending_order, manager, in_list=True)] == [
        "validate",
        "refuse",
    ]
    assert available_actions(pending_order, seller, in_list=True) == []
    assert available_actions(pending_order, other_manager, in_list=True) == []


def test_the_order_page_shows_the_buttons_of_its_user(client, pending_order, seller, manager):
    client.force_login(seller)
    page = client.get(reverse("opportunities:order_detail", args=[pending_order.pk]))
    assert "Demander l&#x27;annulation" in page.text
    assert reverse("opportunities:order_action", args=[pending_order.pk, "validate"]) not in (
        page.text
    )
    client.force_login(manager)
    page = client.get(reverse("opportunities:order_detail", args=[pending_order.pk]))
    assert reverse("opportunities:order_action", args=[pending_order.pk, "validate"]) in page.text


def test_an_action_posted_to_its_url_runs_its_service(client, pending_order, manager):
    client.force_login(manager)
    url = reverse("opportunities:order_action", args=[pending_order.pk, "validate"])
    response = client.post(url)
    assert response.status_code == 302
    pending_order.refresh_from_db()
    assert pending_order.status == S.ORDERED


def test_an_action_refused_by_its_service_changes_nothing(client, pending_order, seller):
    client.force_login(seller)
    url = reverse("opportunities:order_action", args=[pending_order.pk, "validate"])
    response = client.post(url, follow=True)
    assert "Le droit de valider les commandes est requis." in response.text
    pending_order.refresh_from_db()
    assert pending_order.status == S.PENDING_VALIDATION


# --- restore: back to the status the order left ---------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.PENDING_VALIDATION, S.ORDERED, S.TO_DELIVER])
def test_a_withdrawn_modification_restores_the_previous_status(ready_order, status, request):
    seller = request.getfixturevalue("seller")
    order = _order(ready_order, status, request)
    services.order_modify(order=order, by=seller)
    order.refresh_from_db()
    assert (order.status, order.status_before) == (S.MODIFYING, status)

    services.order_modification_withdraw(order=order, by=seller)

    order.refresh_from_db()
    assert (order.status, order.status_before) == (status, "")
    event = order.events.order_by("-at", "-pk").first()
    assert (event.kind, event.from_status, event.to_status) == ("restore", S.MODIFYING, status)


@pytest.mark.parametrize(
    "status",
    [S.PENDING_SIGNATURE, S.PENDING_TRANSFER, S.PENDING_VALIDATION, S.ORDERED, S.TO_DELIVER],
)
def test_a_rejected_cancellation_request_restores_the_previous_status(ready_order, status, request):
    seller, manager = request.getfixturevalue("seller"), request.getfixturevalue("manager")
    order = _order(ready_order, status, request)
    services.order_cancel(order=order, by=seller, reason="Le client hésite")
    order.refresh_from_db()
    assert (order.status, order.status_before) == (S.PENDING_CANCELLATION, status)

    services.order_cancellation_reject(order=order, by=manager, reason="Il confirme")

    order.refresh_from_db()
    assert (order.status, order.status_before) == (status, "")


def test_only_a_decider_may_reject_a_cancellation_request(ordered, seller, other_manager):
    services.order_cancel(order=ordered, by=seller, reason="Le client hésite")
    ordered.refresh_from_db()
    for user in (seller, other_manager):
        with pytest.raises(Exception) as refused:
            services.order_cancellation_reject(order=ordered, by=user, reason="Non")
        assert refused.type.__name__ == "PermissionDenied"
    ordered.refresh_from_db()
    assert ordered.status == S.PENDING_CANCELLATION
