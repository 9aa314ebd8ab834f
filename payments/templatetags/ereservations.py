"""``{% ereservation_outcome payment as outcome %}``: what the internet user's pages say
after paying an e-reservation (``services.ereservation_outcome``)."""

from django import template

from payments.ereservations.services import ereservation_outcome as _outcome

register = template.Library()


@register.simple_tag
def ereservation_outcome(payment) -> dict:
    return _outcome(payment) if payment is not None else {"state": "unpaid"}
