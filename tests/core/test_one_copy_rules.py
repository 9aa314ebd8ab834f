"""One copy of each rule (issue 11): the reason ("motif"), the VAT rate and HT amount, and
the money display are written once in ``openflex.core`` and used by every side."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from openflex.core import inputs
from openflex.core.forms import ReasonField
from openflex.core.money import VAT_RATE, format_money, to_ht
from opportunities.reservations.services import reservation_end
from opportunities.sales import pricing
from opportunities.sales.services import order_cancel, order_refuse
from opportunities.tradeins.services import tradein_refuse
from tests.vehicles.factories import VehicleFactory
from vehicles.services import transfer_request, vehicle_status_change

NUL = "Client\x00parti"
TOO_LONG = "x" * (inputs.REASON_MAX_LENGTH + 1)


# --- Reason -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [(NUL, "caractère invalide"), (TOO_LONG, "500 caractères"), ("  ", "Indiquez le motif")],
)
def test_reason_clean_gives_a_field_message(value, message):
    with pytest.raises(ValidationError) as exc:
        inputs.reason_clean(value, required=True, field="note")
    assert message in exc.value.message_dict["note"][0]


def test_reason_clean_trims_and_allows_empty_when_optional():
    assert inputs.reason_clean("  Trop cher  ") == "Trop cher"
    assert inputs.reason_clean(None) == ""


@pytest.mark.parametrize(
    "service",
    [
        # The reason is checked before anything is read: no row is needed.
        lambda reason: order_refuse(order=None, by=None, reason=reason),
        lambda reason: order_cancel(order=None, by=None, reason=reason),
        lambda reason: tradein_refuse(trade_in=None, by=None, reason=reason),
        lambda reason: reservation_end(reservation=None, by=None, reason=reason),
    ],
    ids=["order_refuse", "order_cancel", "tradein_refuse", "reservation_end"],
)
@pytest.mark.parametrize("reason", [NUL, TOO_LONG], ids=["nul", "too_long"])
@pytest.mark.django_db
def test_every_sale_side_reason_goes_through_the_one_rule(service, reason):
    with pytest.raises(ValidationError) as exc:
        service(reason)
    assert "reason" in exc.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("reason", [NUL, TOO_LONG], ids=["nul", "too_long"])
def test_the_stock_uses_the_same_reason_rule(reason):
    vehicle = VehicleFactory(status="stock_vente")
    with pytest.raises(ValidationError) as exc:
        vehicle_status_change(vehicle=vehicle, to="livraison", by=None, reason=reason)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        transfer_request(
            vehicle=vehicle, to_point_of_sale=vehicle.point_of_sale, by=None, reason=reason
        )
    assert "reason" in exc.value.message_dict


def test_reason_field_messages():
    class F(forms.Form):
        reason = ReasonField(label="Motif", required=True, required_message="Indiquez-le.")

    assert F({"reason": NUL}).errors["reason"] == ["Le motif contient un caractère invalide."]
    assert "500" in F({"reason": TOO_LONG}).errors["reason"][0]
    assert F({"reason": ""}).errors["reason"] == ["Indiquez-le."]
    assert F({"reason": " ok "}).is_valid()


# --- VAT and money --------------------------------------------------------------------------


def test_one_vat_rate_for_the_totals_and_the_ht_filter():
    assert pricing.VAT_RATE is VAT_RATE
    assert pricing.to_ht is to_ht
    template = Template("{% load l10n %}{{ value|ht|unlocalize }}")
    for ttc in ("15000", "99.99", "0.05", "1234567.89"):
        line = pricing.Line("accessoire", "x", Decimal(ttc))
        assert template.render(Context({"value": Decimal(ttc)})) == str(line.amount_ht)
    totals = pricing.compute(
        vehicle_price=Decimal("15000.00"),
        lines=[],
        administrative_fees=Decimal("0"),
        trade_in_value=Decimal("0"),
        deposit=Decimal("0"),
    )
    assert totals.total_ht == Decimal("12500.00")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("25000"), "25\xa0000,00\xa0€"),
        (Decimal("1234567.895"), "1\xa0234\xa0567,90\xa0€"),
        (Decimal("-500"), "-500,00\xa0€"),
        (Decimal("-0.001"), "0,00\xa0€"),
        ("abc", ""),
        (None, ""),
    ],
)
def test_money_is_shown_one_way(value, shown):
    assert format_money(value) == shown
    assert Template("{{ value|money }}").render(Context({"value": value})) == shown
