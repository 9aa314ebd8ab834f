"""Money, once (issue 11): the VAT rate and the TTC → HT rule, and how an amount is shown.

Pure functions, no database. Amounts are Decimal to the cent, rounded half up; they are
shown with Django's ``number_format`` and the French formats (``openflex/formats/fr``):
``25 000,00 €`` with non-breaking spaces.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

VAT_RATE = Decimal("0.20")  # French standard rate, on every VAT-able line of an offer
CENT = Decimal("0.01")
NBSP = "\xa0"


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_ht(amount) -> Decimal:
    """A TTC amount → its HT amount, rounded to the cent (half up)."""
    return cents(Decimal(amount) / (1 + VAT_RATE))


def format_money(value, currency: str = "€") -> str:
    """25000 → ``25 000,00 €`` (French formats, two decimals rounded half up — Django's
    ``number_format`` alone would truncate). None, "" or not a number → ""."""
    if value is None or value == "":
        return ""
    try:
        amount = cents(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""
    if amount == 0:
        amount = abs(amount)  # no "-0,00"
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text}{NBSP}{currency}" if currency else text
