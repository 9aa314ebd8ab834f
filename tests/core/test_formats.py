"""French formats (issue 2: `25 000,00 €`, `16/12/2024 à 16h32`, Europe/Paris)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ is True


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("25000"), f"25{NBSP}000,00{NBSP}€"),
        (Decimal("0"), f"0,00{NBSP}€"),
        (Decimal("999.99"), f"999,99{NBSP}€"),
        (Decimal("1234567.8"), f"1{NBSP}234{NBSP}567,80{NBSP}€"),
        (Decimal("10.005"), f"10,01{NBSP}€"),  # half up to the cent
        (Decimal("10.004"), f"10,00{NBSP}€"),
        (Decimal("0.125"), f"0,13{NBSP}€"),
        (Decimal("-1500.5"), f"-1{NBSP}500,50{NBSP}€"),
        (Decimal("-0.005"), f"-0,01{NBSP}€"),  # half away from zero
        (12, f"12,00{NBSP}€"),
        ("19990.90", f"19{NBSP}990,90{NBSP}€"),
    ],
)
def test_money_filter(value, shown):
    assert render("{{ v|money }}", v=value) == shown


@pytest.mark.parametrize("value", [None, "", "pas un nombre"])
def test_money_filter_on_empty_or_invalid_values_shows_nothing(value):
    assert render("{{ v|money }}", v=value) == ""


def test_number_filter_groups_thousands():
    assert render("{{ v|number }}", v=123456) == f"123{NBSP}456"
    assert render('{{ v|number:"1" }}', v=Decimal("1234.56")) == f"1{NBSP}234,6"  # rounded
    assert render('{{ v|number:"2" }}', v=0.125) == "0,13"
    assert render("{{ v|number }}", v=Decimal("86999.5")) == f"87{NBSP}000"
    assert render("{{ v|number }}", v="abc") == ""


def test_datetime_format_in_paris_time():
    # 15:32 UTC on 16 December is 16:32 in Paris (winter, UTC+1).
    moment = datetime(2024, 12, 16, 15, 32, tzinfo=UTC)
    with translation.override("fr"):
        assert render('{{ d|date:"DATETIME_FORMAT" }}', d=moment) == "16/12/2024 à 16h32"
        assert render('{{ d|date:"SHORT_DATETIME_FORMAT" }}', d=moment) == "16/12/2024 à 16h32"
        assert render("{{ d }}", d=moment) == "16/12/2024 à 16h32"
        assert render('{{ d|time:"TIME_FORMAT" }}', d=moment) == "16h32"


def test_datetime_format_in_summer_time():
    moment = datetime(2024, 7, 1, 6, 5, tzinfo=UTC)  # UTC+2 in July
    with translation.override("fr"):
        assert render('{{ d|date:"DATETIME_FORMAT" }}', d=moment) == "01/07/2024 à 08h05"


def test_date_format():
    with translation.override("fr"):
        assert render('{{ d|date:"DATE_FORMAT" }}', d=date(2024, 12, 16)) == "16/12/2024"
        assert render("{{ d }}", d=date(2024, 2, 3)) == "03/02/2024"


def test_french_date_input_is_accepted():
    from django import forms

    class F(forms.Form):
        when = forms.DateField()
        at = forms.DateTimeField()

    with translation.override("fr"):
        form = F({"when": "16/12/2024", "at": "16/12/2024 16:32"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == date(2024, 12, 16)
    assert form.cleaned_data["at"].astimezone(UTC) == datetime(2024, 12, 16, 15, 32, tzinfo=UTC)


def test_pages_are_in_french(client, user):
    client.force_login(user)
    response = client.get("/profil/")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
