"""The order payment tab (O-6): cash limited to 1 000 €, the deposit apart, nothing
written when the tab is refused; and the order created from its offer (O-5 snapshot)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opportunities.sales import services
from opportunities.sales.models import Order, OrderEvent
from tests.opportunities.factories import CustomerFactory, ProductFactory
from tests.opportunities.sales.journey import draft_order_on

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CASH_MESSAGE = f"Un règlement en espèces ne peut pas dépasser 1{NBSP}000{NBSP}€"


def pay(order, **fields):
    values = {
        "balance_method": "virement",
        "deposit_amount": Decimal("0.00"),
        "deposit_method": "",
        "deposit_not_online": False,
    }
    values.update(fields)
    return services.order_payment_update(order=order, by=order.created_by, **values)


def refused(order, **fields) -> ValidationError:
    before = Order.objects.get(pk=order.pk)
    events = OrderEvent.objects.filter(order=order).count()
    with pytest.raises(ValidationError) as exc:
        pay(order, **fields)
    after = Order.objects.get(pk=order.pk)
    assert (after.balance_method, after.deposit_amount, after.deposit_method) == (
        before.balance_method,
        before.deposit_amount,
        before.deposit_method,
    )
    assert OrderEvent.objects.filter(order=order).count() == events
    return exc.value


def test_a_cash_balance_over_1000_euros_is_refused_with_the_message(ready_order):
    """O-6: 15 000 € − 13 999,99 € of deposit leaves 1 000,01 € to pay in cash."""
    error = refused(
        ready_order,
        balance_method="especes",
        deposit_amount=Decimal("13999.99"),
        deposit_method="cheque",
    )

    message = error.message_dict["balance_method"][0]
    assert CASH_MESSAGE in message
    assert f"solde de 1{NBSP}000,01{NBSP}€" in message


def test_a_cash_balance_of_exactly_1000_euros_is_accepted(ready_order):
    order = pay(
        ready_order,
        balance_method="especes",
        deposit_amount=Decimal("14000.00"),
        deposit_method="cheque",
    )

    order.refresh_from_db()
    assert (order.balance_method, order.deposit_amount) == ("especes", Decimal("14000.00"))
    assert services.order_submit_blockers(order) == []


def test_a_whole_price_in_cash_is_refused(draft_order):
    error = refused(draft_order, balance_method="especes")

    assert CASH_MESSAGE in error.message_dict["balance_method"][0]


def test_a_cash_deposit_over_1000_euros_is_refused(ready_order):
    error = refused(ready_order, deposit_amount=Decimal("1000.01"), deposit_method="especes")

    assert CASH_MESSAGE in error.message_dict["deposit_method"][0]


def test_a_cash_deposit_of_1000_euros_is_accepted(ready_order):
    order = pay(ready_order, deposit_amount=Decimal("1000.00"), deposit_method="especes")

    assert Order.objects.get(pk=order.pk).deposit_method == "especes"


# The cap is on the whole debt (issue 13): deposit and balance paid in cash add up.


def order_at(price: str, *, site, pos, seller) -> Order:
    from tests.vehicles.factories import VehicleFactory

    car = VehicleFactory(physical_site=site, status="stock_vente", selling_price=Decimal(price))
    return draft_order_on(vehicle=car, customer=CustomerFactory(point_of_sale=pos), seller=seller)


@pytest.fixture
def small_order(site, pos, seller):
    """A 2 000 € order."""
    return order_at("2000.00", site=site, pos=pos, seller=seller)


def test_a_cash_deposit_and_a_cash_balance_add_up_over_the_cap(small_order):
    """1 000 € cash deposit + 1 000 € cash balance = 2 000 € in cash: refused, the message
    next to the balance (the payment that makes the total exceed)."""
    error = refused(
        small_order,
        balance_method="especes",
        deposit_amount=Decimal("1000.00"),
        deposit_method="especes",
    )

    assert set(error.message_dict) == {"balance_method"}
    message = error.message_dict["balance_method"][0]
    assert f"2{NBSP}000,00{NBSP}€ en espèces" in message
    assert f"acompte de 1{NBSP}000,00{NBSP}€" in message
    assert CASH_MESSAGE in message


def test_cash_one_cent_over_the_cap_in_total_is_refused(site, pos, seller):
    order = order_at("1000.01", site=site, pos=pos, seller=seller)

    error = refused(
        order, balance_method="especes", deposit_amount=Decimal("500.00"), deposit_method="especes"
    )

    assert f"1{NBSP}000,01{NBSP}€ en espèces" in error.message_dict["balance_method"][0]


def test_cash_up_to_the_cap_in_total_is_accepted(site, pos, seller):
    order = order_at("1000.00", site=site, pos=pos, seller=seller)

    order = pay(
        order, balance_method="especes", deposit_amount=Decimal("500.00"), deposit_method="especes"
    )

    assert services.order_submit_blockers(order) == []


def test_a_cash_deposit_with_a_balance_paid_otherwise_is_accepted(small_order):
    order = pay(
        small_order,
        balance_method="virement",
        deposit_amount=Decimal("1000.00"),
        deposit_method="especes",
    )

    assert services.order_submit_blockers(order) == []


def test_the_submit_blockers_repeat_the_total_cash_message(small_order):
    """An order saved before the rule changed is stopped at "Valider la commande"."""
    Order.objects.filter(pk=small_order.pk).update(
        balance_method="especes", deposit_amount=Decimal("600.00"), deposit_method="especes"
    )
    order = Order.objects.get(pk=small_order.pk)

    blockers = services.order_submit_blockers(order)

    assert any(f"2{NBSP}000,00{NBSP}€ en espèces" in b for b in blockers)


def test_a_deposit_above_the_net_to_pay_is_refused(ready_order):
    error = refused(ready_order, deposit_amount=Decimal("15000.01"), deposit_method="cheque")

    assert "L'acompte dépasse le montant à payer." in error.message_dict["deposit_amount"]


def test_a_deposit_of_the_whole_net_to_pay_is_accepted(ready_order):
    order = pay(ready_order, deposit_amount=Decimal("15000.00"), deposit_method="virement")

    assert Order.objects.get(pk=order.pk).deposit_amount == Decimal("15000.00")


@pytest.mark.parametrize("amount", ["-0.01", "-1000", "10000000.00"])
def test_a_negative_or_absurd_deposit_is_refused(ready_order, amount):
    refused(ready_order, deposit_amount=Decimal(amount), deposit_method="cheque")


def test_a_deposit_needs_its_method_and_is_never_financed(ready_order):
    error = refused(ready_order, deposit_amount=Decimal("500.00"), deposit_method="")
    assert "deposit_method" in error.message_dict

    error = refused(ready_order, deposit_amount=Decimal("500.00"), deposit_method="financement")
    assert "deposit_method" in error.message_dict


@pytest.mark.parametrize("field", ["balance_method", "deposit_method"])
def test_an_unknown_payment_method_is_refused(ready_order, field):
    refused(ready_order, deposit_amount=Decimal("500.00"), **{field: "bitcoin"})


def test_the_latest_delivery_date_cannot_precede_the_planned_one(ready_order):
    error = refused(
        ready_order, delivery_date=date(2030, 5, 10), latest_delivery_date=date(2030, 5, 9)
    )

    assert "latest_delivery_date" in error.message_dict


def test_the_payment_tab_is_saved_with_its_history_row(draft_order, seller):
    order = pay(
        draft_order,
        balance_method="financement",
        deposit_amount=Decimal("2000.50"),
        deposit_method="carte",
        deposit_not_online=True,
        delivery_date=date(2030, 5, 10),
        latest_delivery_date=date(2030, 5, 20),
    )

    order.refresh_from_db()
    assert (order.balance_method, order.deposit_amount, order.deposit_method) == (
        "financement",
        Decimal("2000.50"),
        "carte",
    )
    assert order.deposit_not_online is True
    assert order.latest_delivery_date == date(2030, 5, 20)
    assert OrderEvent.objects.filter(order=order, kind="payment", by=seller).count() == 1


def test_a_zero_deposit_keeps_no_method(draft_order):
    order = pay(draft_order, deposit_amount=Decimal("0"), deposit_method="cheque")

    assert Order.objects.get(pk=order.pk).deposit_method == ""


def test_the_payment_tab_is_closed_once_the_order_is_sent(ready_order, seller):
    services.order_submit(order=ready_order, by=seller)

    refused(ready_order)


# --- The order and its snapshot (O-5) ------------------------------------------------


def test_an_order_keeps_a_snapshot_of_everything_sold(opportunity, car, seller):
    """O-5: later changes to the customer, the products or the offer leave the order as sold."""
    accessory = ProductFactory(name="Tapis", price=Decimal("99.99"))
    offer = services.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    services.offer_update(
        offer=offer,
        by=seller,
        vehicle_price=Decimal("15000.00"),
        administrative_fees=Decimal("276.76"),
        lines=[
            ("remise", "Remise fidélité", Decimal("500.00"), None),
            ("accessoire", "Tapis", Decimal("99.99"), accessory),
        ],
    )
    services.offer_validate(offer=offer, by=seller)

    order = services.order_create(offer=offer, by=seller)

    customer = opportunity.customer
    customer.last_name = "Autre"
    customer.save()
    accessory.delete()
    snapshot = Order.objects.get(pk=order.pk).snapshot
    assert snapshot["customer"]["last_name"] != "Autre"
    assert snapshot["vehicle"]["vin"] == car.vin
    assert [(line["label"], line["amount"]) for line in snapshot["lines"]] == [
        ("Remise fidélité", "500.00"),
        ("Tapis", "99.99"),
    ]
    assert snapshot["lines"][1]["amount_ht"] == "83.33"
    assert snapshot["totals"]["total_ttc"] == "14876.75"
    assert order.total_ttc == Decimal("14876.75")
    assert snapshot["totals"]["net_to_pay"] == "14876.75"
    event = OrderEvent.objects.get(order=order)
    assert (event.kind, event.to_status, event.by) == ("created", Order.Status.DRAFT, seller)


def test_an_order_needs_a_validated_offer(offer, seller):
    with pytest.raises(ValidationError):
        services.order_create(offer=offer, by=seller)

    assert not Order.objects.exists()


def test_one_order_per_offer(draft_order, seller):
    with pytest.raises(ValidationError):
        services.order_create(offer=draft_order.offer, by=seller)

    assert Order.objects.count() == 1


def test_a_vehicle_already_ordered_cannot_be_ordered_again(draft_order, car, seller, pos):
    with pytest.raises(ValidationError) as exc:
        draft_order_on(vehicle=car, customer=CustomerFactory(point_of_sale=pos), seller=seller)

    assert "déjà commandé" in exc.value.messages[0]
    assert Order.objects.count() == 1


def test_a_cancelled_order_frees_the_vehicle(draft_order, car, seller, pos):
    services.order_cancel(order=draft_order, by=seller, reason="Erreur")

    other = draft_order_on(vehicle=car, customer=CustomerFactory(point_of_sale=pos), seller=seller)

    assert other.status == Order.Status.DRAFT


def test_the_deposit_of_the_offer_is_copied_to_the_order(opportunity, car, seller):
    offer = services.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    services.offer_update(
        offer=offer, by=seller, vehicle_price=Decimal("15000.00"), deposit=Decimal("1500.00")
    )
    services.offer_validate(offer=offer, by=seller)

    order = services.order_create(offer=offer, by=seller)

    assert order.deposit_amount == Decimal("1500.00")
    assert order.snapshot["totals"]["deposit"] == "1500.00"
    # "Acompte non compris dans les calculs" (O-6): the total ignores it.
    assert order.snapshot["totals"]["total_ttc"] == "15000.00"
