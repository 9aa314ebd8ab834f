"""The additional products section of the vehicle page (V-10)."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opportunities.products import services as products
from opportunities.products.forms import AttachForm
from vehicles.models import StandardStatus
from vehicles.panels import Panel, register


def panel_context(request: HttpRequest, vehicle) -> dict:
    """The pack proposed for the vehicle, its accessories and services, and (for fleet
    managers with the configuration right and administrators) the attach form."""
    data = products.vehicle_products_panel(vehicle=vehicle)
    can_edit = vehicle.status != StandardStatus.EXIT and products.user_can_attach_products(
        request.user
    )
    data["can_edit"] = can_edit
    data["attach_form"] = (
        AttachForm(products=data["attachable"]) if can_edit and data["attachable"] else None
    )
    return data


register(
    Panel(
        key="products",
        title=_("Produits additionnels"),
        template="opportunities/products/vehicle_panel.html",
        context=panel_context,
        order=40,
    )
)
