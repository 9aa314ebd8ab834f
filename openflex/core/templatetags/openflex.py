"""Template helpers available in every template (declared as builtins)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from openflex.accounts import rules
from openflex.core.money import VAT_NORMAL, format_money, to_ht

register = template.Library()

__all__ = ["format_money"]  # kept importable from here; it lives in openflex.core.money


@register.filter
def money(value) -> str:
    return format_money(value)


@register.filter
def money_input(value) -> str:
    """The value of an amount field of the offer builder: ``17 150,00`` (no € sign, the
    field has it beside); what is not an amount is shown as typed."""
    from openflex.core.money import parse_money

    if value is None or value == "":
        return ""
    try:
        return format_money(parse_money(value), currency="")
    except ValueError:
        return str(value)


@register.filter
def ht(value, regime=None):
    """A TTC amount → its HT amount (``openflex.core.money.to_ht``, the VAT rate of the
    offers' totals, O-3). ``{{ price|ht:vehicle.vat_regime }}``: under the margin scheme
    the amount carries no apparent VAT and is shown as it is (issue 13)."""
    if value is None or value == "":
        return value
    try:
        return to_ht(Decimal(str(value)), regime or VAT_NORMAL)
    except (InvalidOperation, ValueError):
        return value


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


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, *, short="", numeric=False, target="", reverse=False):
    """A sortable column header of a list (openflex.core.lists.SortFilter):
    ``<th scope="col" aria-sort="…">`` around a link that sorts by ``key``, or the other
    way round when it already does. ``target`` ("#results"): the link swaps the results
    with HTMX; none: a plain link. ``reverse``: ``key`` shows the values descending (the
    oldest date first is the most days late first)."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    sort = context.get("sort") or ""
    ascending, descending = ("descending", "ascending") if reverse else ("ascending", "descending")
    if sort == key:
        state, next_sort, arrow = ascending, "-" + key, " ▼" if reverse else " ▲"
    elif sort == "-" + key:
        state, next_sort, arrow = descending, key, " ▲" if reverse else " ▼"
    else:
        state, next_sort, arrow = "none", key, ""
    href = "?" + query_replace(context, sort=next_sort, page=None)
    htmx = (
        format_html(
            ' hx-get="{}" hx-target="{}" hx-swap="outerHTML" hx-push-url="true"', href, target
        )
        if target
        else ""
    )
    return format_html(
        '<th{} scope="col" aria-sort="{}"><a{} href="{}"{}{}>{}{}</a></th>',
        mark_safe(' class="num"') if numeric else "",  # noqa: S308 — a constant
        state,
        mark_safe(' class="sorted"') if arrow else "",  # noqa: S308 — a constant
        href,
        htmx,
        # The name begins with the visible abbreviation (WCAG 2.5.3 "label in name").
        format_html(' title="{}" aria-label="{} ({})"', label, short, label) if short else "",
        short or label,
        arrow,
    )


# --- Links point only where the user may go (issue 13) -------------------------------
# ``{% if user|may_open_vehicle:o.vehicle %}<a href=…>{% endif %}``: the rules of the
# pages' own querysets (``openflex.accounts.rules.may_open_*``), asked of loaded objects
# (no query per row). A page the user cannot open is named, not linked.


@register.filter
def may_open_vehicle(user, vehicle) -> bool:
    if vehicle is None:
        return False
    return rules.may_open_vehicle(
        user, point_of_sale_id=vehicle.point_of_sale_id, parc=vehicle.parc
    )


@register.filter
def may_open_customer(user, customer) -> bool:
    if customer is None:
        return False
    return rules.may_open_customer(user, point_of_sale_id=customer.point_of_sale_id)


@register.filter
def may_open_opportunity(user, opportunity) -> bool:
    if opportunity is None:
        return False
    return rules.may_open_opportunity(
        user,
        salesperson_id=opportunity.salesperson_id,
        point_of_sale_id=opportunity.point_of_sale_id,
    )
