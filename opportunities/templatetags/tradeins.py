"""``{% opportunity_tradeins opportunity %}``: the trade-ins section of the opportunity
page (O-8), included by ``opportunities/tradeins/opportunity_section.html``."""

from django import template

from opportunities.tradeins import selectors as tradeins

register = template.Library()


@register.inclusion_tag("opportunities/tradeins/opportunity_section_tag.html", takes_context=True)
def opportunity_tradeins(context, opportunity):
    return {
        "opportunity": opportunity,
        "trade_ins": tradeins.tradeins_of_opportunity(opportunity=opportunity),
        "request": context.get("request"),
        "user": context.get("user"),
    }


BADGES = {
    "a_valider": "badge-warning",
    "enchere": "badge-info",
    "validee": "badge-ok",
    "refusee": "badge-danger",
}


@register.filter
def tradein_badge(status: str) -> str:
    """The badge class of a trade-in status."""
    return BADGES.get(status, "")
