"""The financing section of the vehicle page (V-13): the simulations, the default (or the
lowest monthly payment) first, and for fleet managers the customisation actions."""

from django.utils.translation import gettext_lazy as _

from opportunities.financing import selectors as financing
from vehicles.panels import Panel, register


def _context(request, vehicle) -> dict:
    return financing.financing_vehicle_panel(vehicle=vehicle, user=request.user)


register(
    Panel(
        key="financing",
        title=_("Financement"),
        template="opportunities/financing/vehicle_panel.html",
        context=_context,
        order=30,
    )
)
