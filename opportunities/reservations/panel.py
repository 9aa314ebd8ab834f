"""The reservation section of the vehicle page (V-11): the active pre-entry reservation
(kind, end, by whom, from which opportunity) and, for managers, "Annuler la réservation"."""

from django.utils.translation import gettext_lazy as _

from opportunities.reservations import services as reservations
from vehicles.panels import Panel, register


def _context(request, vehicle) -> dict:
    data = reservations.reservation_vehicle_panel(vehicle=vehicle, user=request.user)
    if data["can_end"]:
        from opportunities.reservations.forms import ReservationEndForm

        data["end_form"] = ReservationEndForm()
    return data


register(
    Panel(
        key="reservation",
        title=_("Réservation"),
        template="opportunities/reservations/vehicle_panel.html",
        context=_context,
        order=5,
    )
)
