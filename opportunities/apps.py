from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunités")

    def ready(self) -> None:
        # The sections that the sale side adds to the vehicle page (vehicles.panels) and
        # its receivers of the stock's signals (vehicles.signals).
        from opportunities.documents import panel as _documents_panel  # noqa: F401
        from opportunities.financing import panel as _financing_panel  # noqa: F401
        from opportunities.financing import receivers as _financing_receivers  # noqa: F401
        from opportunities.products import panel as _products_panel  # noqa: F401
        from opportunities.reservations import panel as _reservations_panel  # noqa: F401
        from opportunities.reservations import receivers as _reservations_receivers  # noqa: F401
        from opportunities.sales import panel as _sales_panel  # noqa: F401
        from opportunities.sales import receivers as _sales_receivers  # noqa: F401
