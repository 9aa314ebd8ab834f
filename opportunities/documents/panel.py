"""The "Documents" section of the vehicle page: print the price sticker (O-7, V-13)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vehicles.panels import Panel, register


def _context(request, vehicle) -> dict:
    return {"sticker_url": reverse("opportunities:price_sticker_pdf", args=[vehicle.pk])}


register(
    Panel(
        key="documents",
        title=_("Documents"),
        template="opportunities/document_panel.html",
        context=_context,
        order=300,
    )
)
