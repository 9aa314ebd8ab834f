"""Offer totals to the cent (O-3): TTC/HT at 20 % VAT, administrative fees without VAT
(O-4), the deposit apart (O-6); and the offer builder refusing wrong amounts before it
writes anything."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opportunities.sales import pricing, services
from opportunities.sales.models import Offer, OfferLine
from tests.opportunities.factories import PackElementFactory, PackFactory, ProductFactory

pytestmark = pytest.mark.django_db

D = Decimal


def totals(price="15000.00", lines=(), **kwargs):
    return pricing.compute(
        vehicle_price=D(price),
        lines=[pricing.Line(kind, kind, D(amount)) for kind, amount in lines],
        **{k: v if k == "vat_regime" else D(v) for k, v in kwargs.items()},
    )


# --- pricing.compute -----------------------------------------------------------------


def test_a_vehicle_at_15000_euros_ttc_is_12500_euros_ht():
    result = totals("15000.00")

    assert (result.total_ttc, result.total_ht, result.vat) == (
        D("15000.00"),
        D("12500.00"),
        D("2500.00"),
    )
    assert result.vehicle_price_ht == D("12500.00")


def test_a_line_of_99_99_euros_is_83_33_euros_ht():
    assert pricing.Line("accessoire", "Tapis", D("99.99")).amount_ht == D("83.33")
    assert pricing.to_ht(D("99.99")) == D("83.33")


def test_the_vat_is_what_remains_between_ttc_and_ht():
    """Rounded per line: the printed lines always add up."""
    result = totals("15000.00", [("accessoire", "99.99"), ("prestation", "99.99")])

    assert result.total_ttc == D("15199.98")
    assert result.total_ht == D("12666.66")  # 12 500 + 83,33 + 83,33
    assert result.vat == D("2533.32")
    assert result.vat == result.total_ttc - result.total_ht


def test_advantages_are_deducted_ttc_and_ht():
    result = totals("15000.00", [("remise", "500.00"), ("pack", "490.00")])

    assert result.advantages == D("500.00")
    assert result.vehicle_net == D("14500.00")
    assert result.pack == D("490.00")
    assert result.total_ttc == D("14990.00")
    assert (result.advantages_ht, result.pack_ht) == (D("416.67"), D("408.33"))
    assert result.total_ht == D("12500.00") - D("416.67") + D("408.33")


def test_administrative_fees_carry_no_vat():
    """O-4: registration certificate and weight penalty are not subject to VAT."""
    without = totals("15000.00")
    with_fees = totals("15000.00", administrative_fees="276.76")

    assert with_fees.total_ttc == D("15276.76")
    assert with_fees.total_ht == D("12776.76")
    assert with_fees.vat == without.vat == D("2500.00")


def test_the_trade_in_lowers_the_net_to_pay_and_the_deposit_stays_apart():
    """O-6 "Acompte non compris dans les calculs"."""
    result = totals("15000.00", trade_in_value="4000.00", deposit="1000.00")

    assert result.total_ttc == D("15000.00")
    assert result.net_to_pay == D("11000.00")
    assert result.deposit == D("1000.00")
    assert result.as_dict()["net_to_pay"] == "11000.00"


def test_every_total_is_a_decimal_to_the_cent():
    result = totals("9999.99", [("accessoire", "0.01"), ("remise", "0.05")])

    for name, value in result.as_dict().items():
        amount = getattr(result, name)
        assert isinstance(amount, Decimal), name
        assert amount == amount.quantize(D("0.01")), name
        assert value == str(amount)


def test_amounts_with_more_than_two_decimals_are_rounded_half_up():
    result = totals("15000.005", [("accessoire", "99.995"), ("remise", "0.004")])

    assert result.vehicle_price == D("15000.01")
    assert result.accessories == D("100.00")
    assert result.advantages == D("0.00")
    assert result.total_ttc == D("15100.01")
    assert result.total_ttc == result.total_ttc.quantize(D("0.01"))


def test_the_business_errors_of_a_set_of_amounts():
    assert pricing.errors(totals("15000.00")) == {}
    assert "advantages" in pricing.errors(totals("15000.00", [("remise", "15000.01")]))
    assert pricing.errors(totals("15000.00", [("remise", "15000.00")])) == {}
    assert "vehicle_price" in pricing.errors(totals("9999999.99", [("accessoire", "0.01")]))
    assert "deposit" in pricing.errors(totals("15000.00", deposit="15000.01"))
    assert "deposit" in pricing.errors(
        totals("15000.00", trade_in_value="15000.00", deposit="0.01")
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 250,50", "1250.50"),
        ("1250.5", "1250.50"),
        ("1\u00a0250,50 €", "1250.50"),
        ("12,345", "12.35"),
        ("", "0.00"),
        (None, "0.00"),
        (D("3.14159"), "3.14"),
    ],
)
def test_amounts_typed_the_french_or_the_english_way(raw, expected):
    assert pricing.parse_amount(raw) == D(expected)


@pytest.mark.parametrize("raw", ["abc", "12,5,3", "NaN", "Infinity", "1e30", "1e400000000000"])
def test_what_is_not_an_amount_is_refused(raw):
    with pytest.raises(ValueError):
        pricing.parse_amount(raw)


# --- offer_update: checked before anything is written ---------------------------------


def update(offer, by, price="15000.00", lines=(), **kwargs):
    return services.offer_update(
        offer=offer,
        by=by,
        vehicle_price=D(price),
        lines=[(kind, label, D(amount), product) for kind, label, amount, product in lines],
        **kwargs,
    )


def snapshot(offer) -> tuple:
    offer = Offer.objects.get(pk=offer.pk)
    return (
        offer.vehicle_price,
        offer.administrative_fees,
        offer.trade_in_value,
        offer.deposit,
        offer.pack_id,
        sorted(offer.lines.values_list("kind", "label", "amount")),
    )


def test_the_offer_builder_saves_its_lines(offer, seller):
    mats = ProductFactory(name="Tapis", price=D("99.99"))

    update(
        offer,
        seller,
        "14900.00",
        [
            ("remise", "Remise fidélité", "400.00", None),
            ("accessoire", "Tapis", "99.99", mats),
            ("prestation", "Carte grise", "0.00", None),
        ],
        administrative_fees=D("276.76"),
        trade_in_value=D("3000.00"),
        deposit=D("500.00"),
        show_ht=True,
    )

    offer = Offer.objects.get(pk=offer.pk)
    total = services.offer_totals(offer)
    assert total.total_ttc == D("14900.00") - D("400.00") + D("99.99") + D("276.76")
    assert total.net_to_pay == total.total_ttc - D("3000.00")
    assert total.vat == total.total_ttc - total.total_ht
    assert offer.show_ht is True
    assert offer.lines.get(kind="accessoire").product == mats


def test_a_pack_keeps_the_elements_chosen(offer, seller):
    pack = PackFactory()
    kept = PackElementFactory(pack=pack, price=D("150.00"))
    PackElementFactory(pack=pack, price=D("200.00"))

    update(offer, seller, pack=pack, pack_elements={kept.pk})

    offer = Offer.objects.get(pk=offer.pk)
    assert offer.pack == pack
    assert list(offer.lines.filter(kind="pack").values_list("amount", flat=True)) == [D("150.00")]
    assert services.offer_totals(offer).pack == D("150.00")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lines": [("remise", "Remise", "15000.01", None)]}, "advantages"),
        ({"price": "-1.00"}, "vehicle_price"),
        ({"price": "10000000.00"}, "vehicle_price"),
        ({"price": "9999999.99", "lines": [("accessoire", "Tapis", "0.01", None)]}, None),
        ({"administrative_fees": D("-0.01")}, "administrative_fees"),
        ({"trade_in_value": D("-5")}, "trade_in_value"),
        ({"deposit": D("-5")}, "deposit"),
        ({"deposit": D("15000.01")}, "deposit"),
        ({"lines": [("accessoire", "Tapis", "-10.00", None)]}, "lines"),
        ({"lines": [("accessoire", "Tapis", "10000000.00", None)]}, "lines"),
        ({"lines": [("accessoire", "  ", "10.00", None)]}, "lines"),
        ({"lines": [("cadeau", "Bouquet", "10.00", None)]}, "lines"),
        ({"lines": [("pack", "Pack", "10.00", None)]}, "lines"),
    ],
)
def test_wrong_amounts_are_refused_and_nothing_is_written(offer, seller, kwargs, field):
    update(offer, seller, "14000.00", [("accessoire", "Avant", "10.00", None)])
    before = snapshot(offer)

    with pytest.raises(ValidationError) as exc:
        update(offer, seller, **kwargs)

    if field:
        assert field in exc.value.message_dict
    assert snapshot(offer) == before


def test_a_product_that_is_not_a_pack_is_refused_as_a_pack(offer, seller):
    before = snapshot(offer)

    with pytest.raises(ValidationError) as exc:
        update(offer, seller, pack=ProductFactory())

    assert "pack" in exc.value.message_dict
    assert snapshot(offer) == before


def test_a_validated_offer_is_not_edited_in_place(validated_offer, seller):
    before = snapshot(validated_offer)

    with pytest.raises(ValidationError):
        update(validated_offer, seller, "1.00")

    assert snapshot(validated_offer) == before


def test_a_line_amount_with_three_decimals_is_kept_to_the_cent(offer, seller):
    update(offer, seller, lines=[("accessoire", "Tapis", "99.995", None)])

    offer = Offer.objects.get(pk=offer.pk)
    assert OfferLine.objects.get(offer=offer, kind="accessoire").amount == D("100.00")
    assert services.offer_totals(offer).total_ttc == D("15100.00")


# --- Margin scheme (issue 13): a used vehicle bought from a private person ----------------


def margin_totals(price="15000.00", lines=(), **kwargs):
    return totals(price, lines, vat_regime="margin", **kwargs)


def test_a_margin_scheme_vehicle_shows_no_vat_its_ht_is_its_price():
    """Article 297 A of the CGI: no VAT on the vehicle's price; HT = TTC for that line."""
    result = margin_totals("15000.00")

    assert (result.total_ttc, result.total_ht, result.vat) == (
        D("15000.00"),
        D("15000.00"),
        D("0.00"),
    )
    assert result.vehicle_price_ht == D("15000.00")
    assert (result.margin_total, result.vat_base) == (D("15000.00"), D("0.00"))
    assert result.is_margin_scheme
    assert pricing.to_ht(D("15000.00"), "margin") == D("15000.00")


