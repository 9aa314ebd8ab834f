"""Template helpers available in every template (declared as builtins)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\xa0"
CENT = Decimal("0.01")


def format_money(value, currency: str = "€") -> str:
    """25000 → ``25 000,00 €`` (non-breaking spaces, two decimals, rounded half up)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    whole, _sep, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{cents}{NBSP}{currency}"


@register.filter
def money(value) -> str:
    return format_money(value)


@register.filter
def ht(value):
    """A TTC amount → its HT amount at 20 % VAT, rounded to the cent (O-3)."""
    if value is None or value == "":
        return value
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    return (amount / Decimal("1.20")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@register.filter
def number(value, decimals: int = 0) -> str:
    """123456 → ``123 456``; ``number:1`` rounds half up (Django's number_format truncates)."""
    if value is None or value == "":
        return ""
    places = int(decimals)
    try:
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (pagination, sorts)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def field_label(form, name: str) -> str:
    """The label of ``form[name]`` (error summaries name the field as the user sees it)."""
    try:
        return form[name].label
    except KeyError:
        return name


@register.filter
def field_fast(bound_field):
    """A form field group rendered in Python (filter panels of large lists)."""
    from openflex.core.forms import field_group_fast

    return field_group_fast(bound_field)
