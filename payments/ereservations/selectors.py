"""Reads of the e-reservation's public pages: only what the ad portals already show."""

from django.http import Http404

from vehicles.models import Vehicle


def vehicle_public_get(*, number: int) -> Vehicle:
    """A published vehicle (V-12), the page the stock feed links to; anything else is a
    404 (an unpublished vehicle is not shown to the public)."""
    vehicle = (
        Vehicle.objects.select_related("point_of_sale").filter(pk=number, is_published=True).first()
    )
    if vehicle is None:
        raise Http404
    return vehicle
