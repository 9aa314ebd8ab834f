"""Rough edges of issue 13: empty choices, money fields, labels and plurals, list markup."""

from decimal import Decimal

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from openflex.core.forms import MoneyField, MoneyInput
from openflex.core.money import parse_money
from openflex.notifications.models import EMAIL_KINDS, OutboundEmail
from opportunities.customers.forms import CustomerForm
from opportunities.sales.models import Order
from vehicles.stock.columns import COLUMNS, cell_html

NBSP, NNBSP = "\u00a0", "\u202f"


# --- Django's "---------" -----------------------------------------------------------------


def test_a_required_radio_group_has_no_empty_choice():
    html = str(CustomerForm()["kind"])
    assert "---------" not in html
    assert 'value=""' not in html
    assert 'value="particulier"' in html


class _Choices(forms.Form):
    civility = forms.ChoiceField(choices=[("", "---------"), ("M.", "M."), ("Mme", "Mme")])
    colour = forms.ChoiceField(
        choices=[("", "---------"), ("r", "Rouge")], widget=forms.RadioSelect, required=False
    )


def test_a_select_says_choisir_and_a_radio_group_drops_the_dash():
    form = _Choices()
    select, radios = str(form["civility"]), str(form["colour"])
    assert "---------" not in select + radios
    assert '<option value="" selected>Choisir…</option>' in select
    assert 'value=""' not in radios


def test_no_form_of_the_customer_page_shows_the_dash():
    assert "---------" not in str(CustomerForm().as_div())


# --- Money fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["17 150,00", f"17{NBSP}150,00", f"17{NNBSP}150,00", "17150,00", "17150.00", "17 150,00 €"],
)
def test_money_is_typed_the_french_or_the_english_way(typed):
    assert parse_money(typed) == Decimal("17150.00")
    assert MoneyField(max_digits=12, decimal_places=2).clean(typed) == Decimal("17150.00")


@pytest.mark.parametrize("typed", ["17,150,00", "abc", "1e400"])
def test_money_refuses_what_is_not_an_amount(typed):
    with pytest.raises(forms.ValidationError):
        MoneyField(max_digits=12, decimal_places=2).clean(typed)


def test_money_is_shown_as_the_totals_show_it_with_the_euro_sign_beside():
    html = MoneyInput().render("price", Decimal("17150"))
    assert f'value="17{NBSP}150,00"' in html
    assert 'inputmode="decimal"' in html
    assert '<span class="money-unit" aria-hidden="true">€</span>' in html
    # What was typed comes back as typed (a bound form refused for another field).
    assert 'value="12,3,4"' in MoneyInput().render("price", "12,3,4")
    assert 'value="20 000"' in MoneyInput().render("price", "20 000")


def test_the_vehicle_price_form_and_the_offer_form_use_the_money_field():
    from opportunities.sales.forms import OfferHeaderForm
    from vehicles.detail.forms import PriceForm

    assert isinstance(PriceForm.base_fields["selling_price"], MoneyField)
    assert isinstance(OfferHeaderForm.base_fields["vehicle_price"].widget, MoneyInput)
    assert PriceForm({"selling_price": "17 150,00"}).is_valid()


# --- Labels and plurals ---------------------------------------------------------------------


def test_the_draft_order_is_a_brouillon_and_keeps_its_stored_value():
    assert Order.Status.DRAFT.label == "Brouillon"
    assert Order.Status.DRAFT.value == "brouillon"


def test_every_email_kind_sent_has_a_french_label():
    email = OutboundEmail(kind="late_vehicles_digest")
    assert email.kind_label == "Récapitulatif des véhicules en retard"
    assert OutboundEmail(kind="order_decided").kind_label == "Décision sur une commande"
    assert OutboundEmail(kind="something_new").kind_label == "something_new"
    assert all("_" not in str(label) for label in EMAIL_KINDS.values())


def test_late_list_counts_are_proper_plurals():
    one = ngettext(
        "%(n)s véhicule en retard dans son statut",
        "%(n)s véhicules en retard dans leur statut",
        1,
    )
    assert one % {"n": 1} == "1 véhicule en retard dans son statut"
    html = render_to_string(
        "emails/vehicles/late_digest.txt",
        {"first_name": "Karim", "count": 21, "vehicles": [], "more": 1, "url": "/"},
    )
    assert "… et 1 autre." in html and "(s)" not in html


# --- Stock table ----------------------------------------------------------------------------


def test_only_the_long_free_text_of_the_stock_table_may_wrap():
    by_key = COLUMNS
    assert cell_html(by_key["version"], "1.5 dCi 115 Business Intens", 1).startswith(
        '<td class="wrap">'
    )
    assert cell_html(by_key["registration"], "AB-123-CD", 1) == "<td>AB-123-CD</td>"
