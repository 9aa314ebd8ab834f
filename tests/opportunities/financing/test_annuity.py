"""The annuity to the cent and the validation of the terms (V-13)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opportunities.financing.annuity import annuity, financing_compute

D = Decimal


@pytest.mark.parametrize(
    ("principal", "rate", "months", "expected"),
    [
        ("10000", "4.9", 48, "229.84"),
        ("20000", "0", 40, "500.00"),
        # Independently: 15 000 € at 3,5 % over 60 months and 25 000 € at 6 % over 72
        # months (published amortisation tables; float check 272.876…, 414.322…).
        ("15000", "3.5", 60, "272.88"),
        ("25000", "6", 72, "414.32"),
        ("12000", "5.9", 60, "231.44"),
        ("10000", "0", 6, "1666.67"),  # 1666.666… rounded half up
        ("1000", "25", 120, "22.75"),  # float check 22.7480…
    ],
)
def test_annuity_known_values(principal, rate, months, expected):
    assert annuity(principal=D(principal), annual_rate=D(rate), duration_months=months) == D(
        expected
    )


def test_compute_down_payment_services_and_total_cost():
    c = financing_compute(
        price=D("15000"),
        down_payment=D("3000"),
        duration_months=60,
        annual_rate=D("5.9"),
        services_monthly=D("19.90"),
    )
    assert c.principal == D("12000.00")
    assert c.annuity == D("231.44")
    assert c.monthly_payment == D("251.34")  # services on top of the credit
    assert c.total_cost == D("1886.40")  # 60 × 231,44 − 12 000


def test_compute_zero_rate_costs_nothing():
    c = financing_compute(price=D("20000"), duration_months=40, annual_rate=D("0"))
    assert (c.monthly_payment, c.total_cost) == (D("500.00"), D("0.00"))


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        ({"annual_rate": "25.5"}, "annual_rate", "entre 0 et 25 %"),
        ({"annual_rate": "-1"}, "annual_rate", "entre 0 et 25 %"),
        ({"duration_months": 5}, "duration_months", "entre 6 et 120 mois"),
        ({"duration_months": 121}, "duration_months", "entre 6 et 120 mois"),
        ({"duration_months": "douze"}, "duration_months", "nombre entier"),
        ({"down_payment": "16000"}, "down_payment", "inférieur au prix"),
        ({"down_payment": "15000"}, "down_payment", "inférieur au prix"),
        ({"down_payment": "-1"}, "down_payment", "négatif"),
        ({"price": "0"}, "price", "supérieur à zéro"),
        ({"price": "-100"}, "price", "supérieur à zéro"),
        ({"price": "abc"}, "price", "nombre"),
        ({"services_monthly": "-5"}, "services_monthly", "négatif"),
    ],
)
def test_compute_refuses_bad_terms_by_field(terms, field, message):
    base = {
        "price": "15000",
        "down_payment": "0",
        "duration_months": 48,
        "annual_rate": "4.9",
        "services_monthly": "0",
    }
    with pytest.raises(ValidationError) as exc:
        financing_compute(**{**base, **terms})
    assert message in " ".join(exc.value.message_dict[field])


def test_compute_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as exc:
        financing_compute(
            price="15000", down_payment="20000", duration_months=200, annual_rate="30"
        )
    assert set(exc.value.message_dict) == {"down_payment", "duration_months", "annual_rate"}
