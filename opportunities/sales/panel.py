"""The opportunities section of the vehicle page (O-9): the opportunities on the vehicle,
test drives included, and "Faire une offre"."""

from django.utils.translation import gettext_lazy as _

from opportunities.sales import selectors
from vehicles.panels import Panel, register


def _context(request, vehicle) -> dict:
    return {
        "vehicle": vehicle,
        "opportunities": list(
            selectors.opportunities_on_vehicle(user=request.user, vehicle=vehicle)[:30]
        ),
        "can_offer": vehicle.status != "sortie",
    }


register(
    Panel(
        key="opportunities",
        title=_("Opportunités sur ce véhicule"),
        template="opportunities/vehicle_panel.html",
        context=_context,
        order=10,
    )
)
