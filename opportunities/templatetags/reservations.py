"""``{% reservation_offer_button offer %}``: the "Réserver" button of a validated offer,
or the reservation that it holds (V-11). The offer page includes it in its actions."""

from django import template

from opportunities.reservations import services as reservations

register = template.Library()


@register.inclusion_tag("opportunities/reservations/offer_button_tag.html", takes_context=True)
def reservation_offer_button(context, offer):
    data = reservations.reservation_offer_actions(offer=offer, user=context["request"].user)
    data["csrf_token"] = context.get("csrf_token")
    return data
