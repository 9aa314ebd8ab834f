"""Financing on the offer and order pages (V-13), so that their views need no change:

- ``{% financing_offer_block offer %}``: the offer's simulations and financing requests,
  with "Demander un financement" from a validated offer;
- ``{% financing_order_summary order %}``: the order's "Financement" summary;
- ``{{ key|financing_provider }}``: a provider's display name;
- ``{{ request.status|financing_badge }}``: the badge class of a request's status.
"""

from django import template

from opportunities.financing import selectors as financing

register = template.Library()


@register.inclusion_tag("opportunities/financing/offer_block_tag.html", takes_context=True)
def financing_offer_block(context, offer):
    data = financing.financing_offer_block(offer=offer, user=context["request"].user)
    data["csrf_token"] = context.get("csrf_token")
    return data


@register.inclusion_tag("opportunities/financing/order_block_tag.html", takes_context=True)
def financing_order_summary(context, order):
    data = financing.financing_order_summary(order=order)
    data["csrf_token"] = context.get("csrf_token")
    return data


@register.filter
def financing_provider(key: str) -> str:
    return financing.provider_name(key)


BADGES = {"transmis": "badge-sent", "favorable": "badge-ok", "defavorable": "badge-danger"}


@register.filter
def financing_badge(status: str) -> str:
    return BADGES.get(status, "badge-failed")