def test_a_mixed_offer_splits_the_margin_and_the_normal_vat_base_to_the_cent():
    """Margin-scheme VO, an advantage on it, new accessories, service and pack at 20 %, and
    administrative fees without VAT."""
    result = margin_totals(
        "15000.00",
        [
            ("remise", "500.00"),
            ("accessoire", "150.00"),
            ("prestation", "300.00"),
            ("pack", "490.00"),
        ],
        administrative_fees="276.76",
        trade_in_value="2000.00",
    )

    # The advantage is deducted from the vehicle: it follows the vehicle's regime.
    assert (result.vehicle_net, result.advantages_ht) == (D("14500.00"), D("500.00"))
    # The new goods and services keep their VAT: 125,00 + 250,00 + 408,33 HT.
    assert (result.accessories_ht, result.services_ht, result.pack_ht) == (
        D("125.00"),
        D("250.00"),
        D("408.33"),
    )
    assert result.margin_total == D("14500.00")
    assert result.vat_base == D("783.33")
    assert result.total_ttc == D("15716.76")  # 14 500 + 150 + 300 + 490 + 276,76
    assert result.total_ht == D("15560.09")  # 14 500 + 783,33 + 276,76
    assert result.vat == D("156.67")  # 940,00 − 783,33: the accessories' VAT only
    assert result.total_ht == result.margin_total + result.vat_base + result.administrative_fees
    assert result.net_to_pay == D("13716.76")
    assert result.as_dict()["margin_total"] == "14500.00"
    assert result.as_dict()["vat_base"] == "783.33"


