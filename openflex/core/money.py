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

# VAT regimes of a vehicle (``vehicles.models.VatRegime`` holds the same values, issue 13).
# NORMAL: VAT on the whole price (new vehicles, demonstration vehicles, used vehicles
# bought with VAT from a VAT-registered company). MARGIN: the margin scheme for second-hand
# goods (régime de la marge, article 297 A of the CGI), used vehicles bought from private
# persons: no VAT is shown on the price; the dealer owes VAT on his margin only, in his
# books, and the buyer cannot recover any.
VAT_NORMAL = "normal"
VAT_MARGIN = "margin"


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_ht(amount, regime: str = VAT_NORMAL) -> Decimal:
    """A TTC amount → its HT amount, rounded to the cent (half up).

    Under the margin scheme (``VAT_MARGIN``) a price carries no apparent VAT: nothing can
    be taken off it, so its HT amount is the amount itself (``docs/decisions.md``)."""
    if regime == VAT_MARGIN:
        return cents(Decimal(amount))
    return cents(Decimal(amount) / (1 + VAT_RATE))


def margin_vat(selling_price, purchase_price) -> Decimal | None:
    """The VAT a dealer owes on a margin-scheme sale (article 297 A of the CGI), for his
    books, never printed: 20/120 of the margin (selling price − purchase price, both as
    paid), nothing when there is no margin. None when a price is unknown."""
    if selling_price is None or purchase_price is None:
        return None
    margin = Decimal(selling_price) - Decimal(purchase_price)
    if margin <= 0:
        return cents(0)
    return cents(margin * VAT_RATE / (1 + VAT_RATE))


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


# Spaces a typed amount may carry as thousands separators: space, no-break space, narrow
# no-break space (what ``format_money`` and the French locale write), thin space.
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009")


def parse_money(raw) -> Decimal:
    """An amount typed the French way or the English way → Decimal to the cent.

    ``17 150,00``, ``17150,00``, ``17150.00``, ``17 150,00 €`` (spaces of any kind) all
    give ``Decimal("17150.00")``; empty → 0. ValueError when it is not an amount."""
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw or "").strip().translate(_GROUPING).replace("€", "").replace(",", ".")
        if not text:
            return cents(0)
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(str(raw))
    try:
        return cents(value)
    except InvalidOperation as exc:  # "1e30": too many digits to hold cents
        raise ValueError(str(raw)) from exc