def test_the_same_offer_under_the_normal_regime_carries_the_vat_of_the_vehicle():
    lines = [("remise", "500.00"), ("accessoire", "150.00")]
    normal, margin = totals("15000.00", lines), margin_totals("15000.00", lines)

    assert normal.total_ttc == margin.total_ttc == D("14650.00")
    assert normal.vat == D("2441.67")  # 14 650 − (12 500 − 416,67 + 125,00)
    assert margin.vat == D("25.00")
    assert (normal.margin_total, normal.vat_base) == (D("0.00"), normal.total_ht)


def test_an_unknown_regime_is_the_normal_one():
    assert totals("15000.00", vat_regime="").vat == totals("15000.00").vat == D("2500.00")


@pytest.mark.parametrize(
    ("selling", "purchase", "vat"),
    [
        ("12000.00", "9000.00", "500.00"),  # 3 000 € margin × 20/120
        ("10000.00", "8333.33", "277.78"),
        ("9000.00", "9500.00", "0.00"),  # sold at a loss: no VAT
        ("9000.00", None, None),  # purchase price unknown
    ],
)
def test_the_vat_on_the_margin_in_the_dealers_books(selling, purchase, vat):
    from openflex.core.money import margin_vat

    expected = D(vat) if vat is not None else None
    assert margin_vat(D(selling), D(purchase) if purchase else None) == expected


def test_offer_totals_follow_the_vehicle_regime(offer, seller, car):
    update(offer, seller, "15000.00", [("accessoire", "Tapis", "120.00", None)])
    car.vat_regime = "margin"
    car.save(update_fields=["vat_regime"])

    total = services.offer_totals(Offer.objects.select_related("vehicle").get(pk=offer.pk))

    assert total.is_margin_scheme
    assert total.vat == D("20.00")
    assert total.total_ht == D("15100.00")
